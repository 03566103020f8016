"""Records of one test source, ``batch``, written straight to the store (no harvest)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from harvester.store.models import SourceRow
from mappings.record import Record, record_id

BATCH = "batch"


def add_batch_source(session: Session) -> None:
    session.add(SourceRow(id=BATCH, platform="demo", protocol="oai-pmh", url="http://x"))


def batch_record(n: int, title: str = "初版") -> Record:
    """Record ``n`` of the source; ``title`` makes an edited version of it."""
    return Record(
        id=record_id(BATCH, f"oai:batch:{n}"),
        source=BATCH,
        source_identifier=f"oai:batch:{n}",
        platform="demo",
        title={"zh": f"{title} {n}"},
    )
