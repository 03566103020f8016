"""Rendering reports: JSON, long-format CSV, and HTML through escaped Jinja2 templates."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from harvester.compliance import write_csv

FORMATS = ("html", "csv", "json")

_env = Environment(
    loader=PackageLoader("sharenet.reports", "templates"),
    autoescape=True,  # every template, whatever its name: harvested text is untrusted
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_json(data: Mapping[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def render_csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    write_csv(out, columns, rows)
    return out.getvalue()


def render_html(template: str, data: Mapping[str, Any]) -> str:
    return _env.get_template(template).render(**data)
