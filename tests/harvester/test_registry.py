"""The platform registry file: complete, validated, and seeded into the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect

from harvester.errors import ConfigError
from harvester.registry import load_registry, seed
from harvester.store import Database
from harvester.store.models import PlatformRow
from harvester.store.sources import get_source, list_sources


def test_shipped_registry_lists_the_national_platforms() -> None:
    registry = load_registry()
    data = [p for p in registry.platforms if p.kind == "data"]
    bio = [p for p in registry.platforms if p.kind == "bio"]
    assert len(data) == 20 and len(bio) >= 5
    assert all(p.name_zh.startswith("国家") and p.name_en for p in data + bio)
    assert registry.platform("tpdc").agency_codes == ("18406",)
    assert {p.id for p in registry.platforms if p.demo} == {
        "ncdc",
        "nbsdc",
        "cgris",
        "sciencedb",
        "nmdc",
    }
    assert not any(p.codes_confirmed for p in registry.platforms)
    demo = {s.id: s for s in registry.sources if s.demo}
    assert demo["nbsdc"].config == {"metadata_prefix": "oai_datacite"}
    assert demo["nmdc"].config == {"config": "nmdc"} and demo["nmdc"].url is None


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[[platform]]\nid = 'x'\nname_zh = 'x'\nname_en = 'x'\nkind = 'lab'\n", "'kind'"),
        (
            "[[platform]]\nid = 'x'\nname_zh = 'x'\nname_en = 'x'\nkind = 'data'\n"
            "agency_codes = ['123']\n",
            "'agency_codes'",
        ),
        (
            "[[platform]]\nid = 'x'\nname_zh = 'x'\nname_en = 'x'\nkind = 'data'\ncolour = 1\n",
            "unknown key(s) 'colour'",
        ),
        ("[[source]]\nid = 's'\nplatform = 'nope'\nprotocol = 'oai-pmh'\n", "'platform' 'nope'"),
        (
            "[[platform]]\nid = 'x'\nname_zh = 'x'\nname_en = 'x'\nkind = 'data'\n"
            "[[source]]\nid = 's'\nplatform = 'x'\nprotocol = 'oai-pmh'\nurl = 'nope'\n"
            "metadata_prefix = 'oai_dc'\n",
            "source[0] (s): 'url'",
        ),
        ("[[platform]\n", "not valid TOML"),
    ],
)
def test_invalid_entries_are_named(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "platforms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_registry(path)
    assert fragment in err.value.message
    assert str(path) in err.value.message


def test_seed_fills_platforms_and_sources(db: Database) -> None:
    registry = load_registry()
    with db.session() as session:
        platforms, added = seed(session, registry, demo_urls={"ncdc": "http://127.0.0.1:9/oai"})
    assert platforms == len(registry.platforms) and added == 3  # ncdc + two real, disabled
    with db.session() as session:
        assert get_source(session, "ncdc").config == {"metadata_prefix": "oai_dc"}
        assert not get_source(session, "nmdc-api").enabled
        assert {s.id for s in list_sources(session)} == {"ncdc", "nmdc-api", "sciencedb-api"}
        assert session.get(PlatformRow, "ncmi").agency_codes == ["A0006"]
        assert seed(session, registry) == (len(registry.platforms), 0)  # idempotent


def test_migrations_create_the_run_owner_table(db: Database) -> None:
    assert "run_owners" in inspect(db.engine).get_table_names()
