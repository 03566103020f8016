"""Compliance and quality rules (DESIGN.md section 8): rules as data, findings, scores.

``evaluate`` judges one record alone at mapping time; rules that compare records
(unique CSTR, duplicates) run over a platform with ``evaluate_platform``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from mappings.findings import Finding
from mappings.record import Record


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What rules need besides the record."""

    agency_codes: tuple[str, ...] = ()
    freshness_days: int = 365
    today: date | None = None


@dataclass(slots=True)
class Evaluation:
    findings: list[Finding] = field(default_factory=list)
    score: float | None = None


def evaluate(record: Record, context: RuleContext) -> Evaluation:
    """Findings and quality score of one record.

    Placeholder wiring until the rule engine lands (issue 5): no findings, no score.
    """
    return Evaluation()
