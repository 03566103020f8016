"""Declarative JSON harvesting: any paged JSON API, described by a platform configuration.

The configuration (model in :mod:`mappings.formats.jsonspec`) says how to ask
(GET query or POST JSON body), how to page (page number, offset, cursor token,
next link), where the records and the total sit, how a reply says it
succeeded, and how to ask only for changes. The source names its
configuration in ``config = {"config": NAME_OR_PATH}`` (optionally
``"page_size": N`` to override the configured size): a path, or a name looked
up in the source's ``config_dirs`` (the deployment's ``adapters_dir``) and
then among the shipped ones. The file is read when the adapter is made, at
the start of every run, so an edited file takes effect at the next run and a
missing one fails it. Its URL is the API endpoint, query parameters included.

A reply that breaks the configured shape is a :class:`ReplyShapeError` naming
the path and the page: the run fails there, and the pages stored before stay.
An item without an identifier is a record-level error of that page.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import jmespath

from harvester.errors import ConfigError, ProtocolError, ReplyShapeError
from harvester.protocols.base import Adapter, FetchedPage, MappingConfig, SourceSpec, Window
from mappings.errors import MappingConfigError
from mappings.formats.json_transforms import EPOCH_FORMATS, format_moment, to_datetime, zone_named
from mappings.formats.jsonspec import AdapterFile, PlatformConfig, is_path, read_config
from mappings.record import SourcePayload

State = dict[str, Any]
"""Where the next request starts: ``page``, ``offset``, ``cursor`` or ``url`` (the checkpoint)."""


class JsonAdapter(Adapter):
    """Pages of items from a JSON API, as its platform configuration describes it."""

    def __init__(self, source: SourceSpec, client: httpx.Client) -> None:
        super().__init__(source, client)
        name = source.config.get("config")
        if not name:
            raise ConfigError(
                f"source {source.id!r}: protocol 'json' needs config {{\"config\": NAME}}: "
                "a configuration file's path, or its name in adapters_dir or the shipped ones"
            )
        try:
            self.file: AdapterFile = read_config(str(name), source.config_dirs)
        except MappingConfigError as exc:
            raise ConfigError(f"source {source.id!r}: {exc.message}") from exc
        self.config: PlatformConfig = self.file.config
        self.format = self.file.format
        self.zone = zone_named(self.config.timezone)
        self.page_size = _page_size(source, self.config)

    def mapping_configs(self) -> list[MappingConfig]:
        """This file's version when its ``mapping`` maps the items (other formats need none)."""
        if self.config.item.format != "json":
            return []
        return [MappingConfig(self.format, self.file.content, self.file.origin)]

    def pages(self, window: Window, checkpoint: dict[str, Any] | None) -> Iterator[FetchedPage]:
        state: State | None = dict(checkpoint) if checkpoint else self._first()
        number = 0
        while state is not None:
            number += 1
            where = f"{self.source.id}: page {number} ({self._describe(state)})"
            reply = self._fetch(state, window, where)
            records = self._records(reply, where)
            items, errors = self._items(records, where)
            total = self._total(reply, where)
            state = self._next(state, reply, len(records), total, where)
            yield FetchedPage(items=items, checkpoint=state, total=total, errors=errors)

    # --- requests ----------------------------------------------------------------------

    def _first(self) -> State:
        paging = self.config.paging
        if paging.style == "page":
            return {"page": paging.first_page}
        if paging.style == "offset":
            return {"offset": 0}
        if paging.style == "cursor":
            return {"cursor": paging.first_cursor}
        return {"url": None}

    def _describe(self, state: State) -> str:
        key, value = next(iter(state.items()))
        return f"{key} {value}" if key != "url" or value else "first request"

    def _params(self, state: State, window: Window) -> dict[str, Any]:
        paging = self.config.paging
        params: dict[str, Any] = dict(self.config.request.params)
        incremental = self.config.incremental
        if incremental is not None and window.since is not None:
            zone = zone_named(incremental.timezone)
            stamps = {"since": window.since, "until": window.until}
            text = {
                key: format_moment(moment, incremental.date_format, zone)
                for key, moment in stamps.items()
                if moment is not None
            }
            for key, template in incremental.params.items():
                if "{until}" in template and "until" not in text:
                    continue
                params[key] = template.format(**text)
                if incremental.date_format in EPOCH_FORMATS and template in {"{since}", "{until}"}:
                    params[key] = int(params[key])  # a number in a JSON body, not a string
        if paging.size_param:
            params[paging.size_param] = self.page_size
        if "page" in state:
            params[paging.page_param] = state["page"]
        elif "offset" in state:
            params[paging.offset_param] = state["offset"]
        elif state.get("cursor") is not None:
            params[paging.cursor_param] = state["cursor"]
        return params

    def _fetch(self, state: State, window: Window, where: str) -> Any:
        request = self.config.request
        url = state.get("url")
        if url:
            response = self.client.get(url, headers=request.headers)
        elif request.method == "POST":
            body = self._params(state, window)
            response = self.client.post(self.source.url, json=body, headers=request.headers)
        else:
            query = {k: _query_value(v) for k, v in self._params(state, window).items()}
            response = self.client.get(self.source.url, params=query, headers=request.headers)
        if not response.is_success:
            raise ProtocolError(f"{where}: HTTP {response.status_code} from {response.url}")
        try:
            reply = json.loads(response.content)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ReplyShapeError(f"{where}: the reply is not JSON: {exc}") from exc
        self._check_success(reply, where)
        return reply

    def _check_success(self, reply: Any, where: str) -> None:
        spec = self.config.reply
        if spec.success is None or jmespath.search(spec.success, reply):
            return
        said = jmespath.search(spec.message, reply) if spec.message else None
        reason = f": {said}" if said else ""
        raise ProtocolError(
            f"{where}: the platform reports failure (reply.success {spec.success!r} "
            f"does not hold){reason}"
        )

    # --- replies -----------------------------------------------------------------------

    def _records(self, reply: Any, where: str) -> list[Any]:
        path = self.config.reply.records
        records = jmespath.search(path, reply)
        if not isinstance(records, list):
            found = "nothing" if records is None else f"a {type(records).__name__}"
            raise ReplyShapeError(
                f"{where}: reply.records {path!r} gives {found}, not the list of records "
                "the configuration promises"
            )
        return records

    def _total(self, reply: Any, where: str) -> int | None:
        path = self.config.reply.total
        if path is None:
            return None
        value = jmespath.search(path, reply)
        if value is None:
            return None
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ReplyShapeError(
                f"{where}: reply.total {path!r} gives {value!r}, not a number"
            ) from None

    def _items(
        self, records: list[Any], where: str
    ) -> tuple[list[SourcePayload], list[tuple[str, str]]]:
        spec = self.config.item
        items: list[SourcePayload] = []
        errors: list[tuple[str, str]] = []
        for index, record in enumerate(records, 1):
            label = f"{where} item {index}"
            identifier = jmespath.search(spec.identifier, record)
            if identifier in (None, "") or isinstance(identifier, dict | list):
                errors.append((label, f"no identifier at item.identifier {spec.identifier!r}"))
                continue
            ident = str(identifier)
            try:
                raw = self._raw(record)
            except ValueError as exc:
                errors.append((ident, str(exc)))
                continue
            stamp = jmespath.search(spec.datestamp, record) if spec.datestamp else None
            deleted = bool(jmespath.search(spec.deleted, record)) if spec.deleted else False
            items.append(
                SourcePayload(
                    source_identifier=ident,
                    datestamp=to_datetime(stamp, spec.datestamp_format, self.zone),
                    deleted=deleted,
                    format=self.format,
                    raw=raw,
                )
            )
        return items, errors

    def _raw(self, record: Any) -> str:
        spec = self.config.item
        if spec.payload is None:
            return json.dumps(record, ensure_ascii=False)
        value = jmespath.search(spec.payload, record)
        if not isinstance(value, str) or not value:
            raise ValueError(f"no {spec.format} payload at item.payload {spec.payload!r}")
        if spec.encoding == "text":
            return value
        try:
            return base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError(
                f"item.payload {spec.payload!r} is not base64-encoded UTF-8: {exc}"
            ) from exc

    def _next(
        self, state: State, reply: Any, count: int, total: int | None, where: str
    ) -> State | None:
        """The checkpoint after this page, or ``None`` when the listing is done."""
        paging = self.config.paging
        if count == 0:
            return None
        if paging.style in {"page", "offset"}:
            done = self._seen(state) + count
            if count < self.page_size or (total is not None and done >= total):
                return None
            if paging.pages and "page" in state:
                pages = jmespath.search(paging.pages, reply)
                if isinstance(pages, int) and state["page"] - paging.first_page + 1 >= pages:
                    return None
            if "page" in state:
                return {"page": state["page"] + 1}
            return {"offset": done}
        assert paging.next is not None
        following = jmespath.search(paging.next, reply)
        if following in (None, ""):
            return None
        if not isinstance(following, str | int):
            raise ReplyShapeError(
                f"{where}: paging.next {paging.next!r} gives {following!r}, not a token or link"
            )
        if paging.style == "next_link":
            link = urljoin(state.get("url") or self.source.url, str(following))
            return None if link == state.get("url") else {"url": link}
        cursor = _cursor_of(str(following), paging.cursor_param)
        if cursor is None:
            raise ReplyShapeError(
                f"{where}: next-page link {following!r} at paging.next {paging.next!r} has no "
                f"{paging.cursor_param!r} parameter"
            )
        return None if cursor == state.get("cursor") else {"cursor": cursor}

    def _seen(self, state: State) -> int:
        if "page" in state:
            return int(state["page"] - self.config.paging.first_page) * self.page_size
        return int(state["offset"])


def checked_config_name(name_or_path: str, dirs: Sequence[Path] = ()) -> str:
    """What a source keeps to name its configuration, once the file is read and checked.

    A path is made absolute, since runs start from other folders (the
    scheduler's); a name stays a name, looked up afresh at every run. A file
    that is missing or wrong raises :class:`MappingConfigError` naming the
    file, the key and the reason.
    """
    file = read_config(name_or_path, dirs)
    return str(Path(file.origin).resolve()) if is_path(name_or_path) else name_or_path


def _page_size(source: SourceSpec, config: PlatformConfig) -> int:
    """The configuration's page size, unless the source asks for another (a platform's cap)."""
    wanted = source.config.get("page_size", config.paging.size)
    if not isinstance(wanted, int) or isinstance(wanted, bool) or not 1 <= wanted <= 10_000:
        raise ConfigError(f"source {source.id!r}: page_size must be 1..10000, got {wanted!r}")
    return wanted


def _cursor_of(value: str, param: str) -> str | None:
    """A cursor token, given bare or inside a next-page link (DataCite's ``links.next``)."""
    if "://" not in value and not value.startswith(("/", "?")):
        return value
    values = parse_qs(urlsplit(value).query).get(param)
    return values[0] if values else None


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
