"""`tillvaxt run` in a pipe (as CI sees it): one line per finished step with its time,
then the summary and the paths of the workbooks and HTML reports. With a DAGSTER_HOME,
so the lines pass Dagster's capture of stdout and the run history is the tuned one."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli import run_cli

LINE = re.compile(r"^tillvaxt: \[ ?(\d+)/(\d+)\] (\w+) (done|FAILED|skipped) in \d+\.\d s")


def test_a_piped_run_prints_each_step_once_and_ends_with_the_reports(
    small_raw: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    processed = tmp_path / "out"
    proc = run_cli(small_raw, processed, home=home)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    steps = [LINE.match(line) for line in lines if line.startswith("tillvaxt: [")]
    assert steps and all(steps), lines
    counts = [int(m.group(1)) for m in steps]
    total = int(steps[0].group(2))
    assert counts == list(range(1, total + 1))  # each finished step once, in order, all of them
    assert {m.group(3) for m in steps} >= {"payouts", "publish"}
    assert all(m.group(4) == "done" for m in steps)
    assert "\x1b[" not in proc.stdout  # no terminal control codes in a pipe
    reports = [line.removeprefix("tillvaxt: report ") for line in lines if "report " in line]
    expected = [
        path
        for kind in ("xlsx", "html", "docx")
        for path in sorted(processed.glob(f"aterrapportering_*.{kind}"))
    ]
    assert expected and reports == [str(p) for p in expected]
    assert lines[-1].startswith("tillvaxt: done in")
    # A successful run leaves no step outputs behind.
    kept = home / "storage" / "tillvaxt_step_outputs"
    assert not kept.exists() or not any(p.is_file() for p in kept.rglob("*"))
