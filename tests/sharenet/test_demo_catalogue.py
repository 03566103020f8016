"""The shipped demo catalogue: reproducible, big and varied enough, defects as documented."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from mappings.errors import IdentifierError
from mappings.identifiers import cstr_key, parse_cstr
from sharenet.demo.catalogue import DATA_DIR, PLATFORMS, data_file, load_manifest
from sharenet.demo.generate import generate
from tests.sharenet.demo_shapes import PUBLIC_FUNDERS, Flat, read_platform

MANIFEST = load_manifest()
FLATS = {p.id: read_platform(p.id) for p in PLATFORMS}
RESTRICTED = {"info:eu-repo/semantics/closedAccess", "受限", "restricted"}


def test_generator_reproduces_the_shipped_files(tmp_path: Path) -> None:
    generate(tmp_path)
    for platform in PLATFORMS:
        assert data_file(platform.id, tmp_path).read_bytes() == data_file(platform.id).read_bytes()
    assert (tmp_path / "manifest.json").read_text() == (DATA_DIR / "manifest.json").read_text()


def test_shipped_data_is_small() -> None:
    assert sum(f.stat().st_size for f in DATA_DIR.iterdir()) < 2 * 1024 * 1024


def test_counts_platforms_and_kinds() -> None:
    assert len(PLATFORMS) >= 5
    live_total = 0
    kinds: Counter[str] = Counter()
    for pid, flats in FLATS.items():
        info = MANIFEST["platforms"][pid]
        live = [f for f in flats if not f.deleted]
        assert len(live) == info["records"]
        assert sorted(f.id for f in flats if f.deleted) == sorted(info["deleted"])
        assert len({f.id for f in flats}) == len(flats), f"{pid}: identifiers repeat"
        kinds.update(f.kind for f in live)
        live_total += len(live)
    assert live_total == MANIFEST["total_records"] >= 2000
    assert kinds["germplasm"] >= 300 and kinds["strain"] >= 300 and kinds["dataset"] >= 1000
    assert sum(len(p["deleted"]) for p in MANIFEST["platforms"].values()) > 0


def test_records_are_bilingual() -> None:
    for pid, flats in FLATS.items():
        live = [f for f in flats if not f.deleted]
        both = [f for f in live if f.title_zh and f.title_en]
        assert len(both) > 0.9 * len(live), pid
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in f.title_zh or "中") for f in live)


def test_cstrs_come_in_the_spellings_sources_use() -> None:
    spellings: Counter[str] = Counter()
    for flats in FLATS.values():
        for f in flats:
            if f.cstr and not f.deleted:
                head = f.cstr[:5]
                spellings[
                    "prefix" if head == "CSTR:" else "lower" if head == "cstr:" else "bare"
                ] += 1
    assert spellings["prefix"] > 0 and spellings["lower"] > 0 and spellings["bare"] > 0


def _valid(cstr: str | None) -> bool:
    if not cstr:
        return False
    try:
        parse_cstr(cstr)
    except IdentifierError:
        return False
    return True


def _duplicates(groups: dict[object, list[str]]) -> set[str]:
    return {i for ids in groups.values() if len(ids) > 1 for i in ids}


def _recount(pid: str, flats: list[Flat]) -> dict[str, set[str]]:
    """Every defect, counted from the served shapes alone."""
    agency = next(p.agency_code for p in PLATFORMS if p.id == pid)
    stale_before = date.fromisoformat(MANIFEST["stale_before"])
    cstrs: dict[object, list[str]] = defaultdict(list)
    texts: dict[object, list[str]] = defaultdict(list)
    for f in flats:
        if _valid(f.cstr):
            assert f.cstr is not None
            cstrs[cstr_key(f.cstr)].append(f.id)
        texts[(f.title_zh, f.title_en, f.desc)].append(f.id)

    def where(test: object) -> set[str]:
        return {f.id for f in flats if callable(test) and test(f)}

    return {
        "missing_cstr": where(lambda f: not f.cstr),
        "malformed_cstr": where(lambda f: f.cstr and not _valid(f.cstr)),
        "foreign_agency_cstr": where(
            lambda f: _valid(f.cstr) and parse_cstr(f.cstr).agency != agency
        ),
        "duplicate_cstr": _duplicates(cstrs),
        "duplicate_record": _duplicates(texts),
        "missing_title_en": where(lambda f: not f.title_en),
        "missing_title_zh": where(lambda f: not f.title_zh),
        "missing_license": where(lambda f: not f.license),
        "missing_access": where(lambda f: not f.access),
        "restricted_unjustified": where(
            lambda f: f.access in RESTRICTED and PUBLIC_FUNDERS & set(f.funders)
        ),
        "stale": where(lambda f: f.modified and f.modified < stale_before),
        "missing_description": where(lambda f: f.desc == (None, None)),
        "missing_keywords": where(lambda f: not f.keywords),
    }


@pytest.mark.parametrize("pid", [p.id for p in PLATFORMS])
def test_defects_match_the_manifest(pid: str) -> None:
    live = [f for f in FLATS[pid] if not f.deleted]
    found = _recount(pid, live)
    declared = MANIFEST["platforms"][pid]["defects"]
    assert set(found) == set(declared) == set(MANIFEST["defect_definitions"])
    for name, entry in declared.items():
        expected = set(entry["records"]) | set(entry.get("originals", []))
        assert found[name] == expected, name
        assert entry["count"] == len(entry["records"])
    assert sum(e["count"] for e in declared.values()) >= 60


def test_registry_knows_the_demo_platforms_and_their_codes() -> None:
    from harvester.registry import load_registry

    registry = load_registry()
    demo_sources = {s.platform: s for s in registry.sources if s.demo}
    for platform in PLATFORMS:
        assert registry.platform(platform.id).agency_codes == (platform.agency_code,)
        source = demo_sources[platform.id]
        assert source.protocol == platform.protocol
        wanted = platform.metadata_prefix
        assert wanted in (source.config.get("metadata_prefix"), source.config.get("config"))
