"""Errors of the search engines.

::

    ShareNetError (mappings.errors)
    └── SearchError                 the engine cannot answer (HTTP 503)
        ├── BackendUnavailable      cluster unreachable or red, index files unreadable
        ├── MappingOutOfDate        the cluster's index mapping is older than this release
        ├── BulkError               some documents could not be written (ids and reasons kept)
        └── QueryError              the query cannot be run as given (HTTP 400)
"""

from __future__ import annotations

from mappings.errors import ShareNetError


class SearchError(ShareNetError):
    code = "search_error"
    http_status = 503


class BackendUnavailable(SearchError):
    code = "search_unavailable"


class MappingOutOfDate(SearchError):
    code = "index_mapping_out_of_date"


class BulkError(SearchError):
    """``failures`` maps record id to the engine's reason for each document not written."""

    code = "bulk_error"

    def __init__(self, message: str, failures: dict[str, str]) -> None:
        super().__init__(message, detail=failures)
        self.failures = failures


class QueryError(SearchError):
    code = "bad_query"
    http_status = 400
