"""Judging one record: run every record-scope rule, collect findings, score the record.

The score follows the EU metadata quality assessment in spirit: each dimension
(findability, accessibility, …) scores the weighted share of its applicable
rules the record meets, and the dimensions combine by the weights of the rules
file into 0-100. A rule that does not apply (a physical-only rule on a dataset)
neither helps nor hurts; a dimension with no applicable rule drops out.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from mappings.findings import Finding
from mappings.record import Record
from mappings.rules.catalogue import AppliesTo, Dimension, Rule, RuleSet, Scope, default_rules
from mappings.rules.checks import CHECKS, Registered

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules need besides the record."""

    agency_codes: tuple[str, ...] = ()
    """The platform's registered CSTR agency codes; empty means unknown (rule skipped)."""
    freshness_days: int = 365
    today: date | None = None
    rules: RuleSet | None = None
    """The rules to apply; ``None`` means the shipped rules file."""


@dataclass(slots=True)
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None
    dimensions: dict[str, float] = field(default_factory=dict)
    """Per-dimension share (0-1) of applicable rules met, for the dimensions that apply."""


def _applies(rule: Rule, registered: Registered, record: Record, ctx: RuleContext) -> bool:
    if rule.applies_to is AppliesTo.PHYSICAL and not record.resource_kind.is_physical:
        return False
    return registered.applies is None or registered.applies(record, ctx)


def combine(
    earned: Mapping[Dimension, float],
    possible: Mapping[Dimension, float],
    weights: Mapping[Dimension, float],
) -> float | None:
    """0-100 from per-dimension points; ``None`` when no weighted dimension applied."""
    used = [d for d in Dimension if possible.get(d) and weights.get(d)]
    total = sum(weights[d] for d in used)
    if not total:
        return None
    value = sum(weights[d] * earned.get(d, 0.0) / possible[d] for d in used) / total
    return round(100 * value, 1)


_PLANS: dict[int, tuple[RuleSet, tuple[tuple[Rule, Registered], ...]]] = {}


def _plan(rules: RuleSet) -> tuple[tuple[Rule, Registered], ...]:
    """The record-scope rules that have a check, each with it: worked out once per rule set,
    not once per record (a harvest judges every record with the same few rule sets)."""
    known = _PLANS.get(id(rules))
    if known is not None and known[0] is rules:
        return known[1]
    plan = tuple(
        (rule, CHECKS[rule.id]) for rule in rules.of_scope(Scope.RECORD) if rule.id in CHECKS
    )  # a rule without a check is skipped; the rule-registry test catches it
    _PLANS[id(rules)] = (rules, plan)
    return plan


def evaluate(record: Record, context: RuleContext) -> Evaluation:
    """Findings and quality score of one record; never raises on a bad record."""
    rules = context.rules or default_rules()
    out = Evaluation()
    earned: dict[Dimension, float] = defaultdict(float)
    possible: dict[Dimension, float] = defaultdict(float)
    for rule, registered in _plan(rules):
        try:
            if not _applies(rule, registered, record, context):
                continue
            failed = registered.check(record, rule.params, context)
        except Exception:  # a bug in one check must not cost the record its other findings
            log.exception("rule %s failed on record %s", rule.id, record.id)
            continue
        possible[rule.dimension] += rule.weight
        if failed is None:
            earned[rule.dimension] += rule.weight
        else:
            out.findings.append(rule.finding(failed.detail))
    out.score = combine(earned, possible, rules.weights)
    out.dimensions = {d.value: round(earned[d] / possible[d], 4) for d in possible if possible[d]}
    return out
