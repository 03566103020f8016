"""National (CSTR, GB/T 32843-2016) and DOI identifiers: parse, normalise, validate.

Sources spell CSTRs in many ways (``cstr:31253.11.x``, ``31253.11.x``, a
``https://cstr.cn/...`` link); the registry's canonical spelling is upper-case
prefix and agency code with the agency's own suffix as registered. We accept
every spelling, keep the original, and say precisely what is wrong with a
malformed one so operators can fix it at the source.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from mappings.errors import IdentifierError

CSTR_RESOLVER = "https://cstr.cn/"
_AGENCY = re.compile(r"^[0-9A-Z]{5}$")
_TYPE = re.compile(r"^[0-9]{2}$")
_SUFFIX = re.compile(r"^[\x21-\x7e]+$")
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?cstr\.cn/", re.IGNORECASE)
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Cstr:
    """A parsed CSTR: ``CSTR:<agency>.<type>.<suffix>``."""

    agency: str
    resource_type: str
    suffix: str

    def __str__(self) -> str:
        return f"CSTR:{self.agency}.{self.resource_type}.{self.suffix}"

    @property
    def resolver_url(self) -> str:
        return CSTR_RESOLVER + str(self)


@functools.lru_cache(maxsize=4096)
def parse_cstr(value: str) -> Cstr:
    """Parse any accepted spelling of a CSTR, raising :class:`IdentifierError` with the reason.

    Cached: the rules ask about a record's CSTR several times (well-formed, agency,
    type, uniqueness) and a :class:`Cstr` is immutable.
    """
    found = _read_cstr(value)
    if isinstance(found, Cstr):
        return found
    raise IdentifierError(found.message(value))


def find_cstr(value: str) -> Cstr | None:
    """The parsed CSTR, or ``None`` if ``value`` is not one.

    For callers that only ask *whether* (an index key, a mapping sorting identifiers):
    it skips building the reason, which costs more than the parse itself.
    """
    found = _read_cstr(value)
    return found if isinstance(found, Cstr) else None


@dataclass(frozen=True, slots=True)
class _Malformed:
    """Why a value is not a CSTR; the message is only written when someone reads it."""

    reason: str
    part: str = ""

    def message(self, value: str) -> str:
        match self.reason:
            case "empty":
                return "CSTR is empty"
            case "parts":
                return (
                    f"CSTR {value!r} must have an agency code, a resource type and a suffix "
                    "separated by dots (e.g. CSTR:31253.11.sciencedb.01874)"
                )
            case "agency":
                return f"CSTR {value!r}: agency code {self.part!r} must be 5 digits or letters"
            case "type":
                return f"CSTR {value!r}: resource type {self.part!r} must be 2 digits"
        return f"CSTR {value!r}: suffix {self.part!r} may hold only visible ASCII characters"


def _read_cstr(value: str) -> Cstr | _Malformed:
    text = value.strip()
    if not text:
        return _Malformed("empty")
    text = _URL_PREFIX.sub("", text)
    if text[:5].upper() == "CSTR:":
        text = text[5:].strip()
    parts = text.split(".", 2)
    if len(parts) < 3 or not parts[2]:
        return _Malformed("parts")
    agency, rtype, suffix = parts[0].upper(), parts[1], parts[2]
    if not _AGENCY.match(agency):
        return _Malformed("agency", parts[0])
    if not _TYPE.match(rtype):
        return _Malformed("type", rtype)
    if not _SUFFIX.match(suffix):
        return _Malformed("suffix", suffix)
    return Cstr(agency, rtype, suffix)


def normalise_cstr(value: str) -> str:
    """The canonical ``CSTR:`` spelling of ``value``; raises if it is malformed."""
    return str(parse_cstr(value))


def cstr_key(value: str) -> str:
    """Case-insensitive lookup key: registries treat suffixes without regard to case."""
    return normalise_cstr(value).upper()


def looks_like_cstr(value: str) -> bool:
    """Cheap test used by mappings to tell a CSTR among other identifiers."""
    return find_cstr(value) is not None


def normalise_doi(value: str) -> str:
    """Lower-cased bare DOI (``10.x/y``); raises if it is not a DOI."""
    doi = find_doi(value)
    if doi is None:
        raise IdentifierError(f"{value!r} is not a DOI (expected 10.<prefix>/<suffix>)")
    return doi


def find_doi(value: str) -> str | None:
    """The lower-cased bare DOI, or ``None`` if ``value`` is not one (see :func:`find_cstr`)."""
    text = _DOI_PREFIX.sub("", value.strip())
    return text.lower() if _DOI.match(text) else None
