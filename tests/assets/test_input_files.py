"""Issue 13: one rule decides which files count, for the readers, the sensor and the fingerprint.

An open Excel file leaves a lock file `~$beslut_….xlsx` beside it; the nightly run
stopped on it because the reader read it while the sensor and fingerprint skipped it.
Hidden files were read and counted but not fingerprinted, so a changed hidden export
could be "unchanged; nothing to do".
"""

from pathlib import Path

from pipelines.sensors import raw_tree_state
from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.provenance import input_hashes
from tillvaxt.rawfiles import counts_as_input, input_files
from tillvaxt.validate.decisions import read_decisions
from tillvaxt.validate.payouts import read_payouts

ROW = "V9;2017-05-01;RS1;556677-8899;Åkes AB;UTV;{};1:1;1380"


def _clutter(raw: Path) -> None:
    """What a desktop leaves in a shared folder: lock files, hidden files, hidden folders."""
    (raw / "decisions" / "~$beslut_20190110.xlsx").write_bytes(b"\x00\x00locked by anna")
    write(raw / "payouts" / ".utbetalningar_hidden.csv", [PAYOUT_HEADER, ROW.format("5")])
    write(raw / "payouts" / "~$utbetalningar_lock.csv", [PAYOUT_HEADER, ROW.format("6")])
    write(raw / ".Trash" / "payouts" / "old.csv", [PAYOUT_HEADER, ROW.format("7")])
    (raw / "payouts" / ".DS_Store").write_bytes(b"\x00\x01")


def test_the_readers_skip_lock_and_hidden_files(small_raw: Path) -> None:
    before = read_payouts(small_raw)
    _clutter(small_raw)
    read_decisions(small_raw)  # no InputError for the lock file
    after = read_payouts(small_raw)
    assert sorted(set(after["_file"])) == [
        "payouts/utbetalningar_a.csv",
        "payouts/utbetalningar_b.csv",
    ]
    assert len(after) == len(before)


def test_the_sensor_and_the_fingerprint_count_exactly_what_the_readers_can_read(
    small_raw: Path,
) -> None:
    _clutter(small_raw)
    expected = sorted(
        p.relative_to(small_raw).as_posix()
        for p in small_raw.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "~$")) for part in p.relative_to(small_raw).parts)
    )
    assert "payouts/utbetalningar_a.csv" in expected and len(expected) == 5
    assert sorted(raw_tree_state(small_raw)) == expected
    assert sorted(input_hashes(small_raw)) == expected
    assert [p.relative_to(small_raw).as_posix() for p in input_files(small_raw)] == expected
    read = set(read_payouts(small_raw)["_file"]) | set(read_decisions(small_raw)["_file"])
    assert read <= set(expected)


def test_the_rule_itself(tmp_path: Path) -> None:
    root = tmp_path / "raw"
    for name in ["a.csv", ".a.csv", "~$a.xlsx", ".hidden/b.csv", "x/~$c.csv", "x/d.csv"]:
        write(root / name, ["x"])
    verdict = {
        p.relative_to(root).as_posix(): counts_as_input(p, root)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }
    assert verdict == {
        ".a.csv": False,
        ".hidden/b.csv": False,
        "a.csv": True,
        "x/d.csv": True,
        "x/~$c.csv": False,
        "~$a.xlsx": False,
    }
