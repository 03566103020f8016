"""The settings reference is part of the product: it must name every setting."""

from __future__ import annotations

from pathlib import Path

from sharenet.settings import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`{name}`" not in text]
    assert missing == [], f"settings missing from docs/settings.md: {missing}"


def test_documented_settings_exist() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    rows = [
        line.split("|")[1].strip().strip("`")
        for line in text.splitlines()
        if line.startswith("| `")
    ]
    assert set(rows) <= set(Settings.model_fields)
