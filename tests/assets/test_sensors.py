"""The raw-file sensor: a run for a new or changed export, none for an unchanged tree."""

from pathlib import Path

from dagster import DagsterInstance, SensorResult, SkipReason, build_sensor_context

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.sensors import changed_files, raw_tree_state
from pipelines.settings import settings_from_env
from tests.conftest import PAYOUT_HEADER, write

raw_files_changed = build_definitions(settings_from_env()).resolve_sensor_def("raw_files_changed")


def _tick(raw: Path, cursor: str | None, tmp_path: Path) -> SensorResult | SkipReason:
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(tmp_path / "out"))
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(
            instance=instance, cursor=cursor, resources={"settings": settings}
        )
        return raw_files_changed(context)


def _new_export(raw: Path, amount: str) -> None:
    write(
        raw / "payouts" / "utbetalningar_c.csv",
        [PAYOUT_HEADER, f"V2018-00009;2018-05-01;RS1;556677-8899;Åkes AB;UTV;{amount};1:1;1380"],
        encoding="cp1252",
    )


def test_first_tick_requests_a_run_and_an_unchanged_tree_none(
    small_raw: Path, tmp_path: Path
) -> None:
    first = _tick(small_raw, None, tmp_path)
    assert isinstance(first, SensorResult)
    assert len(first.run_requests) == 1
    assert first.run_requests[0].tags["tillvaxt/changed_files"] == "5"
    again = _tick(small_raw, first.cursor, tmp_path)
    assert isinstance(again, SkipReason)
    assert "no change" in again.skip_message


def test_new_then_changed_file_each_request_a_run_with_a_new_key(
    small_raw: Path, tmp_path: Path
) -> None:
    first = _tick(small_raw, None, tmp_path)
    _new_export(small_raw, "1 000")
    added = _tick(small_raw, first.cursor, tmp_path)
    assert isinstance(added, SensorResult) and len(added.run_requests) == 1
    _new_export(small_raw, "2 000")
    changed = _tick(small_raw, added.cursor, tmp_path)
    assert isinstance(changed, SensorResult) and len(changed.run_requests) == 1
    keys = {r.run_requests[0].run_key for r in (first, added, changed)}
    assert len(keys) == 3
    assert _tick(small_raw, changed.cursor, tmp_path).__class__ is SkipReason


def test_same_tick_twice_gives_the_same_run_key_so_dagster_deduplicates(
    small_raw: Path, tmp_path: Path
) -> None:
    a = _tick(small_raw, None, tmp_path)
    b = _tick(small_raw, None, tmp_path)
    assert a.run_requests[0].run_key == b.run_requests[0].run_key


def test_returning_to_an_earlier_state_is_not_swallowed(small_raw: Path, tmp_path: Path) -> None:
    a = _tick(small_raw, None, tmp_path)
    _new_export(small_raw, "1 000")
    b = _tick(small_raw, a.cursor, tmp_path)
    (small_raw / "payouts" / "utbetalningar_c.csv").unlink()
    back = _tick(small_raw, b.cursor, tmp_path)
    assert isinstance(back, SensorResult)
    assert back.run_requests[0].run_key != a.run_requests[0].run_key
    assert back.cursor == a.cursor


def test_touch_without_change_and_lock_files_do_not_count(small_raw: Path) -> None:
    before = raw_tree_state(small_raw)
    path = small_raw / "payouts" / "utbetalningar_a.csv"
    path.write_bytes(path.read_bytes())
    (small_raw / "decisions" / "~$beslut_20180101.xlsx").write_bytes(b"lock")
    assert raw_tree_state(small_raw) == before
    assert "payouts/utbetalningar_a.csv" in before
    assert len(before["payouts/utbetalningar_a.csv"]) == 64


def test_changed_files_lists_new_changed_and_removed() -> None:
    assert changed_files({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "9", "d": "4"}) == [
        "b",
        "c",
        "d",
    ]


def test_sensor_targets_the_pipeline_job() -> None:
    assert raw_files_changed.job_name == PIPELINE_JOB
