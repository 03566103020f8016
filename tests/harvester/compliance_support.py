"""Building small stores of evaluated records for the compliance tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from harvester.store.models import PlatformRow, SourceRow
from harvester.store.records import upsert_record
from mappings.record import AccessRights, Agent, ContactPoint, Record, record_id
from mappings.rules import RuleContext, evaluate

TODAY = date(2026, 3, 1)


def add_platform(session: Session, platform: str, agency_codes: tuple[str, ...] = ()) -> None:
    session.add(PlatformRow(id=platform, name_zh=platform, agency_codes=list(agency_codes)))
    session.add(SourceRow(id=f"{platform}-src", platform=platform, protocol="oai", url="x"))
    session.flush()


def make_record(platform: str, ident: str, **fields: object) -> Record:
    """A record meeting every record-scope rule, changed by ``fields``."""
    base: dict[str, object] = {
        "id": record_id(f"{platform}-src", ident),
        "source": f"{platform}-src",
        "source_identifier": ident,
        "platform": platform,
        "cstr": f"CSTR:31253.11.{platform}.{ident}",
        "cstr_original": f"31253.11.{platform}.{ident}",
        "title": {"zh": f"数据集{ident}", "en": f"Dataset {ident}"},
        "description": {"zh": f"这是数据集 {ident} 的描述，足够长。"},
        "keywords": {"zh": ["土壤"]},
        "subjects": ["170"],
        "creators": [Agent(name="张三")],
        "contact_point": ContactPoint(email="help@example.org"),
        "issued": date(2020, 1, 1),
        "modified": date(2026, 1, 1),
        "access_rights": AccessRights.OPEN,
        "license": "CC BY 4.0",
        "landing_page": f"https://example.org/{platform}/{ident}",
    }
    base.update(fields)
    return Record.model_validate(base)


def store(session: Session, record: Record, agency_codes: tuple[str, ...] = ("31253",)) -> None:
    result = evaluate(record, RuleContext(agency_codes=agency_codes, today=TODAY))
    upsert_record(
        session,
        record,
        raw="",
        raw_format="test",
        findings=result.findings,
        quality_score=result.score,
    )
