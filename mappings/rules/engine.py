"""Judging one record: run every record-scope rule, collect findings, score the record.

The score follows the EU metadata quality assessment in spirit: each dimension
(findability, accessibility, …) scores the weighted share of its applicable
rules the record meets, and the dimensions combine by the weights of the rules
file into 0-100. A rule that does not apply (a physical-only rule on a dataset)
neither helps nor hurts; a dimension with no applicable rule drops out.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from importlib.metadata import version

from mappings.findings import Finding
from mappings.record import Record
from mappings.rules.catalogue import AppliesTo, Dimension, Rule, RuleSet, Scope, default_rules
from mappings.rules.checks import CHECKS, Fail, Registered, judging_day

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
    recheck_on: date | None = None
    """The first day this judgement may differ (a record growing stale); ``None``: never
    by the calendar alone, only by a new record, rules or context (:func:`judgement_key`)."""


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


@dataclass(frozen=True, slots=True)
class _Plan:
    rules: RuleSet
    steps: tuple[tuple[Rule, Registered], ...]
    """The record-scope rules that have a check, each with it."""
    dated: tuple[tuple[Rule, Registered], ...]
    """The steps whose check's answer depends on the day."""
    fingerprint: str
    """The rules' content and this release: what a judgement made with them depends on."""


_PLANS: dict[int, _Plan] = {}


def _plan(rules: RuleSet) -> _Plan:
    """Worked out once per rule set, not once per record (a harvest judges every record
    with the same few rule sets)."""
    known = _PLANS.get(id(rules))
    if known is not None and known.rules is rules:
        return known
    steps = tuple(
        (rule, CHECKS[rule.id]) for rule in rules.of_scope(Scope.RECORD) if rule.id in CHECKS
    )  # a rule without a check is skipped; the rule-registry test catches it
    judged = [rule for rule, _ in steps]  # the rules as the file says them; checks by release
    content = repr((version("sharenet"), judged, sorted(rules.weights.items())))
    dated = tuple((rule, registered) for rule, registered in steps if registered.until)
    digest = hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
    plan = _Plan(rules, steps, dated, digest)
    _PLANS[id(rules)] = plan
    return plan


_LAST_KEY: list[tuple[RuleContext, str]] = []


def judgement_key(context: RuleContext) -> str:
    """What a judgement depends on besides the record and the day, as 32 hex digits.

    The store keeps it beside each record's findings, so re-judging can pass over
    the records judged with the same rules, release, agency codes and freshness
    window whose ``recheck_on`` day has not come. The checks' code is covered by
    the release only: a build that changes a check without a new version needs
    ``sharenet rules reevaluate --all``.
    """
    if _LAST_KEY and _LAST_KEY[0][0] is context:  # a harvest asks once per record
        return _LAST_KEY[0][1]
    plan = _plan(context.rules or default_rules())
    content = repr((plan.fingerprint, sorted(context.agency_codes), context.freshness_days))
    key = hashlib.blake2b(content.encode(), digest_size=16).hexdigest()
    _LAST_KEY[:] = [(context, key)]
    return key


def _judge(
    steps: tuple[tuple[Rule, Registered], ...], record: Record, context: RuleContext
) -> Iterator[tuple[Rule, Fail | None, date | None]]:
    """Each applicable rule with its answer and the day that answer may change."""
    for rule, registered in steps:
        try:
            if not _applies(rule, registered, record, context):
                continue
            failed = registered.check(record, rule.params, context)
            until = None if registered.until is None else registered.until(record, context)
        except Exception:  # a bug in one check must not cost the record its other findings
            log.exception("rule %s failed on record %s", rule.id, record.id)
            continue
        yield rule, failed, until


def _earliest(day: date | None, other: date | None) -> date | None:
    return other if day is None or (other is not None and other < day) else day


def _one_day(context: RuleContext) -> RuleContext:
    """One day for every check and its ``until``, even across midnight."""
    return context if context.today is not None else replace(context, today=judging_day(context))


def evaluate(record: Record, context: RuleContext) -> Evaluation:
    """Findings and quality score of one record; never raises on a bad record."""
    rules = context.rules or default_rules()
    context = _one_day(context)
    out = Evaluation()
    earned: dict[Dimension, float] = defaultdict(float)
    possible: dict[Dimension, float] = defaultdict(float)
    for rule, failed, until in _judge(_plan(rules).steps, record, context):
        out.recheck_on = _earliest(out.recheck_on, until)
        possible[rule.dimension] += rule.weight
        if failed is None:
            earned[rule.dimension] += rule.weight
        else:
            out.findings.append(rule.finding(failed.detail))
    out.score = combine(earned, possible, rules.weights)
    out.dimensions = {d.value: round(earned[d] / possible[d], 4) for d in possible if possible[d]}
    return out


@dataclass(slots=True)
class DatedEvaluation:
    """The answers of the rules that depend on the day, alone."""

    outcomes: dict[str, Finding | None] = field(default_factory=dict)
    """Rule id -> its finding, or ``None`` when the record meets it; applicable rules only."""
    recheck_on: date | None = None


def evaluate_dated(record: Record, context: RuleContext) -> DatedEvaluation:
    """Only the rules whose answer depends on the day (checks with an ``until``).

    A record judged before with the same :func:`judgement_key` can answer
    differently now on these rules alone: when they pass and fail as before, its
    score and other findings stand, and re-judging need not run the rest.
    """
    context = _one_day(context)
    out = DatedEvaluation()
    for rule, failed, until in _judge(
        _plan(context.rules or default_rules()).dated, record, context
    ):
        out.recheck_on = _earliest(out.recheck_on, until)
        out.outcomes[rule.id] = None if failed is None else rule.finding(failed.detail)
    return out
