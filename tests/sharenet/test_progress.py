"""Live progress lines: drawn on a terminal (a pseudo-terminal here), silent when redirected."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from harvester.store import Database
from harvester.store.platforms import upsert_platforms
from harvester.store.records import Incoming, upsert_records
from harvester.store.sources import add_source
from mappings.record import Record, record_id
from sharenet.cli.progress import ProgressLine
from sharenet.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_line_shows_count_rate_and_eta_on_a_terminal() -> None:
    stream = _Terminal()
    with ProgressLine("rebuild", stream=stream) as line:
        line.update(250, 1000, "page 1")
    text = stream.getvalue()
    assert "rebuild: 250/1,000 records" in text and "rec/s" in text and "ETA " in text
    assert "page 1" in text
    assert text.endswith("\r\x1b[K")  # cleared for the command's summary line


def test_line_is_silent_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with ProgressLine("rebuild", stream=stream) as line:
        line.update(250, 1000)
    assert stream.getvalue() == ""


def test_eta_only_when_the_total_is_known() -> None:
    assert "ETA" not in ProgressLine.text(10, None, "", 1.0)
    assert ProgressLine.text(10, 40, "", 1.0).endswith("ETA 0:03")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with Database(Settings(data_dir=tmp_path).store_url) as db, db.session() as session:
        upsert_platforms(session, [{"id": "ncdc", "agency_codes": ["11738"]}])
        add_source(session, "s", platform="ncdc", protocol="oai-pmh", url="http://127.0.0.1/")
        records = [
            Record(
                id=record_id("s", f"oai:{n}"),
                source="s",
                source_identifier=f"oai:{n}",
                platform="ncdc",
                title={"zh": f"数据集 {n}"},
            )
            for n in range(30)
        ]
        upsert_records(session, [Incoming(r, "", "oai_dc") for r in records])
    return tmp_path


def _run(args: list[str], *, terminal: bool) -> tuple[int, str]:
    command = [sys.executable, "-m", "sharenet", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
        return done.returncode, done.stdout + done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=follower, stderr=follower, cwd=ROOT)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "label"),
    [(["index", "rebuild"], "index rebuild: 30/30 records"),
     (["rules", "reevaluate"], "rules reevaluate: 30/30 records")],
)  # fmt: skip
def test_commands_draw_progress_on_a_terminal_only(
    data_dir: Path, args: list[str], label: str
) -> None:
    full = ["--data-dir", str(data_dir), *args]
    code, shown = _run(full, terminal=True)
    assert code == 0, shown
    assert label in shown and "rec/s" in shown
    code, logged = _run(full, terminal=False)
    assert code == 0, logged
    assert "rec/s" not in logged and "\x1b[K" not in logged
