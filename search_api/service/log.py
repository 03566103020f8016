"""The service recorder bound to one request: what the routes call to count their use.

::

    @router.get("/api/records/{record_id}")
    def by_id(..., service: ServiceDep):
        ...
        service.used(record, EventKind.VIEW)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from harvester.store.service import EventKind
from indexer.base import Hit
from mappings.record import Record
from search_api.deps import ConfigDep
from search_api.service.recorder import ServiceRecorder


def client_address(request: Request) -> str:
    """Who is asking, for keying only: never stored, never logged."""
    return request.client.host if request.client else ""


@dataclass(slots=True)
class ServiceLog:
    recorder: ServiceRecorder
    client: str

    def searched(self, text: str, hits: Sequence[Hit]) -> None:
        """Every hit of the page is an impression; the query is noted as a term."""
        shown = [(str(h.document.get("platform", "")), h.id) for h in hits]
        self.recorder.record(
            [(platform, record_id, EventKind.IMPRESSION) for platform, record_id in shown],
            term=text,
            term_platforms={platform for platform, _ in shown},
            client=self.client,
        )

    def used(self, record: Record, kind: EventKind) -> None:
        self.recorder.record([(record.platform, record.id, kind)])

    def rating_key(self, record_id: str) -> str:
        return self.recorder.rating_key(self.client, record_id)


async def get_service(request: Request, config: ConfigDep) -> ServiceLog:
    return ServiceLog(config.service, client_address(request))


ServiceDep = Annotated[ServiceLog, Depends(get_service)]
