"""What every source-format mapping does the same way: start a record, file identifiers.

Identifiers arrive as bare strings in every format (``dc:identifier``,
``dct:identifier``, DataCite ``alternateIdentifier``). :func:`place_identifier`
decides once, for all formats, whether a string is a CSTR, a DOI, a landing
page URL or something else, so that a CSTR is recognised however it is spelled.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml import etree

from mappings.dates import parse_datetime
from mappings.errors import IdentifierError
from mappings.formats import MappingContext
from mappings.identifiers import looks_like_cstr, normalise_cstr, normalise_doi
from mappings.lang import lang_of
from mappings.record import (
    Agent,
    Funding,
    Identifier,
    PhysicalDetails,
    Record,
    SourcePayload,
    record_id,
)
from mappings.vocabularies import is_public_funder, is_url, public_funder, subject_code

_CSTR_INTENT = re.compile(r"^\s*(?:cstr\s*:|(?:https?://)?(?:www\.)?cstr\.cn/)", re.I)
_CSTR_SHAPED = re.compile(r"^(?=[A-Z]{0,4}\d)[0-9A-Z]{5}[-_.:/\s]\d{2}[-_.:/\s]+\S", re.I)
"""Agency-code-like (5 digits or letters, one digit at least), separator, 2-digit type, rest."""
_GRANT = re.compile(r"^info:eu-repo/grantAgreement/([^/]*)(?:/([^/]*))?(?:/([^/]*))?", re.I)
_ACCESSION = re.compile(r"^accession\s*:\s*", re.I)
"""``accession:ZM000123``: how an untyped identifier says it is an accession/strain number."""
_SCHEMES = (
    (re.compile(r"^oai:", re.I), "OAI"),
    (re.compile(r"^(?:hdl:|https?://hdl\.handle\.net/)", re.I), "Handle"),
    (re.compile(r"^ark:", re.I), "ARK"),
    (re.compile(r"^urn:", re.I), "URN"),
    (_ACCESSION, "accession"),
    (re.compile(r"^https?://", re.I), "URL"),
)


def blank_record(payload: SourcePayload, context: MappingContext) -> Record:
    """A record keyed and stamped from the payload, before the format fills it in."""
    return Record(
        id=record_id(context.source, payload.source_identifier),
        source=context.source,
        platform=context.platform,
        source_identifier=payload.source_identifier,
        source_datestamp=payload.datestamp,
        deleted=payload.deleted,
    )


def scheme_of(value: str) -> str:
    """A scheme name for an identifier given without one."""
    if is_cstr(value):
        return "CSTR"
    try:
        normalise_doi(value)
    except IdentifierError:
        pass
    else:
        return "DOI"
    for pattern, scheme in _SCHEMES:
        if pattern.match(value):
            return scheme
    return "local"


def is_cstr(value: str) -> bool:
    """A CSTR in any spelling, or a string that plainly means to be one.

    It means to be one when it says so (``CSTR:…``, a cstr.cn link) or when it
    has a CSTR's shape with the wrong separators: ``11738-11-NCDC-DB0012-2019``
    is an agency code, the resource type 11 and a suffix, not a local number.
    Filed as a CSTR, a malformed one keeps ``cstr_original`` and the rules
    report it malformed rather than missing.
    """
    text = value.strip()
    return bool(_CSTR_INTENT.match(text) or _CSTR_SHAPED.match(text)) or looks_like_cstr(text)


def place_identifier(
    record: Record,
    value: str | None,
    scheme: str | None = None,
    *,
    relation: str | None = None,
) -> None:
    """File one identifier of the record (``relation`` None) or of a related resource.

    The record's own CSTR and DOI fill ``cstr``/``doi`` (the first wins, later
    ones go to ``identifiers``); a malformed own CSTR keeps ``cstr_original`` and
    leaves ``cstr`` empty so the rules report it; an own URL that is not a DOI
    link becomes the landing page.
    """
    text = (value or "").strip()
    if not text:
        return
    if relation is not None and (grant := grant_funding(text)) is not None:
        if grant not in record.funding:
            record.funding.append(grant)
        return
    kind = _canonical_scheme(scheme) if scheme else scheme_of(text)
    if relation is not None:
        _append(record, Identifier(scheme=kind, value=_tidy(kind, text), relation=relation))
        return
    if kind == "CSTR":
        _place_cstr(record, text)
    elif kind == "DOI" and record.doi is None and _doi(text):
        record.doi = _doi(text)
    elif kind == "accession":
        number = _ACCESSION.sub("", text)
        record.physical = record.physical or PhysicalDetails()
        record.physical.accession_number = record.physical.accession_number or number
        _append(record, Identifier(scheme="accession", value=number))
    elif kind == "URL" and record.landing_page is None and is_url(text):
        record.landing_page = text
    else:
        _append(record, Identifier(scheme=kind, value=_tidy(kind, text)))


def grant_funding(text: str) -> Funding | None:
    """The funding an OpenAIRE grant URI names, or ``None`` if ``text`` is not one.

    ``info:eu-repo/grantAgreement/<funder>/<programme>/<award>[/…]`` is how
    oai_dc (and any format with only untyped relations) carries funding. The
    funder is named by its programme when that is a known Chinese public one
    (``NSFC/国家自然科学基金/42071234`` -> 国家自然科学基金, as DataCite's
    funderName says it), else by the funder segment; it is public (art. 5) when
    either segment names a Chinese public funder (:data:`PUBLIC_FUNDERS`).
    """
    match = _GRANT.match(text)
    if match is None:
        return None
    funder, programme, award = (unquote(part or "").strip() for part in match.groups())
    if not funder:
        return None
    name = programme if is_public_funder(programme) else public_funder(funder) or funder
    return Funding(funder=name, award=award or None, public=is_public_funder(name))


def _place_cstr(record: Record, text: str) -> None:
    try:
        normalised = normalise_cstr(text)
    except IdentifierError:
        if record.cstr is None and record.cstr_original is None:
            record.cstr_original = text
        else:
            _append(record, Identifier(scheme="CSTR", value=text))
        return
    if record.cstr is None:
        record.cstr = normalised
        record.cstr_original = text
    elif record.cstr != normalised:
        _append(record, Identifier(scheme="CSTR", value=normalised))


def _canonical_scheme(scheme: str) -> str:
    upper = scheme.strip().upper()
    if upper in {"CSTR", "DOI", "URL", "URN", "ARK", "OAI", "ISBN", "ISSN", "HANDLE"}:
        return "Handle" if upper == "HANDLE" else upper
    return scheme.strip()


def _doi(text: str) -> str | None:
    try:
        return normalise_doi(text)
    except IdentifierError:
        return None


def _tidy(scheme: str, text: str) -> str:
    if scheme == "CSTR" and looks_like_cstr(text):
        return normalise_cstr(text)
    if scheme == "DOI":
        return _doi(text) or text
    return text


def _append(record: Record, identifier: Identifier) -> None:
    if identifier not in record.identifiers:
        record.identifiers.append(identifier)


def finish(record: Record) -> Record:
    """Last touches every format shares.

    A DOI resolves to the landing page. Subjects are normalised here, once for
    every format, so ``170 地球科学`` (oai_dc), ``170-地球科学`` (JSON) and a
    DataCite classificationCode all land on the one facet value ``170``.
    Funding a mapping did not flag public or not is public when its funder is
    on the list of Chinese public funders (art. 5), whichever format named it:
    a DataCite ``funderName`` or a JSON ``fund`` is not public just for being
    there (a JSON configuration that maps ``public`` itself is believed).
    """
    if record.landing_page is None and record.doi:
        record.landing_page = f"https://doi.org/{record.doi}"
    for funding in record.funding:
        if "public" not in funding.model_fields_set:
            funding.public = is_public_funder(funding.funder)
    codes = (subject_code(text) for text in record.subjects)
    record.subjects = list(dict.fromkeys(code for code in codes if code))
    return record


def agent_from_names(names: list[tuple[str, str | None]]) -> Agent | None:
    """One organisation named in several languages (Chinese name first, English as name_en)."""
    if not names:
        return None
    by_lang: dict[str, str] = {}
    for text, tag in names:
        by_lang.setdefault(lang_of(text, tag), text)
    first = names[0][0]
    main = by_lang.get("zh", first)
    english = by_lang.get("en")
    return Agent(name=main, name_en=english if english != main else None, kind="organization")


OAI_NS = "http://www.openarchives.org/OAI/2.0/"


def read_oai_header(record: Record, root: etree._Element) -> None:
    """When the payload is a whole OAI ``<record>``, its header says deleted and when."""
    header = root.find(f".//{{{OAI_NS}}}header")
    if header is None:
        return
    if header.get("status") == "deleted":
        record.deleted = True
    if record.source_datestamp is None:
        record.source_datestamp = parse_datetime(header.findtext(f"{{{OAI_NS}}}datestamp"))
