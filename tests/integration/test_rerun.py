"""Skipping unchanged reruns: the fingerprint moves with inputs, settings and outputs."""

import os
import subprocess
import sys
from pathlib import Path

from tests.cli import run_command
from tests.conftest import write
from tillvaxt.rerun import fingerprint, forget_last_run, record_run, unchanged_since_last_run


def test_same_inputs_and_outputs_skip_and_any_change_does_not(
    small_raw: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    write(out / "appropriation_usage.csv", ["year,paid_sek", "2017,1.00"])
    settings = {"url": "sqlite:///x"}
    first = fingerprint(small_raw, settings)
    assert unchanged_since_last_run(out, first) is None  # nothing recorded yet
    record_run(out, first)
    assert unchanged_since_last_run(out, fingerprint(small_raw, settings)) is not None

    assert fingerprint(small_raw, {"url": "sqlite:///y"}) != first
    (small_raw / "payouts" / "utbetalningar_a.csv").write_bytes(b"changed")
    assert fingerprint(small_raw, settings) != first

    (out / "appropriation_usage.csv").write_text("edited", encoding="utf-8")
    assert unchanged_since_last_run(out, first) is None
    record_run(out, first)
    (out / "appropriation_usage.csv").unlink()
    assert unchanged_since_last_run(out, first) is None

    record_run(out, first)
    forget_last_run(out)
    assert unchanged_since_last_run(out, first) is None


def _cli(raw: Path, processed: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLVAXT_")}
    env.update(TILLVAXT_RAW_DIR=str(raw), TILLVAXT_PROCESSED_DIR=str(processed))
    return run_command([sys.executable, "-m", "pipelines.cli", "run"], env)


def test_every_published_file_and_the_publication_count(tmp_path: Path) -> None:
    names = ["a.csv", "aterrapportering_2017.xlsx", "aterrapportering_2017.html", "g_2017.json"]
    for name in names:
        write(tmp_path / name, [name])
        record_run(tmp_path, "fp", "run-1")
        assert unchanged_since_last_run(tmp_path, "fp", "run-1") is not None
        assert unchanged_since_last_run(tmp_path, "fp", None) is None  # warehouse gone
        assert unchanged_since_last_run(tmp_path, "fp", "run-2") is None  # another publication
        (tmp_path / name).unlink()
        assert unchanged_since_last_run(tmp_path, "fp", "run-1") is None, name
        write(tmp_path / name, [name])
    write(tmp_path / "new.csv", ["x"])
    assert unchanged_since_last_run(tmp_path, "fp", "run-1") is None  # an output appeared


def test_a_deleted_warehouse_or_workbook_means_run(small_raw: Path, tmp_path: Path) -> None:
    processed = tmp_path / "out"
    first = _cli(small_raw, processed)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "nothing to do" in _cli(small_raw, processed).stdout
    for name in ("warehouse.sqlite", "aterrapportering_2017.xlsx"):
        assert (processed / name).is_file(), name
        (processed / name).unlink()
        again = _cli(small_raw, processed)
        assert again.returncode == 0, again.stderr[-2000:]
        assert "nothing to do" not in again.stdout, name
        assert "done in" in again.stdout, name
        assert (processed / name).is_file(), name
