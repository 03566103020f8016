"""Compliance over a platform: cross-record findings, summaries, paged findings.

Record-scope rules run per record at mapping time (``mappings.rules``). The
rules of scope ``platform`` need the whole platform or outside evidence — a
CSTR shared with another record, duplicate records (art. 32), a landing page
the link checker could not reach — so :func:`refresh_platform` recomputes them
set-based after every successful run and after every link check. They are
stored as ordinary findings, so every query below treats all rules alike.

A harvest judges only the records that changed at the source; :func:`reevaluate`
judges stored records again (daily, or after the rules file is edited), so
findings that depend on the date or on the rules reach unchanged records too.

The query functions are framework-neutral: the API routes and the report
command both call them.
"""

from __future__ import annotations

import csv
import logging
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import IO, Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy import (
    Table,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    distinct,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from harvester.store.linkcheck_models import LinkCheckRow
from harvester.store.models import FindingRow, RecordRow
from harvester.store.records import finding_row, insert_findings
from harvester.store.sources import agency_codes
from mappings.findings import Finding
from mappings.record import Record, ResourceKind, pick_lang
from mappings.rules import (
    Rule,
    RuleContext,
    RuleSet,
    Scope,
    default_rules,
    evaluate,
    judgement_key,
)
from mappings.rules.catalogue import AppliesTo
from mappings.rules.checks import judging_day
from mappings.rules.engine import evaluate_dated

log = logging.getLogger(__name__)

CSTR_UNIQUE = "cstr-unique"
DUPLICATE = "duplicate-record"
REACHABLE = "landing-page-reachable"
PLATFORM_RULES = (CSTR_UNIQUE, DUPLICATE, REACHABLE)
"""The platform-scope rules this module computes; a test keeps them in step with the file."""

SCORE_BUCKETS = tuple((low, low + 10) for low in range(0, 100, 10))
"""Score distribution buckets: [0, 10), [10, 20) … [90, 100] (100 falls in the last)."""

_MAX_NAMED = 5
"""How many other records a finding's detail names before it says "and N more"."""


def _others(ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Each of ``ids`` with the others named: the first few in order, then how many more.

    The group is sorted once, not once per member: a template description shared by
    50,000 records made the duplicate rule quadratic (5,000 alike: 0.6 s; 50,000: a minute).
    """
    ordered = sorted(ids)
    head = ordered[: _MAX_NAMED + 1]  # the first names of any member's others are among these
    more = len(ordered) - 1 - _MAX_NAMED
    tail = f" and {more} more" if more > 0 else ""
    for me in ids:
        yield me, ", ".join([i for i in head if i != me][:_MAX_NAMED]) + tail


class _Live(NamedTuple):
    id: str
    cstr_key: str | None
    doi: str | None
    text_key: str
    """``mappings.text.text_key`` of its title and description (``""`` without both)."""
    landing_page: str


def _live(session: Session, platform: str) -> list[_Live]:
    """The platform's live records as the cross-record rules compare them, read in batches."""
    rows = session.connection().execute(  # Core: plain rows, none of the ORM's row loading
        select(
            RecordRow.id,
            RecordRow.cstr_key,
            RecordRow.doi,
            RecordRow.text_key,
            RecordRow.data["landing_page"],
        )
        .where(RecordRow.platform == platform, RecordRow.deleted.is_(False))
        .execution_options(yield_per=2000)
    )
    return [
        _Live(
            rid,
            cstr,
            doi.lower() if doi else None,
            text or "",
            landing.strip() if isinstance(landing, str) else "",
        )
        for rid, cstr, doi, text, landing in rows
    ]


def _shared_cstr(session: Session, platform: str) -> dict[str, str]:
    """Record id -> detail, for this platform's records whose CSTR another live record has."""
    mine = (
        select(RecordRow.cstr_key)
        .where(
            RecordRow.platform == platform,
            RecordRow.deleted.is_(False),
            RecordRow.cstr_key.is_not(None),
        )
        .scalar_subquery()
    )
    shared = (
        select(RecordRow.cstr_key)
        .where(RecordRow.deleted.is_(False), RecordRow.cstr_key.in_(mine))
        .group_by(RecordRow.cstr_key)
        .having(func.count() > 1)
        .scalar_subquery()
    )
    holders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for rid, plat, key in session.execute(
        select(RecordRow.id, RecordRow.platform, RecordRow.cstr_key).where(
            RecordRow.deleted.is_(False), RecordRow.cstr_key.in_(shared)
        )
    ):
        holders[str(key)].append((rid, plat))
    out: dict[str, str] = {}
    for key, group in holders.items():
        here = {rid for rid, plat in group if plat == platform}
        for rid, others in _others([rid for rid, _ in group]):
            if rid in here:
                out[rid] = f"{key} is also the CSTR of {others}"
    return out


def _duplicates(records: list[_Live]) -> dict[str, str]:
    """Record id -> detail, for records sharing title+description, DOI or CSTR."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in records:
        if r.text_key:
            groups[("title and description", r.text_key)].append(r.id)
        if r.doi:
            groups[("DOI", r.doi)].append(r.id)
        if r.cstr_key:
            groups[("CSTR", r.cstr_key)].append(r.id)
    details: dict[str, list[str]] = defaultdict(list)
    for (what, _), ids in groups.items():
        if len(ids) > 1:
            for rid, others in _others(ids):
                details[rid].append(f"same {what} as {others}")
    return {rid: "; ".join(parts) for rid, parts in details.items()}


def _unreachable(session: Session, records: list[_Live], platform: str) -> dict[str, str]:
    """Record id -> detail, for failed link checks of the record's current landing page."""
    current = {r.id: r.landing_page for r in records}
    out: dict[str, str] = {}
    for check in session.scalars(
        select(LinkCheckRow).where(LinkCheckRow.platform == platform, LinkCheckRow.outcome != "ok")
    ):
        if current.get(check.record_id) != check.url:
            continue  # the record is gone, or its landing page changed since the check
        status = f"HTTP {check.status}" if check.status is not None else check.outcome
        reason = f": {check.error}" if check.error else ""
        out[check.record_id] = (
            f"{status} ({check.method}) at {check.checked_at:%Y-%m-%d %H:%M} UTC{reason}"
        )
    return out


def refresh_platform(
    session: Session, platform: str, *, rules: RuleSet | None = None
) -> dict[str, int]:
    """Recompute the platform-scope findings of a platform's live records.

    Set-based: a handful of queries and one bulk insert whatever the platform's
    size. Returns the number of failing records per rule.
    """
    rules = rules or default_rules()
    records = _live(session, platform)
    computed = {
        CSTR_UNIQUE: _shared_cstr(session, platform),
        DUPLICATE: _duplicates(records),
        REACHABLE: _unreachable(session, records, platform),
    }
    session.execute(
        delete(FindingRow).where(
            FindingRow.platform == platform, FindingRow.rule.in_(PLATFORM_RULES)
        )
    )
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for rule_id, failing in computed.items():
        rule = rules.rules.get(rule_id)
        if rule is None or rule.scope is not Scope.PLATFORM:
            continue  # switched off in the rules file
        counts[rule_id] = len(failing)
        rows += [finding_row(rid, platform, rule.finding(d)) for rid, d in failing.items()]
    insert_findings(session, rows)
    return counts


# --- re-evaluation ---------------------------------------------------------------------


@dataclass(slots=True)
class Reevaluation:
    platforms: list[str] = field(default_factory=list)
    due: int = 0
    """Live records whose judgement may have changed: judged with other rules or context
    (or never), or whose ``recheck_on`` day has come; all of them with ``everything``."""
    evaluated: int = 0
    """Due records judged again."""
    changed: int = 0
    """Records whose record-scope findings or quality score changed (and were rewritten)."""
    skipped: int = 0
    """Stored records that no longer validate as a record (kept as they were, logged)."""


_FindingKey = tuple[str, str, str, str, tuple[str, ...], str | None]


def _key(rule: str, level: str, zh: str, en: str, fields: Any, detail: str | None) -> _FindingKey:
    return (rule, level, zh, en, tuple(fields or ()), detail)


def reevaluate(
    session: Session,
    platform: str | None = None,
    *,
    freshness_days: int = 365,
    today: date | None = None,
    rules: RuleSet | None = None,
    everything: bool = False,
    batch_size: int = 500,
    progress: Callable[[Reevaluation], None] | None = None,
) -> Reevaluation:
    """Judge the stored records of a platform (all if ``None``) again, by today and today's rules.

    A harvest stores findings only for records that changed at the source (the
    upsert skips unchanged ones), so without this a record that merely grew old
    never gets its ``modified-fresh`` finding, and an edited rules file reaches
    only records that happen to change. Only the records whose judgement may
    differ are read: each carries the key of what it was judged with and the day
    it may change by the calendar (``RecordRow.judged_with``, ``recheck_on``);
    ``everything`` reads them all, for a build whose checks changed without a new
    release. Records are read in id-ordered batches of plain rows (no ORM
    objects), so memory stays flat whatever the platform's size; only records
    whose findings, score or judgement key differ are written. The
    platform-scope findings are recomputed after (:func:`refresh_platform`), so
    rule edits, and CSTRs other platforms took since, reach them too. The
    caller's session commits; the scheduler runs this daily. ``progress`` sees
    the tally after every batch.
    """
    rules = rules or default_rules()
    platforms = [platform] if platform else _platforms_with_records(session)
    out = Reevaluation(platforms=platforms)
    work = []
    for plat in platforms:
        context = RuleContext(
            agency_codes=agency_codes(session, plat),
            freshness_days=freshness_days,
            today=today,
            rules=rules,
        )
        context = replace(context, today=judging_day(context))  # one day for the whole pass
        due = _live_filter(plat)
        if not everything:
            due = and_(due, _judgement_due(judgement_key(context), judging_day(context)))
        out.due += int(session.scalar(select(func.count()).where(due)) or 0)
        work.append((plat, context, due))
    for plat, context, due in work:
        after = ""
        while rows := session.execute(
            select(
                RecordRow.id,
                cast(RecordRow.data, Text),
                RecordRow.quality_score,
                RecordRow.judged_with,
                RecordRow.recheck_on,
            )
            .where(due, RecordRow.id > after)
            .order_by(RecordRow.id)
            .limit(batch_size)
        ).all():
            after = rows[-1][0]
            _reevaluate_batch(session, plat, [tuple(r) for r in rows], context, out)
            if progress is not None:
                progress(out)
        refresh_platform(session, plat, rules=rules)
    return out


def _judgement_due(key: str, day: date) -> Any:
    return or_(
        RecordRow.judged_with.is_(None), RecordRow.judged_with != key, RecordRow.recheck_on <= day
    )


def _platforms_with_records(session: Session) -> list[str]:
    return sorted(
        session.scalars(select(RecordRow.platform).where(RecordRow.deleted.is_(False)).distinct())
    )


def _reevaluate_batch(
    session: Session,
    platform: str,
    rows: list[tuple[Any, ...]],
    context: RuleContext,
    out: Reevaluation,
) -> None:
    ids = [row[0] for row in rows]
    own = and_(FindingRow.record_id.in_(ids), FindingRow.rule.not_in(PLATFORM_RULES))
    stored: dict[str, list[_FindingKey]] = defaultdict(list)
    for rid, *values in session.execute(
        select(
            FindingRow.record_id,
            FindingRow.rule,
            FindingRow.level,
            FindingRow.message_zh,
            FindingRow.message_en,
            FindingRow.fields,
            FindingRow.detail,
        ).where(own)
    ):
        stored[rid].append(_key(*values))
    key = judgement_key(context)
    changed: list[str] = []
    judgements: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    for rid, data, score, judged_with, recheck_on in rows:
        try:
            record = Record.model_validate_json(data)  # straight from the stored text
        except ValidationError as exc:
            log.warning("record %s no longer validates, findings kept: %s", rid, exc)
            out.skipped += 1
            continue
        out.evaluated += 1
        was = stored.get(rid, [])
        if judged_with == key:  # due by the calendar alone: only the dated rules may differ
            dated = evaluate_dated(record, context)
            moved = _moved_details(rid, was, dated.outcomes)
            if moved is not None:  # they pass and fail as before: the score stands
                details += moved
                out.changed += bool(moved)
                if recheck_on != dated.recheck_on:
                    judgements.append(_judgement(rid, score, key, dated.recheck_on))
                continue
        evaluation = evaluate(record, context)
        judgement = _judgement(rid, evaluation.score, key, evaluation.recheck_on)
        fresh = [
            _key(f.rule, f.level.value, f.message_zh, f.message_en, f.fields, f.detail)
            for f in evaluation.findings
        ]
        if sorted(fresh) == sorted(was) and evaluation.score == score:
            if (judged_with, recheck_on) != (key, evaluation.recheck_on):
                judgements.append(judgement)
            continue
        changed.append(rid)
        judgements.append(judgement)
        findings += [finding_row(rid, platform, f) for f in evaluation.findings]
    if changed:
        session.execute(
            delete(FindingRow).where(
                FindingRow.record_id.in_(changed), FindingRow.rule.not_in(PLATFORM_RULES)
            )
        )
        insert_findings(session, findings)
        out.changed += len(changed)
    if details:
        session.execute(_SET_DETAIL, details)
    if judgements:
        session.execute(update(RecordRow), judgements)  # bulk UPDATE by primary key


_FINDINGS = FindingRow.__table__
assert isinstance(_FINDINGS, Table)
_SET_DETAIL = (
    update(_FINDINGS)
    .where(_FINDINGS.c.record_id == bindparam("b_id"), _FINDINGS.c.rule == bindparam("b_rule"))
    .values(detail=bindparam("b_detail"))
)
"""One finding's detail, in place: what a stale record's daily re-judging changes."""


def _judgement(rid: str, score: float | None, key: str, recheck_on: date | None) -> dict[str, Any]:
    return {"id": rid, "quality_score": score, "judged_with": key, "recheck_on": recheck_on}


def _moved_details(
    rid: str, was: list[_FindingKey], outcomes: Mapping[str, Finding | None]
) -> list[dict[str, Any]] | None:
    """The detail updates that bring the stored findings to the dated rules' answers, or
    ``None`` when a dated rule now passes where it failed (or fails where it passed)."""
    before = {found[0]: found[5] for found in was if found[0] in outcomes}
    if set(before) != {rule for rule, found in outcomes.items() if found is not None}:
        return None
    return [
        {"b_id": rid, "b_rule": rule, "b_detail": found.detail}
        for rule, found in outcomes.items()
        if found is not None and found.detail != before[rule]
    ]


# --- summaries -------------------------------------------------------------------------


@dataclass(slots=True)
class RuleSummary:
    rule: str
    level: str
    scope: str
    dimension: str
    message_zh: str
    message_en: str
    rationale: str
    applicable: int
    failing: int

    @property
    def pass_rate(self) -> float | None:
        if not self.applicable:
            return None
        return round((self.applicable - self.failing) / self.applicable, 4)

    def as_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "scope": self.scope,
            "dimension": self.dimension,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "rationale": self.rationale,
            "applicable": self.applicable,
            "failing": self.failing,
            "pass_rate": self.pass_rate,
        }


@dataclass(slots=True)
class ScoreSummary:
    scored: int = 0
    unscored: int = 0
    mean: float | None = None
    median: float | None = None
    buckets: dict[str, int] = field(default_factory=dict)
    """``"0-10"`` … ``"90-100"`` -> number of records."""

    def as_json(self) -> dict[str, Any]:
        return {
            "scored": self.scored,
            "unscored": self.unscored,
            "mean": self.mean,
            "median": self.median,
            "buckets": dict(self.buckets),
        }


@dataclass(slots=True)
class ComplianceSummary:
    platform: str
    records: int
    physical: int
    with_findings: int
    """Records with at least one error or warning finding."""
    rules: list[RuleSummary]
    score: ScoreSummary

    def as_json(self) -> dict[str, Any]:
        return {
            "platform": self.platform,
            "records": self.records,
            "physical": self.physical,
            "with_findings": self.with_findings,
            "rules": [r.as_json() for r in self.rules],
            "score": self.score.as_json(),
        }


def bucket_label(low: int, high: int) -> str:
    return f"{low}-{high}"


def score_summary(scores: Iterable[float | None]) -> ScoreSummary:
    out = ScoreSummary(buckets={bucket_label(lo, hi): 0 for lo, hi in SCORE_BUCKETS})
    values: list[float] = []
    for score in scores:
        if score is None:
            out.unscored += 1
            continue
        values.append(score)
        low = min(int(score // 10) * 10, 90)
        out.buckets[bucket_label(low, low + 10)] += 1
    out.scored = len(values)
    if values:
        out.mean = round(statistics.fmean(values), 1)
        out.median = round(statistics.median(values), 1)
    return out


def _live_filter(platform: str) -> Any:
    return and_(RecordRow.platform == platform, RecordRow.deleted.is_(False))


def compliance_summary(
    session: Session, platform: str, *, rules: RuleSet | None = None
) -> ComplianceSummary:
    """Per rule: records it applies to, failing records, pass rate; and the scores."""
    rules = rules or default_rules()
    kinds = dict(
        session.execute(
            select(RecordRow.resource_kind, func.count())
            .where(_live_filter(platform))
            .group_by(RecordRow.resource_kind)
        ).all()
    )
    total = sum(kinds.values())
    physical = sum(n for kind, n in kinds.items() if ResourceKind(kind).is_physical)
    failing = dict(
        session.execute(
            select(FindingRow.rule, func.count(distinct(FindingRow.record_id)))
            .where(FindingRow.platform == platform)
            .group_by(FindingRow.rule)
        ).all()
    )
    with_findings = session.scalar(
        select(func.count(distinct(FindingRow.record_id))).where(
            FindingRow.platform == platform, FindingRow.level != "info"
        )
    )
    summaries = [
        _rule_summary(rule, physical if rule.applies_to is AppliesTo.PHYSICAL else total, failing)
        for rule in rules.rules.values()
    ]
    scores = session.scalars(select(RecordRow.quality_score).where(_live_filter(platform)))
    return ComplianceSummary(
        platform=platform,
        records=total,
        physical=physical,
        with_findings=int(with_findings or 0),
        rules=summaries,
        score=score_summary(scores),
    )


def _rule_summary(rule: Rule, applicable: int, failing: Mapping[str, int]) -> RuleSummary:
    return RuleSummary(
        rule=rule.id,
        level=rule.level.value,
        scope=rule.scope.value,
        dimension=rule.dimension.value,
        message_zh=rule.message_zh,
        message_en=rule.message_en,
        rationale=rule.rationale,
        applicable=applicable,
        failing=int(failing.get(rule.id, 0)),
    )


# --- pages of findings and records -------------------------------------------------------


@dataclass(slots=True)
class Page:
    total: int
    page: int
    size: int
    items: list[dict[str, Any]]

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "page": self.page, "size": self.size, "items": self.items}


def _title(value: Any) -> str:
    return pick_lang(value) if isinstance(value, dict) else ""


def findings_page(
    session: Session,
    platform: str,
    *,
    rule: str | None = None,
    level: str | None = None,
    page: int = 1,
    size: int = 50,
) -> Page:
    """Findings of a platform's records, filtered by rule and level, in a stable order."""
    where = [FindingRow.platform == platform]
    if rule:
        where.append(FindingRow.rule == rule)
    if level:
        where.append(FindingRow.level == level)
    total = session.scalar(select(func.count()).select_from(FindingRow).where(*where)) or 0
    rows = session.execute(
        select(
            FindingRow.record_id,
            RecordRow.source_identifier,
            RecordRow.cstr_key,
            RecordRow.data["title"],
            FindingRow.rule,
            FindingRow.level,
            FindingRow.message_zh,
            FindingRow.message_en,
            FindingRow.fields,
            FindingRow.detail,
        )
        .join(RecordRow, RecordRow.id == FindingRow.record_id)
        .where(*where)
        .order_by(FindingRow.record_id, FindingRow.rule, FindingRow.id)
        .offset((page - 1) * size)
        .limit(size)
    )
    items = [
        {
            "record_id": rid,
            "source_identifier": ident,
            "cstr": cstr,
            "title": _title(title),
            "rule": rule_id,
            "level": lvl,
            "message_zh": mzh,
            "message_en": men,
            "fields": list(fields or []),
            "detail": detail,
        }
        for rid, ident, cstr, title, rule_id, lvl, mzh, men, fields, detail in rows
    ]
    return Page(total=int(total), page=page, size=size, items=items)


def records_page(
    session: Session,
    platform: str,
    *,
    failing: str | None = None,
    page: int = 1,
    size: int = 50,
    worst_first: bool = False,
) -> Page:
    """Live records of a platform, optionally only those failing a rule.

    ``worst_first`` orders by quality score ascending (unscored last): the
    report's "worst records".
    """
    where = [_live_filter(platform)]
    if failing:
        where.append(
            RecordRow.id.in_(
                select(FindingRow.record_id).where(
                    FindingRow.platform == platform, FindingRow.rule == failing
                )
            )
        )
    total = session.scalar(select(func.count()).select_from(RecordRow).where(*where)) or 0
    order = (
        [RecordRow.quality_score.is_(None), RecordRow.quality_score, RecordRow.id]
        if worst_first
        else [RecordRow.id]
    )
    rows = session.execute(
        select(
            RecordRow.id,
            RecordRow.source_identifier,
            RecordRow.cstr_key,
            RecordRow.data["title"],
            RecordRow.quality_score,
            RecordRow.data["landing_page"],
        )
        .where(*where)
        .order_by(*order)
        .offset((page - 1) * size)
        .limit(size)
    )
    items = [
        {
            "id": rid,
            "source_identifier": ident,
            "cstr": cstr,
            "title": _title(title),
            "quality_score": score,
            "landing_page": landing,
        }
        for rid, ident, cstr, title, score, landing in rows
    ]
    rules_of = _rules_of(session, [i["id"] for i in items])
    for item in items:
        item["failing_rules"] = rules_of.get(item["id"], [])
    return Page(total=int(total), page=page, size=size, items=items)


def _rules_of(session: Session, record_ids: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    if record_ids:
        for rid, rule in session.execute(
            select(FindingRow.record_id, FindingRow.rule)
            .where(FindingRow.record_id.in_(record_ids))
            .order_by(FindingRow.record_id, FindingRow.rule)
        ):
            out[rid].append(rule)
    return out


# --- CSV ---------------------------------------------------------------------------------

FINDING_COLUMNS = (
    "record_id",
    "source_identifier",
    "cstr",
    "title",
    "rule",
    "level",
    "message_zh",
    "message_en",
    "fields",
    "detail",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet will show, never run: harvested text may start like a formula."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = ";".join(str(v) for v in value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def write_csv(out: IO[str], columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> None:
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in columns])
