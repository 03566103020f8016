"""The rules file read into typed rules: what each rule is, not how it is checked.

The file (``rules.toml`` beside this module) is the single place a rule's level,
messages, rationale, dimension and weight live, so the centre can re-level a
rule or re-weight the score without touching code. It is validated once at
load: a typo is a deployment error with a clear message, never a per-record one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from mappings.errors import RulesError
from mappings.findings import Finding, Level

RULES_FILE = Path(__file__).with_name("rules.toml")


class Dimension(StrEnum):
    """Quality dimensions of the EU metadata quality assessment."""

    FINDABILITY = "findability"
    ACCESSIBILITY = "accessibility"
    INTEROPERABILITY = "interoperability"
    REUSABILITY = "reusability"
    CONTEXTUALITY = "contextuality"


class Scope(StrEnum):
    RECORD = "record"
    """Judged on one record alone, at mapping time."""
    PLATFORM = "platform"
    """Judged over a platform's records or outside evidence, after each run."""


class AppliesTo(StrEnum):
    ALL = "all"
    PHYSICAL = "physical"


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    level: Level
    scope: Scope
    dimension: Dimension
    weight: float
    applies_to: AppliesTo
    message_zh: str
    message_en: str
    fields: tuple[str, ...]
    rationale: str
    params: Mapping[str, Any] = field(default_factory=dict)
    _plain: Finding = field(init=False, repr=False, compare=False)
    """The finding without a detail, made once (findings are frozen)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_plain", self._made(None))

    def finding(self, detail: str | None = None) -> Finding:
        """The finding this rule gives a record that breaks it."""
        return self._plain if detail is None else self._made(detail)

    def _made(self, detail: str | None) -> Finding:
        """Built without validation: every value comes from the rules file, checked when
        it was loaded."""
        return Finding.model_construct(
            rule=self.id,
            level=self.level,
            message_zh=self.message_zh,
            message_en=self.message_en,
            fields=list(self.fields),
            detail=detail,
        )


@dataclass(frozen=True, slots=True)
class RuleSet:
    rules: Mapping[str, Rule]
    weights: Mapping[Dimension, float]
    """Dimension weights of the quality score."""

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    def of_scope(self, scope: Scope) -> list[Rule]:
        return [r for r in self.rules.values() if r.scope is scope]


_REQUIRED = ("id", "level", "scope", "dimension", "message_zh", "message_en", "rationale")


def _rule(raw: Mapping[str, Any], where: str) -> Rule:
    missing = [key for key in _REQUIRED if not raw.get(key)]
    if missing:
        raise RulesError(f"{where}: rule {raw.get('id', '?')!r} lacks {', '.join(missing)}")
    try:
        return Rule(
            id=str(raw["id"]),
            level=Level(raw["level"]),
            scope=Scope(raw["scope"]),
            dimension=Dimension(raw["dimension"]),
            weight=float(raw.get("weight", 1)),
            applies_to=AppliesTo(raw.get("applies_to", "all")),
            message_zh=str(raw["message_zh"]),
            message_en=str(raw["message_en"]),
            fields=tuple(str(f) for f in raw.get("fields", ())),
            rationale=str(raw["rationale"]),
            params=dict(raw.get("params", {})),
        )
    except (ValueError, TypeError) as exc:
        raise RulesError(f"{where}: rule {raw['id']!r}: {exc}") from exc


def load_rules(path: Path = RULES_FILE) -> RuleSet:
    """Read and validate a rules file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"cannot read rules file {path.name}: {exc}") from exc
    rules: dict[str, Rule] = {}
    for raw in data.get("rule", []):
        rule = _rule(raw, path.name)
        if rule.id in rules:
            raise RulesError(f"{path.name}: rule {rule.id!r} is defined twice")
        rules[rule.id] = rule
    try:
        weights = {Dimension(k): float(v) for k, v in data.get("scoring", {}).items()}
    except (ValueError, TypeError) as exc:
        raise RulesError(f"{path.name}: [scoring]: {exc}") from exc
    if set(weights) != set(Dimension) or any(w < 0 for w in weights.values()):
        raise RulesError(
            f"{path.name}: [scoring] must give a non-negative weight to each of "
            + ", ".join(d.value for d in Dimension)
        )
    return RuleSet(rules=rules, weights=weights)


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The shipped rules, read once per process."""
    return load_rules()
