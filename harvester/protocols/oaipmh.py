"""OAI-PMH adapter: sickle's paging over the shared httpx client, parsed safely.

Sickle 0.7.0 does HTTP with ``requests`` and parses with ``recover=True``; here
its one HTTP step, :meth:`Sickle.harvest`, is replaced so every request goes
through :mod:`harvester.http` (timeouts, retries, ``Retry-After``, size cap),
and replies are parsed strictly by :func:`mappings.formats.xml_safe.parse_xml`:
no entities, no network, no huge trees. A reply that is not XML, not an OAI-PMH
document, or that declares entities (XXE, entity-expansion bombs) is a
:class:`ProtocolError` that fails the run with that reason.

Outcomes the protocol itself defines:

- ``noRecordsMatch`` is an empty listing (an incremental run with no changes),
  not an error.
- ``badResumptionToken`` (an expired token, or one from a checkpoint that the
  source no longer honours) restarts the listing from the checkpointed ``from``;
  records already stored are re-read and come out ``unchanged``. After
  :data:`MAX_RESTARTS` restarts of one listing the run fails.
- Any other OAI error fails the run with its code and text, including those
  sent with HTTP 422 (Zenodo) instead of 200.
- A deleted header becomes a ``SourcePayload(deleted=True)``; a record with
  neither metadata nor a deleted status is a record-level error of the page.

A payload's ``raw`` is the whole ``<record>`` element (header and metadata), so
the store keeps everything the source said about the record.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
from lxml import etree
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle.models import Header
from sickle.response import OAIResponse

from harvester.errors import BadResumptionToken, ConfigError, OAIError, ProtocolError
from harvester.protocols.base import Adapter, FetchedPage, SourceSpec, Window
from mappings.dates import parse_datetime
from mappings.errors import MappingError
from mappings.formats.xml_safe import parse_xml
from mappings.record import SourcePayload

log = logging.getLogger(__name__)

NS = "{http://www.openarchives.org/OAI/2.0/}"
DAY = "YYYY-MM-DD"
SECONDS = "YYYY-MM-DDThh:mm:ssZ"
MAX_RESTARTS = 2
"""How often one listing may start over after ``badResumptionToken``."""


class NoRecordsMatch(OAIError):
    """The listing is empty: a normal outcome, turned into zero pages by the adapter."""


def parse_reply(content: bytes, status: int, url: str) -> etree._Element:
    """The ``<OAI-PMH>`` root of a reply; OAI errors raised as their exception types."""
    if b"<!ENTITY" in content:
        # Checked before parsing so an expansion bomb is named as such, not as a syntax
        # error from libxml2's amplification guard; escaped text can never contain it.
        raise ProtocolError(
            f"OAI-PMH reply from {url} (HTTP {status}) declares XML entities, which are "
            "refused for safety (possible external-entity or entity-expansion attack)"
        )
    try:
        root = parse_xml(content, f"OAI-PMH reply from {url} (HTTP {status})")
    except MappingError as exc:
        snippet = content[:80].decode("utf-8", "replace").replace("\n", " ")
        raise ProtocolError(f"{exc.message}; body starts {snippet!r}") from exc
    if root.tag != f"{NS}OAI-PMH":
        raise ProtocolError(
            f"reply from {url} (HTTP {status}) is not an OAI-PMH document: root element is "
            f"<{etree.QName(root).localname}>"
        )
    error = root.find(f"{NS}error")
    if error is not None:
        code = error.get("code", "unknown")
        text = " ".join((error.text or "").split())
        if code == "noRecordsMatch":
            raise NoRecordsMatch(code, text)
        if code == "badResumptionToken":
            raise BadResumptionToken(code, text)
        raise OAIError(code, f"{text} (from {url})")
    if status >= 400:
        raise ProtocolError(f"{url}: HTTP {status} with an OAI-PMH reply that states no error")
    return root


class _Reply(OAIResponse):  # type: ignore[misc]
    """Sickle's response with the tree parsed once, safely, instead of on every access."""

    def __init__(self, http_response: httpx.Response, params: dict[str, str], xml: Any) -> None:
        super().__init__(http_response, params)
        self._xml = xml

    @property
    def xml(self) -> Any:
        return self._xml


class _HttpxSickle(Sickle):  # type: ignore[misc]
    """Sickle whose only HTTP step goes through the harvester's client."""

    def __init__(self, endpoint: str, client: httpx.Client) -> None:
        super().__init__(endpoint, iterator=OAIResponseIterator)
        self.client = client

    def harvest(self, **kwargs: str) -> _Reply:
        response = self.client.get(self.endpoint, params=kwargs)
        root = parse_reply(response.content, response.status_code, self.endpoint)
        return _Reply(response, kwargs, root)


def format_datestamp(moment: datetime, granularity: str) -> str:
    """``moment`` as an OAI ``from``/``until`` argument in the source's granularity."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    if granularity == SECONDS:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%d")


class OaiPmhAdapter(Adapter):
    """``config``: ``metadata_prefix`` (required), ``set`` or ``sets``, ``format`` (mapping
    name, default the prefix), ``granularity`` (overrides what Identify says)."""

    def __init__(self, source: SourceSpec, client: httpx.Client) -> None:
        super().__init__(source, client)
        config = source.config
        prefix = config.get("metadata_prefix")
        if not prefix or not isinstance(prefix, str):
            raise ConfigError(f"source {source.id!r}: OAI-PMH needs a metadata_prefix")
        self.prefix = prefix
        sets = config.get("sets") or ([config["set"]] if config.get("set") else [])
        self.sets: list[str | None] = list(sets) or [None]
        self.format = str(config.get("format") or prefix)
        self._sickle = _HttpxSickle(source.url, client)
        self._granularity: str | None = config.get("granularity")
        self._now: datetime | None = None

    def identify(self) -> tuple[str, datetime | None]:
        """The source's granularity and its clock (``responseDate``), asked once."""
        if self._now is None:
            root = self._sickle.harvest(verb="Identify").xml
            said = root.findtext(f"{NS}Identify/{NS}granularity")
            if self._granularity is None:
                self._granularity = SECONDS if (said or "").strip() == SECONDS else DAY
            self._now = parse_datetime(root.findtext(f"{NS}responseDate")) or datetime.now(UTC)
        assert self._granularity is not None
        return self._granularity, self._now

    def source_now(self) -> datetime | None:
        return self.identify()[1]

    def pages(self, window: Window, checkpoint: dict[str, Any] | None) -> Iterator[FetchedPage]:
        granularity = self.identify()[0]
        state = checkpoint or {}
        from_ = state.get("from")
        if from_ is None and window.since is not None:
            from_ = format_datestamp(window.since, granularity)
        until = format_datestamp(window.until, granularity) if window.until else None
        token: str | None = state.get("token")
        for index in range(int(state.get("set_index", 0)), len(self.sets)):
            yield from self._listing(index, from_, until, token)
            token = None

    def _listing(
        self, index: int, from_: str | None, until: str | None, token: str | None
    ) -> Iterator[FetchedPage]:
        restarts = 0
        while True:
            if token:
                params = {"verb": "ListRecords", "resumptionToken": token}
            else:
                params = {"verb": "ListRecords", "metadataPrefix": self.prefix}
                optional = {"set": self.sets[index], "from": from_, "until": until}
                params.update({k: v for k, v in optional.items() if v})
            try:
                replies = OAIResponseIterator(self._sickle, params)
                for reply in replies:
                    yield self._page(reply, replies.resumption_token, index, from_, until)
                return
            except NoRecordsMatch:
                return
            except BadResumptionToken as exc:
                if restarts >= MAX_RESTARTS:
                    raise BadResumptionToken(
                        "badResumptionToken",
                        f"{exc.message}; gave up after {restarts} restarts from from={from_}",
                    ) from exc
                restarts += 1
                log.warning(
                    "%s: %s; restarting the listing from from=%s", self.source.id, exc, from_
                )
                token = None

    def _page(
        self, reply: _Reply, next_token: Any, index: int, from_: str | None, until: str | None
    ) -> FetchedPage:
        items: list[SourcePayload] = []
        errors: list[tuple[str, str]] = []
        for element in reply.xml.iterfind(f"{NS}ListRecords/{NS}record"):
            try:
                items.append(self._payload(element))
            except _RecordError as exc:
                errors.append((exc.identifier, exc.reason))
        token = next_token.token if next_token is not None and next_token.token else None
        total = getattr(next_token, "complete_list_size", None)
        checkpoint: dict[str, Any] | None
        if token:
            checkpoint = {"set_index": index, "token": token, "from": from_, "until": until}
        elif index + 1 < len(self.sets):
            checkpoint = {"set_index": index + 1, "token": None, "from": from_, "until": until}
        else:
            checkpoint = None
        return FetchedPage(
            items=items,
            checkpoint=checkpoint,
            total=int(total) if total and str(total).isdigit() else None,
            errors=errors,
        )

    def _payload(self, element: etree._Element) -> SourcePayload:
        header_element = element.find(f"{NS}header")
        if header_element is None:
            raise _RecordError("<unknown>", "record without a header")
        header = Header(header_element)
        identifier = (header.identifier or "").strip()
        if not identifier:
            raise _RecordError("<unknown>", "record header without an identifier")
        datestamp = parse_datetime(header.datestamp)
        sets = [s for s in header.setSpecs if s]
        if header.deleted:
            return SourcePayload(
                source_identifier=identifier,
                datestamp=datestamp,
                deleted=True,
                format=self.format,
                sets=sets,
            )
        if element.find(f"{NS}metadata") is None:
            raise _RecordError(identifier, "record has neither metadata nor a deleted status")
        return SourcePayload(
            source_identifier=identifier,
            datestamp=datestamp,
            format=self.format,
            raw=etree.tostring(element, encoding="unicode", with_tail=False),
            sets=sets,
        ).with_element(element)


class _RecordError(Exception):
    def __init__(self, identifier: str, reason: str) -> None:
        super().__init__(reason)
        self.identifier = identifier
        self.reason = reason
