"""Skipping unchanged reruns: the fingerprint moves with inputs, settings and outputs."""

from pathlib import Path

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
