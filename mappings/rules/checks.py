"""The record-scope checks: one small function per rule id of the rules file.

A check answers one question about one record: ``None`` when the record meets
the rule, a :class:`Fail` (with a detail naming what is wrong) when it does not.
Whether a rule applies at all (physical-only rules, agency codes unknown) is
decided before the check runs, so checks stay one-liners in spirit. Checks read
only the record, the rule's ``params`` and the :class:`RuleContext`; they never
raise on bad data (the engine still guards them).

A check whose answer depends on the day says so with ``until``: the first day
its answer (or detail) may differ from today's. That is what lets a daily
re-judging skip the records whose judgement cannot have changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mappings.errors import IdentifierError
from mappings.identifiers import parse_cstr
from mappings.lang import guess_lang
from mappings.record import AccessRights, Record

if TYPE_CHECKING:
    from mappings.rules.engine import RuleContext


@dataclass(frozen=True, slots=True)
class Fail:
    detail: str | None = None


Params = Mapping[str, Any]
Check = Callable[[Record, Params, "RuleContext"], Fail | None]
Applies = Callable[[Record, "RuleContext"], bool]
Until = Callable[[Record, "RuleContext"], date | None]
"""The first day a check's answer may change; ``None``: it never does by the calendar alone."""


@dataclass(frozen=True, slots=True)
class Registered:
    check: Check
    applies: Applies | None
    until: Until | None = None


CHECKS: dict[str, Registered] = {}
"""Rule id -> its check; a test keeps this in step with the rules file."""


def check(
    rule_id: str, *, applies: Applies | None = None, until: Until | None = None
) -> Callable[[Check], Check]:
    """Register a check; ``applies`` must not depend on the day (``until`` covers the check)."""

    def register(fn: Check) -> Check:
        CHECKS[rule_id] = Registered(fn, applies, until)
        return fn

    return register


def judging_day(ctx: RuleContext) -> date:
    """The day a record is judged as of: the context's, else today."""
    return ctx.today or date.today()


def _has_text(value: str | None) -> bool:
    return bool(value and value.strip())


@check("cstr-missing")
def _cstr_missing(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if record.cstr or _has_text(record.cstr_original) else Fail()


@check("cstr-malformed", applies=lambda r, c: _has_text(r.cstr_original) or bool(r.cstr))
def _cstr_malformed(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    spelled = record.cstr or record.cstr_original or ""
    try:
        parse_cstr(spelled)
    except IdentifierError as exc:
        return Fail(exc.message)
    return None if record.cstr else Fail(f"{spelled!r} was not accepted as a CSTR")


@check("cstr-foreign-agency", applies=lambda r, c: bool(r.cstr and c.agency_codes))
def _cstr_foreign(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    try:
        agency = parse_cstr(record.cstr or "").agency
    except IdentifierError:
        return None  # malformed: cstr-malformed says so
    codes = {code.upper() for code in ctx.agency_codes}
    if agency in codes:
        return None
    return Fail(f"agency code {agency} is not one of {', '.join(sorted(codes))}")


@check("title-zh")
def _title_zh(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    title = record.title.get("zh", "")
    if not _has_text(title):
        return Fail()
    if guess_lang(title) != "zh":
        return Fail(f"the title filed as Chinese has no Chinese characters: {title[:80]!r}")
    return None


@check("title-en")
def _title_en(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if _has_text(record.title.get("en")) else Fail()


@check("core-description")
def _description(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    longest = max((len(t.strip()) for t in record.description.values()), default=0)
    minimum = int(params.get("min_length", 1))
    if longest >= minimum:
        return None
    return Fail(f"{longest} characters, fewer than {minimum}") if longest else Fail()


@check("core-keywords")
def _keywords(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    count = sum(1 for terms in record.keywords.values() for t in terms if _has_text(t))
    minimum = int(params.get("min_count", 1))
    return None if count >= minimum else Fail(f"{count} keywords, fewer than {minimum}")


@check("core-subject")
def _subject(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if any(map(_has_text, [*record.subjects, *record.themes])) else Fail()


@check("core-issued")
def _issued(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if record.issued else Fail()


@check("core-creator")
def _creator(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    agents = [*record.creators, *([record.publisher] if record.publisher else [])]
    return None if any(_has_text(a.name) for a in agents) else Fail()


@check("core-contact")
def _contact(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    cp = record.contact_point
    if cp and (_has_text(cp.email) or _has_text(cp.phone)):
        return None
    return Fail()


@check("license-stated")
def _license(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if _has_text(record.license) else Fail()


@check("access-stated")
def _access(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    return None if record.access_rights is not None else Fail()


@check("public-funding-open", applies=lambda r, c: any(f.public for f in r.funding))
def _public_funding(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    if record.access_rights is AccessRights.RESTRICTED and not _has_text(
        record.access_rights_reason
    ):
        funders = ", ".join(f.funder for f in record.funding if f.public)
        return Fail(f"restricted; publicly funded by {funders}")
    return None


def _stale_from(modified: date, ctx: RuleContext) -> date:
    """The first day a record last modified on ``modified`` is out of the window."""
    return modified + timedelta(days=ctx.freshness_days + 1)


def _fresh_until(record: Record, ctx: RuleContext) -> date | None:
    """The day a fresh record goes stale; a stale or undated one stays as it is judged."""
    if record.modified is None:
        return None
    stale_from = _stale_from(record.modified, ctx)
    return stale_from if stale_from > judging_day(ctx) else None


@check("modified-fresh", until=_fresh_until)
def _fresh(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    if record.modified is None:
        return Fail("no modification date")
    if judging_day(ctx) < _stale_from(record.modified, ctx):
        return None
    # The window, not the age: a stored finding stays true on every later day, so the
    # daily re-judging need not rewrite every stale record's finding to move a count.
    return Fail(f"last modified {record.modified.isoformat()}, over {ctx.freshness_days} days ago")


@check("physical-accession")
def _accession(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    physical = record.physical
    return None if physical and _has_text(physical.accession_number) else Fail()


@check("physical-obtain")
def _obtain(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    if record.physical and _has_text(record.physical.obtain):
        return None
    sharing = record.sharing
    if sharing and (_has_text(sharing.channel) or _has_text(sharing.procedure)):
        return None
    return Fail()


@check("landing-page")
def _landing_page(record: Record, params: Params, ctx: RuleContext) -> Fail | None:
    url = (record.landing_page or "").strip()
    if not url:
        return Fail()
    if not url.lower().startswith(("http://", "https://")):
        return Fail(f"not an http(s) URL: {url[:200]!r}")
    return None
