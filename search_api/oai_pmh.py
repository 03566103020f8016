"""The portal's own OAI-PMH 2.0 provider over the federated catalogue.

Framework-neutral: :func:`respond` takes the request's arguments and returns the
XML reply, so the route is a thin wrapper and tests can call it directly.

Design choices, all for harvesters downstream:

- Datestamps are the store's ``changed_at`` (when *our* copy last changed), at
  seconds granularity, so an incremental harvest with ``from`` sees every change
  we made, including tombstones (``deletedRecord=persistent``).
- Resumption tokens are stateless: the listing's arguments plus the cursor
  ``(changed_at, id)`` of the last item sent, encoded in the token. They stay
  valid across restarts and need no server-side state; a token that does not
  decode is ``badResumptionToken``.
- Sets are ``platform:<id>`` and ``kind:<resource kind>``.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lxml import etree
from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from harvester.store import Database
from harvester.store.models import PlatformRow, RecordRow
from mappings.record import Record, ResourceKind

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
ID_PREFIX = "oai:sharenet:"
PAGE_SIZE = 100
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_NSMAP: Any = {None: OAI_NS, "xsi": XSI_NS}


@dataclass(frozen=True, slots=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    serializer: str
    """Dotted ``module:function`` turning a Record into an lxml element."""

    def render(self, record: Record) -> etree._Element:
        module, attr = self.serializer.split(":")
        func_: Callable[[Record], etree._Element] = getattr(importlib.import_module(module), attr)
        return func_(record)


FORMATS: dict[str, MetadataFormat] = {
    "oai_dc": MetadataFormat(
        "oai_dc",
        "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        "http://www.openarchives.org/OAI/2.0/oai_dc/",
        "mappings.serialize.oai:oai_dc_element",
    ),
    "oai_datacite": MetadataFormat(
        "oai_datacite",
        "http://schema.datacite.org/oai/oai-1.1/oai.xsd",
        "http://schema.datacite.org/oai/oai-1.1/",
        "mappings.serialize.oai:oai_datacite_element",
    ),
}

_VERB_ARGS: dict[str, tuple[set[str], set[str]]] = {
    # verb: (required, optional); resumptionToken is exclusive where allowed
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), {"resumptionToken"}),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set", "resumptionToken"}),
}


class OAIProblem(Exception):
    """One OAI-PMH error condition; the reply carries it as ``<error code=...>``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Listing:
    """The arguments of a list request, also what a resumption token carries."""

    prefix: str
    set: str | None
    since: datetime | None
    until: datetime | None
    after: tuple[datetime, str] | None = None

    def encode(self, after: tuple[datetime, str]) -> str:
        data = {
            "p": self.prefix,
            "s": self.set,
            "f": self.since.isoformat() if self.since else None,
            "u": self.until.isoformat() if self.until else None,
            "a": [after[0].isoformat(), after[1]],
        }
        blob = json.dumps(data, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(blob).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> Listing:
        try:
            blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            data = json.loads(blob)
            after = (datetime.fromisoformat(data["a"][0]), str(data["a"][1]))
            listing = cls(
                prefix=str(data["p"]),
                set=data["s"],
                since=datetime.fromisoformat(data["f"]) if data["f"] else None,
                until=datetime.fromisoformat(data["u"]) if data["u"] else None,
                after=after,
            )
        except (ValueError, KeyError, TypeError, IndexError, binascii.Error) as exc:
            raise OAIProblem("badResumptionToken", "the resumption token is invalid") from exc
        if listing.prefix not in FORMATS:
            raise OAIProblem("badResumptionToken", "the resumption token is invalid")
        return listing


def _parse_datestamp(value: str, name: str, *, end: bool) -> tuple[datetime, str]:
    for fmt, granularity in (("%Y-%m-%dT%H:%M:%SZ", "seconds"), ("%Y-%m-%d", "day")):
        try:
            parsed = datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
        if end:
            # ``until`` is inclusive at the given granularity: stop before the next unit.
            parsed += timedelta(days=1) if granularity == "day" else timedelta(seconds=1)
        return parsed, granularity
    raise OAIProblem("badArgument", f"{name}={value!r} is not a valid UTC datestamp")


def _datestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _check_arguments(args: Mapping[str, str]) -> str:
    verb = args.get("verb")
    if verb is None:
        raise OAIProblem("badVerb", "the verb argument is missing")
    if verb not in _VERB_ARGS:
        raise OAIProblem("badVerb", f"{verb!r} is not an OAI-PMH verb")
    required, optional = _VERB_ARGS[verb]
    given = set(args) - {"verb"}
    if "resumptionToken" in given and "resumptionToken" in optional:
        if given != {"resumptionToken"}:
            raise OAIProblem("badArgument", "resumptionToken is an exclusive argument")
        return verb
    unknown = given - required - optional
    if unknown:
        raise OAIProblem("badArgument", f"illegal argument(s): {', '.join(sorted(unknown))}")
    missing = required - given
    if missing:
        raise OAIProblem("badArgument", f"missing argument(s): {', '.join(sorted(missing))}")
    return verb


class Provider:
    """Answers OAI-PMH requests from the catalogue store."""

    def __init__(
        self,
        db: Database,
        base_url: str,
        *,
        repository_name: str = "ShareNet — 中国科技资源共享网",
        admin_email: str = "admin@sharenet.example",
        page_size: int = PAGE_SIZE,
    ) -> None:
        self.db = db
        self.base_url = base_url
        self.repository_name = repository_name
        self.admin_email = admin_email
        self.page_size = page_size

    def respond(self, raw_args: Mapping[str, Sequence[str]]) -> bytes:
        """The XML reply to one request; every error is an OAI error, never an exception."""
        root = etree.Element(f"{{{OAI_NS}}}OAI-PMH", nsmap=_NSMAP)
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
        etree.SubElement(root, f"{{{OAI_NS}}}responseDate").text = _datestamp(datetime.now(UTC))
        request = etree.SubElement(root, f"{{{OAI_NS}}}request")
        request.text = self.base_url
        args = {k: v[0] for k, v in raw_args.items() if v}
        try:
            repeated = sorted(k for k, v in raw_args.items() if len(v) > 1)
            if repeated:
                raise OAIProblem("badArgument", f"repeated argument(s): {', '.join(repeated)}")
            verb = _check_arguments(args)
            with self.db.session() as session:
                body = getattr(self, f"_{verb}")(session, args)
        except OAIProblem as problem:
            # The spec: after badVerb or badArgument, echo only the base URL.
            if problem.code not in {"badVerb", "badArgument"}:
                for key, value in args.items():
                    request.set(key, value)
            etree.SubElement(root, f"{{{OAI_NS}}}error", code=problem.code).text = problem.message
        else:
            for key, value in args.items():
                request.set(key, value)
            root.append(body)
        reply: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return reply

    # -- verbs ---------------------------------------------------------------------------

    def _Identify(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        earliest = session.scalar(select(func.min(RecordRow.changed_at))) or EARLIEST
        el = etree.Element(f"{{{OAI_NS}}}Identify")
        for tag, text in (
            ("repositoryName", self.repository_name),
            ("baseURL", self.base_url),
            ("protocolVersion", "2.0"),
            ("adminEmail", self.admin_email),
            ("earliestDatestamp", _datestamp(earliest)),
            ("deletedRecord", "persistent"),
            ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
        ):
            etree.SubElement(el, f"{{{OAI_NS}}}{tag}").text = text
        return el

    def _ListMetadataFormats(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        if "identifier" in args:
            self._row(session, args["identifier"])
        el = etree.Element(f"{{{OAI_NS}}}ListMetadataFormats")
        for fmt in FORMATS.values():
            mf = etree.SubElement(el, f"{{{OAI_NS}}}metadataFormat")
            etree.SubElement(mf, f"{{{OAI_NS}}}metadataPrefix").text = fmt.prefix
            etree.SubElement(mf, f"{{{OAI_NS}}}schema").text = fmt.schema
            etree.SubElement(mf, f"{{{OAI_NS}}}metadataNamespace").text = fmt.namespace
        return el

    def _ListSets(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        if "resumptionToken" in args:
            raise OAIProblem("badResumptionToken", "ListSets is complete in one reply")
        el = etree.Element(f"{{{OAI_NS}}}ListSets")
        for spec, name in self._sets(session):
            s = etree.SubElement(el, f"{{{OAI_NS}}}set")
            etree.SubElement(s, f"{{{OAI_NS}}}setSpec").text = spec
            etree.SubElement(s, f"{{{OAI_NS}}}setName").text = name
        return el

    def _GetRecord(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        fmt = self._format(args["metadataPrefix"])
        row = self._row(session, args["identifier"])
        el = etree.Element(f"{{{OAI_NS}}}GetRecord")
        el.append(self._record(row, fmt))
        return el

    def _ListIdentifiers(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        return self._list(session, args, headers_only=True)

    def _ListRecords(self, session: Session, args: Mapping[str, str]) -> etree._Element:
        return self._list(session, args, headers_only=False)

    # -- helpers -------------------------------------------------------------------------

    def _sets(self, session: Session) -> list[tuple[str, str]]:
        sets = [
            (f"platform:{p.id}", p.name_zh or p.name_en or p.id)
            for p in session.scalars(select(PlatformRow).order_by(PlatformRow.id))
        ]
        known = {spec for spec, _ in sets}
        for (platform,) in session.execute(select(RecordRow.platform).distinct()):
            if f"platform:{platform}" not in known:
                sets.append((f"platform:{platform}", platform))
        sets.extend((f"kind:{kind.value}", kind.value) for kind in ResourceKind)
        return sets

    @staticmethod
    def _format(prefix: str) -> MetadataFormat:
        fmt = FORMATS.get(prefix)
        if fmt is None:
            raise OAIProblem(
                "cannotDisseminateFormat", f"metadataPrefix {prefix!r} is not supported"
            )
        return fmt

    @staticmethod
    def _row(session: Session, identifier: str) -> RecordRow:
        row = None
        if identifier.startswith(ID_PREFIX):
            row = session.get(RecordRow, identifier.removeprefix(ID_PREFIX))
        if row is None:
            raise OAIProblem("idDoesNotExist", f"no record with identifier {identifier!r}")
        return row

    def _listing(self, args: Mapping[str, str]) -> Listing:
        if "resumptionToken" in args:
            return Listing.decode(args["resumptionToken"])
        self._format(args["metadataPrefix"])
        since = until = None
        grains = []
        if "from" in args:
            since, grain = _parse_datestamp(args["from"], "from", end=False)
            grains.append(grain)
        if "until" in args:
            until, grain = _parse_datestamp(args["until"], "until", end=True)
            grains.append(grain)
        if len(set(grains)) > 1:
            raise OAIProblem("badArgument", "from and until must have the same granularity")
        if since and until and since >= until:
            raise OAIProblem("badArgument", "from must not be later than until")
        return Listing(args["metadataPrefix"], args.get("set"), since, until)

    def _list(
        self, session: Session, args: Mapping[str, str], *, headers_only: bool
    ) -> etree._Element:
        listing = self._listing(args)
        fmt = self._format(listing.prefix)
        query = select(RecordRow)
        if listing.set:
            kind, _, value = listing.set.partition(":")
            if kind == "platform":
                query = query.where(RecordRow.platform == value)
            elif kind == "kind":
                query = query.where(RecordRow.resource_kind == value)
            else:
                raise OAIProblem("noRecordsMatch", f"no records in set {listing.set!r}")
        if listing.since:
            query = query.where(RecordRow.changed_at >= listing.since)
        if listing.until:
            query = query.where(RecordRow.changed_at < listing.until)
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        if listing.after:
            query = query.where(tuple_(RecordRow.changed_at, RecordRow.id) > tuple_(*listing.after))
        rows = list(
            session.scalars(
                query.order_by(RecordRow.changed_at, RecordRow.id).limit(self.page_size + 1)
            )
        )
        if not rows and listing.after is None:
            raise OAIProblem("noRecordsMatch", "no records match the request")
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        verb = "ListIdentifiers" if headers_only else "ListRecords"
        el = etree.Element(f"{{{OAI_NS}}}{verb}")
        for row in rows:
            el.append(self._header(row) if headers_only else self._record(row, fmt))
        if listing.after is not None or more:
            token = etree.SubElement(el, f"{{{OAI_NS}}}resumptionToken")
            token.set("completeListSize", str(total))
            if more:
                token.text = listing.encode((rows[-1].changed_at, rows[-1].id))
        return el

    @staticmethod
    def _header(row: RecordRow) -> etree._Element:
        header = etree.Element(f"{{{OAI_NS}}}header")
        if row.deleted:
            header.set("status", "deleted")
        etree.SubElement(header, f"{{{OAI_NS}}}identifier").text = ID_PREFIX + row.id
        etree.SubElement(header, f"{{{OAI_NS}}}datestamp").text = _datestamp(row.changed_at)
        etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = f"platform:{row.platform}"
        etree.SubElement(header, f"{{{OAI_NS}}}setSpec").text = f"kind:{row.resource_kind}"
        return header

    def _record(self, row: RecordRow, fmt: MetadataFormat) -> etree._Element:
        el = etree.Element(f"{{{OAI_NS}}}record")
        el.append(self._header(row))
        if not row.deleted:
            metadata = etree.SubElement(el, f"{{{OAI_NS}}}metadata")
            metadata.append(fmt.render(Record.model_validate(row.data)))
        return el
