"""Declarative JSON platforms: one configuration file per platform, no code per platform.

A configuration file says both how to harvest the platform
(``request``, ``paging``, ``reply``, ``incremental``, ``item``: read by
``harvester.protocols.jsonapi``) and how to map one of its items to the unified
record (``mapping``: read here). Keeping both in one file means a new platform
is one reviewed file, and the harvest half can never drift from the mapping
half it feeds. docs/json-adapter.md is the annotated reference.

Every path is a JMESPath expression, compiled when the file loads; every key is
checked against the model below and, for ``mapping``, against the fields of
the unified record. A mistake is a :class:`MappingConfigError` at load time
naming the file, the key and the reason, never a surprise in the middle of a run.

Where the files are: a source names its configuration by a path, or by a name
looked up in the deployment's folders (``adapters_dir``) before the shipped ones
in ``mappings/platforms/``. Every configuration read is identified by a
*version*, a digest of its content, and the items it harvests carry the payload
format ``json:<name>@<version>``; so a raw item can be mapped again, exactly as
it was, long after the file changed or went away, once the store (which keeps
each version's content) has handed it back through :func:`parse_config`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import jmespath
from jmespath.exceptions import IncompleteExpressionError, JMESPathError, ParseError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    model_validator,
)

from mappings.errors import MappingConfigError, MappingError
from mappings.formats import FORMATS, MappingContext
from mappings.formats.common import blank_record, finish, place_identifier
from mappings.formats.json_transforms import EPOCH_FORMATS, Transform, apply, zone_named
from mappings.lang import put_term, put_text
from mappings.record import AccessRights, Record, ResourceKind, SourcePayload

PLATFORMS_DIR = Path(__file__).resolve().parent.parent / "platforms"
"""The shipped configurations, searched after the deployment's own folders."""


def _jmespath(expression: str) -> str:
    try:
        jmespath.compile(expression)
    except JMESPathError as exc:
        raise ValueError(
            f"invalid JMESPath expression {expression!r}: {_jmespath_reason(exc)}"
        ) from exc
    return expression


def _jmespath_reason(exc: JMESPathError) -> str:
    """The parser's complaint on one line (its own message draws a caret under the text)."""
    if isinstance(exc, IncompleteExpressionError):
        return "it ends too early"
    if isinstance(exc, ParseError):
        return f"{exc.msg} at character {exc.lex_position}"
    return " ".join(str(exc).split())


def _zone(name: str) -> str:
    try:
        zone_named(name)
    except Exception as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


def _moment_format(fmt: str) -> str:
    if "%s" in fmt:
        raise ValueError(
            f"date format {fmt!r}: strftime '%s' reads the clock of the process's local time "
            f"zone; use {' or '.join(repr(f) for f in EPOCH_FORMATS)}"
        )
    return fmt


Path_ = Annotated[str, AfterValidator(_jmespath)]
"""A JMESPath expression, compiled once to prove it is one."""

MomentFormat = Annotated[str, AfterValidator(_moment_format)]
"""A ``strptime``/``strftime`` format, or ``epoch`` / ``epoch_ms`` (seconds, milliseconds)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RequestSpec(_Strict):
    """The request to the source's URL (the API endpoint itself).

    ``params`` go to the query of a GET and to the JSON body of a POST, and so do
    the paging and incremental parameters.
    """

    method: Literal["GET", "POST"] = "GET"
    params: dict[str, JsonValue] = Field(default_factory=dict)
    headers: dict[str, str] = Field(default_factory=dict)


class PagingSpec(_Strict):
    """How to ask for the next page: by number, by offset, by a cursor token, or a link."""

    style: Literal["page", "offset", "cursor", "next_link"]
    size: int = Field(default=100, ge=1, le=10_000)
    size_param: str | None = None
    """Parameter carrying the page size; unset when the platform fixes it."""
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    cursor_param: str = "cursor"
    first_cursor: str | None = None
    """Cursor of the first request (DataCite wants ``1``); unset sends none."""
    next: Path_ | None = None
    """Where the reply gives the next cursor or link (a URL's ``cursor_param`` is the cursor)."""
    pages: Path_ | None = None
    """Where the reply gives the number of pages, when it does."""

    @model_validator(mode="after")
    def _next_needed(self) -> PagingSpec:
        if self.style in {"cursor", "next_link"} and not self.next:
            raise ValueError(f"paging style {self.style!r} needs 'next': where the reply says it")
        return self


class ReplySpec(_Strict):
    """Where the records and the total sit in a reply, and how it says it succeeded."""

    records: Path_
    total: Path_ | None = None
    success: Path_ | None = None
    """An expression true for a successful reply, e.g. ``code == `20000```."""
    message: Path_ | None = None
    """Where a failed reply explains itself."""


class IncrementalSpec(_Strict):
    """Parameters asking only for changes, as templates over ``{since}`` and ``{until}``.

    A parameter naming ``{until}`` is sent only when the window has an end.
    """

    params: dict[str, str] = Field(min_length=1)
    date_format: MomentFormat = "%Y-%m-%dT%H:%M:%SZ"
    """``strftime`` format, or ``epoch`` / ``epoch_ms``: numbers, whatever the time zone."""
    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"

    @model_validator(mode="after")
    def _templates(self) -> IncrementalSpec:
        for key, template in self.params.items():
            names = set(re.findall(r"{(\w*)}", template))
            if not names or not names <= {"since", "until"}:
                raise ValueError(
                    f"params.{key}: template {template!r} must use {{since}} and/or {{until}} "
                    "and nothing else"
                )
        return self


class ItemSpec(_Strict):
    """One item of the records list: its identifier, datestamp, tombstone and payload."""

    identifier: Path_
    datestamp: Path_ | None = None
    datestamp_format: MomentFormat | None = None
    deleted: Path_ | None = None
    """An expression true for an item the platform marks deleted."""
    format: str = "json"
    """``json`` maps the item with this file's ``mapping``; another registered format
    name (``datacite``) maps what ``payload`` points to with that format's mapping."""
    payload: Path_ | None = None
    encoding: Literal["text", "base64"] = "text"


class FieldRule(_Strict):
    """Where one value of a record field comes from, and how it is transformed."""

    path: Path_ | None = None
    const: JsonValue = None
    lang: str | None = None
    """Language tag of text and keywords (``zh``, ``en``); unset guesses from the script."""
    split: str | None = None
    """Characters any of which separate list items in one string (``";,；，"``)."""
    map: dict[str, str] | None = None
    """A code list: source value -> record value; unlisted values go to ``transform``."""
    transform: Transform | None = None
    format: MomentFormat | None = None
    """``strptime`` format of a date (or ``epoch``, ``epoch_ms``), when ISO-like reading
    is not enough."""
    scheme: str | None = None
    """Identifier scheme for the ``identifiers`` target (``CSTR``, ``DOI``, ``Handle`` …)."""
    fields: dict[str, Rules] | None = None
    """For a nested target (creators, distributions …): its fields, paths relative to each
    element that ``path`` selects."""

    @model_validator(mode="after")
    def _one_source(self) -> FieldRule:
        if self.fields is None and (self.path is None) == (self.const is None):
            raise ValueError("give exactly one of 'path' and 'const'")
        if self.fields is not None and self.const is not None:
            raise ValueError("'fields' takes elements from 'path', not from 'const'")
        return self


Rules = FieldRule | list[FieldRule]


class PlatformConfig(_Strict):
    """One platform's JSON harvest and mapping configuration: one file, shipped or local."""

    name: str = Field(pattern=r"^[a-z0-9_-]{1,40}$")
    """At most 40 characters, so ``json:<name>@<version>`` fits the store's format column."""
    description: str = ""
    request: RequestSpec = RequestSpec()
    paging: PagingSpec
    reply: ReplySpec
    incremental: IncrementalSpec | None = None
    item: ItemSpec
    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"
    """The platform's clock, for naive dates in items."""
    mapping: dict[str, Rules] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _coherent(self) -> PlatformConfig:
        if self.item.format == "json":
            if not self.mapping:
                raise ValueError("item.format 'json' needs a 'mapping' of record fields")
        else:
            if self.item.format.split(":", 1)[0] not in FORMATS:
                raise ValueError(
                    f"item.format {self.item.format!r} is no registered format; "
                    f"known: {', '.join(sorted(FORMATS))}"
                )
            if not self.item.payload:
                raise ValueError(
                    f"item.format {self.item.format!r} needs item.payload: where it sits"
                )
            if self.mapping:
                raise ValueError(f"'mapping' is unused: items are mapped as {self.item.format!r}")
        for target, rules in self.mapping.items():
            _check_target(Record, target, _as_list(rules), f"mapping.{target}")
        return self

    def rules(self) -> dict[str, list[FieldRule]]:
        return {target: _as_list(rules) for target, rules in self.mapping.items()}


# --- what the record's fields are made of --------------------------------------------

Shape = Literal["text", "terms", "strings", "scalar", "object", "objects", "identifier"]
_IDENTIFIER_TARGETS = {"cstr": "CSTR", "doi": "DOI", "identifiers": None}
_NOT_MAPPED = {
    "id",
    "source",
    "platform",
    "source_identifier",
    "source_datestamp",
    "cstr_original",
    "harvested_at",
    "content_hash",
    "deleted",
}


def _as_list(rules: Rules) -> list[FieldRule]:
    return rules if isinstance(rules, list) else [rules]


def shape_of(model: type[BaseModel], name: str) -> tuple[Shape, Any]:
    """How a field of ``model`` is filled, read from its annotation, and the type within."""
    if model is Record and name in _IDENTIFIER_TARGETS:
        return "identifier", None
    annotation = model.model_fields[name].annotation
    if get_origin(annotation) in (Union, UnionType):
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    origin = get_origin(annotation)
    if origin is dict:
        value_type = get_args(annotation)[1]
        return ("terms" if get_origin(value_type) is list else "text"), None
    if origin is list:
        inner = get_args(annotation)[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return "objects", inner
        return "strings", None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object", annotation
    return "scalar", annotation


def _check_target(model: type[BaseModel], target: str, rules: list[FieldRule], key: str) -> None:
    if target not in model.model_fields or (model is Record and target in _NOT_MAPPED):
        allowed = sorted(set(model.model_fields) - (_NOT_MAPPED if model is Record else set()))
        raise ValueError(
            f"{key}: {model.__name__} has no mappable field {target!r}; "
            f"fields: {', '.join(allowed)}"
        )
    shape, inner = shape_of(model, target)
    for index, rule in enumerate(rules):
        where = f"{key}[{index}]" if len(rules) > 1 else key
        nested = shape in {"object", "objects"}
        if nested and rule.fields is None:
            raise ValueError(f"{where}: {target!r} is a nested object: give its 'fields'")
        if not nested and rule.fields is not None:
            raise ValueError(f"{where}: {target!r} is not a nested object: 'fields' is unused")
        if rule.lang and shape not in {"text", "terms"}:
            raise ValueError(f"{where}: 'lang' applies only to text and keyword fields")
        if rule.scheme and shape != "identifier":
            raise ValueError(f"{where}: 'scheme' applies only to cstr, doi and identifiers")
        if nested and inner is not None and rule.fields is not None:
            for sub, sub_rules in rule.fields.items():
                _check_target(inner, sub, _as_list(sub_rules), f"{where}.fields.{sub}")


# --- loading ----------------------------------------------------------------------------

VERSION_LENGTH = 16
"""Hex digits of the content digest that name a configuration's version in payload formats."""


@dataclass(frozen=True, slots=True)
class AdapterFile:
    """A configuration as read: the checked model, its content and where it was read from."""

    config: PlatformConfig
    content: str
    """The configuration as canonical JSON (keys sorted, ``name`` filled in): what the store
    keeps, and what the version is the digest of, so reformatting a file changes nothing."""
    origin: str
    """The file it was read from, or where the store had it from."""

    @property
    def version(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()[:VERSION_LENGTH]

    @property
    def format(self) -> str:
        """The payload format of the items harvested with it."""
        item = self.config.item
        return f"json:{self.config.name}@{self.version}" if item.format == "json" else item.format


_VERSIONS: dict[str, PlatformConfig] = {}
"""Every configuration this process has read, by version: content-addressed, so never stale."""


def is_path(name_or_path: str | Path) -> bool:
    """Whether a source names its configuration by a file path rather than by a name."""
    text = str(name_or_path)
    return text.endswith(".json") or "/" in text or "\\" in text


def config_path(name_or_path: str | Path, dirs: Sequence[Path] = ()) -> Path:
    """The file a configuration name (``sciencedb``) or path stands for.

    A name is looked up as ``<name>.json`` in ``dirs`` in order, then among the
    shipped ones; a path is taken as it is.
    """
    if is_path(name_or_path):
        return Path(name_or_path)
    for folder in (*dirs, PLATFORMS_DIR):
        path = folder / f"{name_or_path}.json"
        if path.is_file():
            return path
    return PLATFORMS_DIR / f"{name_or_path}.json"


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A configuration file a name can stand for, and whether the name finds this one."""

    name: str
    path: Path
    shipped: bool
    overridden_by: Path | None = None
    """The file in an earlier folder that the name finds instead."""


def config_files(dirs: Sequence[Path] = ()) -> list[ConfigFile]:
    """Every ``*.json`` in ``dirs`` and the shipped folder, by name, in lookup order."""
    found: dict[str, list[ConfigFile]] = {}
    for folder in (*dirs, PLATFORMS_DIR):
        for path in sorted(folder.glob("*.json")):
            earlier = found.setdefault(path.stem, [])
            overridden_by = earlier[0].path if earlier else None
            earlier.append(ConfigFile(path.stem, path, folder == PLATFORMS_DIR, overridden_by))
    return [entry for name in sorted(found) for entry in found[name]]


def known_configs(dirs: Sequence[Path] = ()) -> list[str]:
    """Names a source can use: those in ``dirs`` and the shipped ones."""
    return sorted({entry.name for entry in config_files(dirs)})


def read_config(name_or_path: str | Path, dirs: Sequence[Path] = ()) -> AdapterFile:
    """Read and check a configuration file now (a run sees the file as it is at its start).

    Any mistake is a :class:`MappingConfigError` naming the file, the key and the reason.
    """
    path = config_path(name_or_path, dirs)
    if not path.is_file():
        if is_path(name_or_path):
            raise MappingConfigError(f"{path}: no such JSON platform configuration file")
        searched = ", ".join(str(d) for d in (*dirs, PLATFORMS_DIR))
        raise MappingConfigError(
            f"no such JSON platform configuration {str(name_or_path)!r}: no {path.name} in "
            f"{searched}; known: {', '.join(known_configs(dirs))}"
        )
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingConfigError(f"{path}: cannot be read: {exc}") from exc
    return parse_config(text, str(path), default_name=path.stem)


def parse_config(text: str, origin: str, *, default_name: str | None = None) -> AdapterFile:
    """Check a configuration's text and remember it by version for mapping in this process.

    Besides files, this reads the versions the store kept, which is how an item
    harvested with a file that has since changed or gone is mapped again.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingConfigError(f"{origin}: not valid JSON: {exc}") from exc
    if isinstance(data, dict) and default_name is not None:
        data.setdefault("name", default_name)
    try:
        config = PlatformConfig.model_validate(data)
    except ValidationError as exc:
        raise MappingConfigError(f"{origin}: {_describe(exc)}") from exc
    content = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    loaded = AdapterFile(config, content, origin)
    _VERSIONS[loaded.version] = config
    return loaded


@cache
def load_config(name_or_path: str) -> PlatformConfig:
    """A shipped configuration by name, or a file by path, read once per process.

    For tests and payloads named ``json:<name>`` without a version (stored
    before versions existed); harvests use :func:`read_config`.
    """
    return read_config(name_or_path).config


_NESTED_KEY = re.compile(r"^([\w.\[\]]+): (.*)$", re.S)
"""A validator's reason that starts with a key below the one pydantic reports."""


def _describe(exc: ValidationError) -> str:
    """Pydantic's errors as ``key: reason`` lines, keys dotted the way the file nests them."""
    lines = []
    for error in exc.errors():
        parts = [str(p) for p in error["loc"] if p not in {"FieldRule", "list[FieldRule]"}]
        key = ".".join(p for p in parts if not p.startswith("function-"))
        reason = error["msg"].removeprefix("Value error, ")
        nested = _NESTED_KEY.match(reason)
        if key and nested:
            key, reason = f"{key}.{nested.group(1)}", nested.group(2)
        lines.append(f"{key}: {reason}" if key else reason)
    return "; ".join(dict.fromkeys(lines))


# --- mapping ----------------------------------------------------------------------------


def map_json(payload: SourcePayload, context: MappingContext) -> Record:
    """Map one JSON item with the ``mapping`` of the configuration version its format names."""
    _, _, named = payload.format.partition(":")
    name, _, version = named.partition("@")
    if not name:
        raise MappingError(
            f"{payload.source_identifier}: format 'json' needs a configuration name ('json:<name>')"
        )
    if version:
        found = _VERSIONS.get(version)
        if found is None:
            raise MappingError(
                f"{payload.source_identifier}: configuration {payload.format} is not loaded: "
                "it is read from the file an item is harvested with, or from the store's copy"
            )
        config = found
    else:
        config = load_config(name)
    try:
        item = json.loads(payload.raw)
    except json.JSONDecodeError as exc:
        raise MappingError(f"{payload.source_identifier}: payload is not JSON: {exc}") from exc
    return apply_mapping(config, item, payload, context)


def apply_mapping(
    config: PlatformConfig, item: Any, payload: SourcePayload, context: MappingContext
) -> Record:
    """The record an item becomes under a configuration's field rules."""
    filler = _Filler(config)
    rules = config.rules()
    values: dict[str, Any] = {}
    filler.fill(
        values, Record, {k: v for k, v in rules.items() if k not in _IDENTIFIER_TARGETS}, item
    )
    record = blank_record(payload, context)
    try:
        record = Record.model_validate({**record.model_dump(), **values})
    except ValidationError as exc:
        raise MappingError(f"{payload.source_identifier}: {_describe(exc)}") from exc
    for target, scheme in _IDENTIFIER_TARGETS.items():
        for rule in rules.get(target, []):
            for value in filler.values(rule, item):
                place_identifier(record, str(value), rule.scheme or scheme)
    return finish(record)


class _Filler:
    """Applies field rules to an item, filling a dict shaped like a model."""

    def __init__(self, config: PlatformConfig) -> None:
        self.zone = zone_named(config.timezone)

    def fill(
        self,
        out: dict[str, Any],
        model: type[BaseModel],
        rules: dict[str, list[FieldRule]],
        data: Any,
    ) -> None:
        for target, target_rules in rules.items():
            shape, inner = shape_of(model, target)
            for rule in target_rules:
                if inner is not None and rule.fields is not None:
                    self._nested(out, target, shape, inner, rule, data)
                    continue
                for value in self.values(rule, data, self._default(shape, inner)):
                    if inner is str and not isinstance(value, str):
                        value = str(value)
                    self._put(out, target, shape, rule, value)

    def _nested(
        self,
        out: dict[str, Any],
        target: str,
        shape: Shape,
        inner: type[BaseModel],
        rule: FieldRule,
        data: Any,
    ) -> None:
        fields = {k: _as_list(v) for k, v in (rule.fields or {}).items()}
        for element in _flatten(jmespath.search(rule.path or "@", data)):
            sub: dict[str, Any] = {}
            self.fill(sub, inner, fields, element)
            if not any(v not in (None, "", [], {}) for v in sub.values()):
                continue
            try:
                obj = inner.model_validate(sub)
            except ValidationError as exc:
                raise MappingError(f"{target}: {_describe(exc)}") from exc
            if shape == "object":
                out.setdefault(target, obj)
            else:
                out.setdefault(target, []).append(obj)

    @staticmethod
    def _default(shape: Shape, annotation: type[Any] | None) -> Transform | None:
        """Dates, access rights and kinds are read as such without saying so."""
        if shape != "scalar" or annotation is None:
            return None
        return _DEFAULT_TRANSFORMS.get(annotation)

    def values(self, rule: FieldRule, data: Any, default: Transform | None = None) -> list[Any]:
        """The values a rule finds in ``data``: flattened, split, looked up, transformed."""
        found = rule.const if rule.path is None else jmespath.search(rule.path, data)
        items = _flatten(found)
        if rule.split:
            pattern = "[" + re.escape(rule.split) + "]"
            items = [
                part.strip()
                for item in items
                for part in (re.split(pattern, item) if isinstance(item, str) else [item])
            ]
        transform = rule.transform or default
        result = []
        for item in items:
            value = self._lookup(rule, item)
            if value is item and transform is not None:
                value = apply(transform, item, rule.format, self.zone)
            if value is not None and value != "":
                result.append(value)
        return result

    @staticmethod
    def _lookup(rule: FieldRule, item: Any) -> Any:
        if not rule.map:
            return item
        text = str(item).strip()
        if text in rule.map:
            return rule.map[text]
        folded = {key.casefold(): value for key, value in rule.map.items()}
        return folded.get(text.casefold(), item)

    @staticmethod
    def _put(out: dict[str, Any], target: str, shape: Shape, rule: FieldRule, value: Any) -> None:
        if shape == "text":
            put_text(out.setdefault(target, {}), str(value), rule.lang, append=target != "title")
        elif shape == "terms":
            put_term(out.setdefault(target, {}), str(value), rule.lang)
        elif shape == "strings":
            bucket = out.setdefault(target, [])
            if str(value) not in bucket:
                bucket.append(str(value))
        else:
            out.setdefault(target, value)


_DEFAULT_TRANSFORMS: dict[type[Any], Transform] = {
    AccessRights: "access",
    ResourceKind: "kind",
    datetime: "datetime",
    date: "date",
}


def _flatten(value: Any) -> list[Any]:
    """A JMESPath result as a list of values: lists (nested too) unrolled, nulls dropped."""
    if value is None:
        return []
    if isinstance(value, list):
        return [leaf for element in value for leaf in _flatten(element)]
    return [value]
