"""Errors raised while turning source payloads into unified records.

Every ShareNet error derives from :class:`ShareNetError`, defined here because
``mappings`` is the package every other one depends on::

    ShareNetError                    (http_status 500)
    ├── MappingError                 a payload cannot become a record (record-level)
    │   └── IdentifierError          an identifier (CSTR, DOI) is malformed
    ├── RulesError                   the rules file is invalid (a deployment error)
    ├── MappingConfigError           a JSON platform configuration is invalid (load time)
    ├── harvester.errors.HarvestError ...
    ├── indexer.errors.SearchError ...
    └── search_api.errors.ApiError ...

``http_status`` lets the web layer turn any of them into one JSON error shape
without knowing the subclass; ``code`` is a stable machine-readable name.
"""

from __future__ import annotations


class ShareNetError(Exception):
    """Root of every error ShareNet raises on purpose."""

    http_status: int = 500
    code: str = "internal_error"

    def __init__(self, message: str, *, detail: object | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class MappingError(ShareNetError):
    """A source payload could not be mapped; it fails one record, never a run."""

    http_status = 422
    code = "mapping_error"


class IdentifierError(MappingError):
    """An identifier does not follow its standard; the message says which part is wrong."""

    code = "invalid_identifier"


class RulesError(ShareNetError):
    """The compliance rules file is invalid: caught at load time, never per record."""

    code = "rules_error"


class MappingConfigError(ShareNetError):
    """A declarative JSON platform configuration is invalid: caught at load time, naming
    the file, the key and the reason (a deployment error, never a per-record one)."""

    code = "mapping_config_error"
