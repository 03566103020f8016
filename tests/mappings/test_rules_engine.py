"""Every record-scope rule: a record that passes it and one that fails it.

``good_record`` meets every rule; each case changes one thing and must produce
exactly the finding of its rule (and lose none of the others' passes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from mappings.errors import RulesError
from mappings.findings import Level
from mappings.record import (
    AccessRights,
    Agent,
    ContactPoint,
    Funding,
    PhysicalDetails,
    Record,
    ResourceKind,
    Sharing,
)
from mappings.rules import RuleContext, Scope, default_rules, evaluate, load_rules
from mappings.rules.catalogue import RULES_FILE
from mappings.rules.checks import CHECKS

TODAY = date(2026, 3, 1)
CTX = RuleContext(agency_codes=("31253",), freshness_days=365, today=TODAY)


def good_record(**changes: object) -> Record:
    record = Record(
        id="src-1",
        source="src",
        source_identifier="1",
        platform="sciencedb",
        cstr="CSTR:31253.11.sciencedb.01874",
        cstr_original="31253.11.sciencedb.01874",
        title={"zh": "青藏高原土壤数据集", "en": "Tibetan Plateau soil dataset"},
        description={"zh": "青藏高原 2010-2020 年土壤温度和湿度观测数据。"},
        keywords={"zh": ["土壤", "青藏高原"]},
        subjects=["170"],
        creators=[Agent(name="张三")],
        contact_point=ContactPoint(name="服务组", email="help@example.org"),
        funding=[Funding(funder="国家自然科学基金", public=True)],
        issued=date(2020, 5, 1),
        modified=date(2025, 12, 1),
        access_rights=AccessRights.OPEN,
        license="CC BY 4.0",
        landing_page="https://example.org/dataset/1",
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


def good_physical(**changes: object) -> Record:
    record = good_record(
        resource_kind=ResourceKind.STRAIN,
        physical=PhysicalDetails(accession_number="CGMCC 1.1234", obtain="在线申请"),
    )
    for key, value in changes.items():
        setattr(record, key, value)
    return record


Case = tuple[str, Callable[[], Record], Callable[[], Record]]
"""(rule id, a record that passes, a record that fails)."""

CASES: list[Case] = [
    ("cstr-missing", good_record, lambda: good_record(cstr=None, cstr_original=None)),
    (
        "cstr-malformed",
        good_record,
        lambda: good_record(cstr=None, cstr_original="CSTR:3125.11.x"),
    ),
    (
        "cstr-foreign-agency",
        good_record,
        lambda: good_record(cstr="CSTR:18406.11.Terre.tpdc.301311"),
    ),
    ("title-zh", good_record, lambda: good_record(title={"en": "Soil dataset"})),
    ("title-en", good_record, lambda: good_record(title={"zh": "土壤数据集"})),
    ("core-description", good_record, lambda: good_record(description={"zh": "数据"})),
    ("core-keywords", good_record, lambda: good_record(keywords={"zh": ["  "]})),
    ("core-subject", good_record, lambda: good_record(subjects=[], themes=[])),
    ("core-issued", good_record, lambda: good_record(issued=None)),
    ("core-creator", good_record, lambda: good_record(creators=[], publisher=None)),
    (
        "core-contact",
        good_record,
        lambda: good_record(contact_point=ContactPoint(name="服务组")),
    ),
    ("license-stated", good_record, lambda: good_record(license=" ")),
    ("access-stated", good_record, lambda: good_record(access_rights=None)),
    (
        "public-funding-open",
        lambda: good_record(
            access_rights=AccessRights.RESTRICTED, access_rights_reason="涉及国家秘密"
        ),
        lambda: good_record(access_rights=AccessRights.RESTRICTED),
    ),
    (
        "modified-fresh",
        lambda: good_record(modified=date(2025, 3, 1)),
        lambda: good_record(modified=date(2025, 2, 28)),
    ),
    (
        "physical-accession",
        good_physical,
        lambda: good_physical(physical=PhysicalDetails(obtain="在线申请")),
    ),
    (
        "physical-obtain",
        lambda: good_physical(
            physical=PhysicalDetails(accession_number="A1"), sharing=Sharing(channel="邮件申请")
        ),
        lambda: good_physical(physical=PhysicalDetails(accession_number="A1")),
    ),
    ("landing-page", good_record, lambda: good_record(landing_page="ftp://example.org/x")),
]


def _rules_of(record: Record, ctx: RuleContext = CTX) -> set[str]:
    return {f.rule for f in evaluate(record, ctx).findings}


def test_every_record_rule_has_a_check_and_a_case() -> None:
    record_rules = {r.id for r in default_rules().of_scope(Scope.RECORD)}
    assert record_rules == set(CHECKS)
    assert record_rules == {rule for rule, _, _ in CASES}


def test_good_records_have_no_findings_and_full_score() -> None:
    for make in (good_record, good_physical):
        result = evaluate(make(), CTX)
        assert result.findings == []
        assert result.score == 100.0


@pytest.mark.parametrize(("rule", "passing", "failing"), CASES, ids=[c[0] for c in CASES])
def test_rule_passes_and_fails(
    rule: str, passing: Callable[[], Record], failing: Callable[[], Record]
) -> None:
    assert rule not in _rules_of(passing())
    found = evaluate(failing(), CTX).findings
    mine = [f for f in found if f.rule == rule]
    assert len(mine) == 1
    spec = default_rules()[rule]
    assert mine[0].level is spec.level
    assert mine[0].message_zh == spec.message_zh and mine[0].message_en == spec.message_en
    assert mine[0].fields == list(spec.fields)
    # The failing record breaks this rule alone (cstr-missing also drops cstr-foreign-agency).
    assert {f.rule for f in found} == {rule}


def test_details_say_what_is_wrong() -> None:
    (malformed,) = evaluate(good_record(cstr=None, cstr_original="CSTR:3125.11.x"), CTX).findings
    assert malformed.detail and "agency code" in malformed.detail
    (stale,) = evaluate(good_record(modified=date(2020, 1, 1)), CTX).findings
    assert stale.detail and "2020-01-01" in stale.detail
    (none,) = evaluate(good_record(modified=None), CTX).findings
    assert none.detail == "no modification date"


def test_a_stale_judgement_holds_on_every_later_day() -> None:
    """What a daily re-judging of a mostly stale catalogue costs rests on this: a stale
    record's finding is not due again, a fresh one is due the day it goes stale."""
    stale = good_record(modified=TODAY - timedelta(days=400))
    judged = evaluate(stale, CTX)
    later = evaluate(stale, replace(CTX, today=TODAY + timedelta(days=1_000)))
    assert judged.findings == later.findings and judged.score == later.score
    (finding,) = judged.findings
    assert finding.detail == f"last modified {stale.modified}, over 365 days ago"
    assert judged.recheck_on is None
    fresh = good_record(modified=TODAY - timedelta(days=365))
    assert evaluate(fresh, CTX).recheck_on == TODAY + timedelta(days=1)
    assert evaluate(fresh, replace(CTX, today=TODAY + timedelta(days=1))).findings


def test_not_applicable_rules_neither_help_nor_hurt() -> None:
    # Agency codes unknown: the foreign-agency rule is skipped, not failed.
    assert evaluate(good_record(cstr="CSTR:18406.11.x"), RuleContext(today=TODAY)).score == 100.0
    # Open access: the art. 5 rule needs no reason; no public funding: restriction is fine.
    private = good_record(
        access_rights=AccessRights.RESTRICTED, funding=[Funding(funder="某公司", public=False)]
    )
    assert "public-funding-open" not in _rules_of(private)
    # A zh-tagged title without Chinese characters is not a Chinese title.
    (latin,) = evaluate(good_record(title={"zh": "Soil", "en": "Soil"}), CTX).findings
    assert latin.rule == "title-zh" and latin.level is Level.ERROR


def test_score_follows_dimension_weights() -> None:
    result = evaluate(good_record(license=None), CTX)
    rules = default_rules()
    weights = rules.weights
    # license-stated is reusability (weight 2 of reusability's 3 points).
    reuse = rules["license-stated"].dimension
    assert result.dimensions[reuse.value] == pytest.approx(1 / 3, abs=1e-3)
    expected = 100 * (sum(weights.values()) - weights[reuse] * 2 / 3) / sum(weights.values())
    assert result.score == pytest.approx(expected, abs=0.1)
    assert evaluate(Record(id="x", source="s", source_identifier="x", platform="p"), CTX).score == 0


def test_rules_file_errors_are_clear(tmp_path: Path) -> None:
    bad = tmp_path / "rules.toml"
    bad.write_text('[[rule]]\nid = "x"\nlevel = "fatal"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="lacks"):
        load_rules(bad)
    text = RULES_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace('level = "warning"', 'level = "fatal"', 1), encoding="utf-8")
    with pytest.raises(RulesError, match="fatal"):
        load_rules(bad)
    bad.write_text(text.replace("contextuality = 10", ""), encoding="utf-8")
    with pytest.raises(RulesError, match="scoring"):
        load_rules(bad)


def test_rules_in_the_file_carry_everything() -> None:
    for rule in default_rules().rules.values():
        assert rule.message_zh and rule.message_en and rule.rationale and rule.fields
