"""Unified record, identifiers, source-format mappings, rules and serializers.

The bottom of the dependency graph: every other package speaks :class:`Record`.
"""

from mappings.errors import IdentifierError, MappingError, ShareNetError
from mappings.record import Record

__all__ = ["IdentifierError", "MappingError", "Record", "ShareNetError"]
