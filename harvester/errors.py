"""Errors of harvesting and of the catalogue store.

::

    ShareNetError (mappings.errors)
    └── HarvestError                   a run cannot go on (the run fails, nothing is deleted)
        ├── SourceUnavailable          network error, timeout, HTTP 5xx after retries
        ├── ProtocolError              the reply is not what the protocol promises
        │   ├── OAIError               an OAI-PMH error code (``code`` holds it)
        │   │   └── BadResumptionToken expired or unknown token
        │   └── ReplyShapeError        a JSON/RDF reply breaks the configured shape
        ├── UnmappablePage             no item of a page maps (the configuration is wrong)
        ├── ConfigError                a source or adapter configuration is invalid
        ├── UnknownSource              no source with that id (HTTP 404)
        ├── UnknownPlatform            no platform with that id (HTTP 404)
        ├── StoreError                 the database cannot be opened or migrated
        └── StateConflict              a change the record's current state forbids (HTTP 409)
"""

from __future__ import annotations

from mappings.errors import ShareNetError


class HarvestError(ShareNetError):
    code = "harvest_error"
    http_status = 502


class SourceUnavailable(HarvestError):
    code = "source_unavailable"


class ProtocolError(HarvestError):
    code = "protocol_error"


class OAIError(ProtocolError):
    """An OAI-PMH ``<error code=...>``; ``oai_code`` is the protocol's code."""

    code = "oai_error"

    def __init__(self, oai_code: str, message: str) -> None:
        super().__init__(f"OAI-PMH error {oai_code}: {message}".rstrip(": "))
        self.oai_code = oai_code


class BadResumptionToken(OAIError):
    code = "bad_resumption_token"


class ReplyShapeError(ProtocolError):
    code = "reply_shape_error"


class UnmappablePage(HarvestError):
    """Every item of a page failed: said once, with the first item's reason, not per item.

    One bad record is a record-level error and the run goes on; when no item of
    a page of two or more maps, the configuration or the source's shape is
    wrong, and storing the page would only bury that under one error per item.
    A single-item page is left to the record-level rule: failing the run on it
    would resume at that one bad record for ever.
    """

    code = "unmappable_page"
    AT_LEAST = 2
    """Failed items a page must hold, none mapping, to fail the run."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        identifier, reason = errors[0]
        reason = reason.removeprefix(f"{identifier}: ")
        kinds = len({r.removeprefix(f"{i}: ") for i, r in errors})
        alike = "for the same reason" if kinds == 1 else f"for {kinds} different reasons"
        super().__init__(
            f"none of the {len(errors)} items of a page could be mapped ({alike}), so the run "
            f"stopped there and stored nothing of the page; the first, {identifier}: {reason}"
        )


class ConfigError(HarvestError):
    code = "config_error"
    http_status = 400


class UnknownSource(HarvestError):
    code = "unknown_source"
    http_status = 404


class StoreError(HarvestError):
    code = "store_error"
    http_status = 503


class UnknownPlatform(HarvestError):
    code = "unknown_platform"
    http_status = 404


class StateConflict(HarvestError):
    """E.g. answering a complaint that was never forwarded, or closing one twice."""

    code = "state_conflict"
    http_status = 409
