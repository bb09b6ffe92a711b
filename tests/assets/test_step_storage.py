"""Step storage in process: outputs in memory while a run goes well, nothing left after
it, and a failed run's outputs kept (private) so that re-executing the failed step works.

A three-asset job `source -> flaky -> total` whose middle step fails once; the
re-execution from failure must load `source` from the failed run's storage.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pandas as pd
import pytest
from dagster import (
    DagsterEventType,
    DagsterInstance,
    Definitions,
    Output,
    ReexecutionOptions,
    asset,
    define_asset_job,
    execute_job,
    in_process_executor,
    instance_for_test,
    reconstructable,
)

from pipelines.step_storage import STEP_OUTPUTS, remove_stale, run_scoped_io_manager

# The failing step fails while this file exists, and removes it when it does.
FAIL_MARKER: dict[str, Path] = {}
SOURCE_ROWS = 5


@asset
def source() -> pd.DataFrame:
    return pd.DataFrame({"org": [f"810815151{i}" for i in range(SOURCE_ROWS)], "ore": range(5)})


@asset
def flaky(source: pd.DataFrame) -> pd.DataFrame:
    marker = FAIL_MARKER.get("path")
    if marker is not None and marker.exists():
        marker.unlink()
        raise RuntimeError("planned failure, once")
    source["ore"] = source["ore"] * 100  # changes its input: must not reach `total`'s copy
    return source


@asset
def total(source: pd.DataFrame, flaky: pd.DataFrame) -> Output[int]:
    value = int(flaky["ore"].sum()) + int(source["ore"].sum())
    return Output(value, metadata={"total": value})


def storage_job():
    """The job, reconstructable (execute_job re-executes it by this function's name)."""
    defs = Definitions(
        assets=[source, flaky, total],
        jobs=[define_asset_job("storage_job", executor_def=in_process_executor)],
        resources={"io_manager": run_scoped_io_manager},
    )
    return defs.resolve_job_def("storage_job")


def _files(instance: DagsterInstance) -> list[Path]:
    root = Path(instance.storage_directory()) / STEP_OUTPUTS
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def instance(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    with instance_for_test(temp_dir=str(home), set_dagster_home=False) as inst:
        yield inst


def _run(instance: DagsterInstance, **kwargs):
    with execute_job(reconstructable(storage_job), instance=instance, **kwargs) as result:
        totals = [
            m.metadata["total"].value for m in result.asset_materializations_for_node("total")
        ]
        return result.success, result.run_id, totals[0] if totals else None


def test_a_successful_run_hands_outputs_over_in_memory_and_leaves_nothing(instance) -> None:
    FAIL_MARKER.pop("path", None)
    ok, _, value = _run(instance)
    assert ok
    # 0..4 summed, once times 100 (flaky) and once as read (source, unchanged by flaky)
    assert value == sum(range(SOURCE_ROWS)) * 101
    assert _files(instance) == []


def test_a_failed_step_is_re_executed_from_the_failed_runs_outputs(instance, tmp_path) -> None:
    marker = tmp_path / "fail-once"
    marker.touch()
    FAIL_MARKER["path"] = marker
    ok, failed_id, _ = _run(instance)
    assert not ok and not marker.exists()
    kept = _files(instance)
    # The failed run kept what it had computed (source), privately, for its re-execution.
    assert [p.relative_to(p.parents[2]).as_posix() for p in kept] == [
        f"{failed_id}/source/__all__.pkl"
    ]
    for p in kept:
        assert stat.S_IMODE(p.stat().st_mode) == 0o600
        assert stat.S_IMODE(p.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(p.parents[1].stat().st_mode) == 0o700  # the run's own

    options = ReexecutionOptions.from_failure(failed_id, instance)
    ok, again_id, value = _run(instance, reexecution_options=options)
    assert ok and again_id != failed_id
    assert value == sum(range(SOURCE_ROWS)) * 101
    run = instance.get_run_by_id(again_id)
    assert run.parent_run_id == failed_id
    steps = {
        r.event_log_entry.step_key
        for r in instance.get_records_for_run(again_id, of_type=DagsterEventType.STEP_START).records
    }
    assert steps == {"flaky", "total"}  # source came from the failed run's storage
    # The re-execution succeeded: neither its outputs nor the failed run's are left.
    assert _files(instance) == []


def test_outputs_of_runs_older_than_the_limit_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "storage"
    old, new = root / STEP_OUTPUTS / "old-run", root / STEP_OUTPUTS / "new-run"
    for d in (old, new):
        (d / "payouts").mkdir(parents=True)
        (d / "payouts" / "__all__.pkl").write_bytes(b"x")
    now = time.time()
    os.utime(old, (now - 8 * 86400, now - 8 * 86400))
    assert remove_stale(root, keep_days=7, now=now) == ["old-run"]
    assert not old.exists() and new.exists()


def _out(step: str):
    from types import SimpleNamespace

    from dagster import AssetKey

    return SimpleNamespace(
        step_key=step, name="result", has_asset_key=True, asset_key=AssetKey(step)
    )


def _in(step: str, upstream: str, run_id: str):
    from types import SimpleNamespace

    from dagster import AssetKey

    return SimpleNamespace(
        step_context=SimpleNamespace(step=SimpleNamespace(key=step)),
        upstream_output=SimpleNamespace(run_id=run_id),
        has_asset_key=True,
        asset_key=AssetKey(upstream),
    )


def test_an_output_is_let_go_once_every_reader_succeeded_and_kept_for_a_failed_one(
    tmp_path: Path,
) -> None:
    """a is read by b and c, b by c: a goes once c is over; b's input stays while b failed."""
    from pipelines.step_storage import RunScopedIOManager

    failed: set[str] = set()
    readers = {("a", "result"): {"b", "c"}, ("b", "result"): {"c"}}
    m = RunScopedIOManager(tmp_path, "run", True, readers, failed_steps=lambda: failed)
    frame = pd.DataFrame({"x": [1, 2]})
    m.handle_output(_out("a"), frame)
    assert m.load_input(_in("b", "a", "run"))["x"].tolist() == [1, 2]
    m.handle_output(_out("b"), frame)
    assert set(m.held) == {("a", "__all__.pkl"), ("b", "__all__.pkl")}  # c has not read a yet
    m.load_input(_in("c", "a", "run"))
    m.load_input(_in("c", "b", "run"))
    m.handle_output(_out("c"), frame)  # nobody reads c; a and b wait for c to be over
    m._step("next")
    assert set(m.held) == {("c", "__all__.pkl")}

    failed.add("b")  # the same, but b fails after storing its output: a stays for b's rerun
    readers = {("a", "result"): {"b"}}
    m = RunScopedIOManager(tmp_path, "run2", True, readers, failed_steps=lambda: failed)
    m.handle_output(_out("a"), frame)
    m.load_input(_in("b", "a", "run2"))
    m.handle_output(_out("b"), frame)
    m._step("next")
    assert ("a", "__all__.pkl") in m.held
