"""Where a run's steps hand their outputs to each other, and for how long.

In one process (`tillvaxt_pipeline`: the CLI, a run launched from the UI) a step's
outputs stay in memory for the steps after it: nothing is pickled while the run goes
well, which was a fixed cost on every frame of every step.

Intermediate frames hold organisation numbers in clear (sole traders' among them: a
personal identity number), so what is written to disk lives in
`<storage>/tillvaxt_step_outputs/<run_id>/`, created 0700 with files 0600, and only as
long as it may be needed:

- a run that succeeds leaves nothing behind;
- a run with a failed step (or one that was interrupted) writes the outputs it holds
  to its directory when it ends, so that re-executing the failed steps (the UI's
  "re-execute from failure", or `reexecute_from_failure` below) can load their
  upstream outputs: Dagster names the run that produced each one
  (`InputContext.upstream_output.run_id`);
- when a re-execution succeeds, its own directory and those of the runs it descends
  from are removed; whatever is left is removed after `KEEP_DAYS` days, by the next
  run that starts.

A multiprocess run (`tillvaxt_national`) tears resources down after every step, so
there every output is written as it is produced, and the `delete_step_outputs_*`
run-status sensors remove the directories once the run succeeded or was cancelled
(a failed run's are kept for its re-execution, for `KEEP_DAYS` days at most). One
directory per run also means a partitioned (national) run and a single-region run can
never meet in one storage path.
"""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    Field,
    InitResourceContext,
    InputContext,
    IOManager,
    OutputContext,
    RunStatusSensorContext,
    SensorDefinition,
    io_manager,
    run_status_sensor,
)

from pipelines.jobs import NATIONAL_JOB

STEP_OUTPUTS = "tillvaxt_step_outputs"
# Jobs whose steps run in separate processes: their storage outlives each step.
MULTIPROCESS_JOBS = frozenset({NATIONAL_JOB})
# A failed run's outputs are kept this long for its re-execution, then removed.
KEEP_DAYS = 7


def run_storage(storage_dir: str | Path, run_id: str) -> Path:
    """The run's private directory under the instance's storage."""
    return Path(storage_dir) / STEP_OUTPUTS / run_id


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


def _output_key(context: OutputContext | InputContext) -> tuple[str, ...]:
    """The output's place in a run's storage: its asset key (or step and name) and partition."""
    key = context.asset_key.path if context.has_asset_key else [context.step_key, context.name]
    partition = None
    if isinstance(context, OutputContext) and context.has_partition_key:
        partition = context.partition_key
    elif isinstance(context, InputContext) and context.has_asset_partitions:
        partition = context.asset_partition_key
    return (*key, f"{partition or '__all__'}.pkl")


def _write_private(base: Path, key: tuple[str, ...], obj: object) -> None:
    """Pickle `obj` under `base`, every directory 0700 and the file 0600 from its creation."""
    path = base.joinpath(*key)
    _private_dir(base)
    for depth in range(1, len(key)):
        _private_dir(base.joinpath(*key[:depth]))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)


class RunScopedIOManager(IOManager):
    """A run's step outputs: in memory (`in_memory`) or pickled under its private directory.

    Inputs produced by this run come from memory when they are there; any other (an
    upstream output of an earlier run, in a re-execution) from the producing run's
    directory.
    """

    def __init__(
        self,
        root: Path,
        run_id: str,
        in_memory: bool,
        consumers: dict[tuple[str, str], set[str]] | None = None,
        failed_steps=None,
    ) -> None:
        self.root = root
        self.run_id = run_id
        self.in_memory = in_memory
        self.held: dict[tuple[str, ...], object] = {}
        # Which steps of the run read each (step, output); once all of them have
        # succeeded the output is let go, so a large run does not hold every frame.
        self.consumers = consumers or {}
        self.failed_steps = failed_steps or (lambda: set())
        self.stored: dict[tuple[str, str], tuple[str, ...]] = {}
        self.finished: list[str] = []  # steps that stored outputs, not yet known to succeed
        self.current: str | None = None

    def _step(self, step_key: str | None) -> None:
        """Called on every read and write: when a new step begins, the ones before it are
        over; the outputs whose readers all succeeded are released (a failed step's
        inputs stay, for its re-execution)."""
        if step_key == self.current:
            return
        self.current = step_key
        if not self.finished:
            return
        failed = self.failed_steps()
        for step in self.finished:
            if step in failed:
                continue
            for handle, readers in self.consumers.items():
                readers.discard(step)
                if not readers and handle in self.stored:
                    self.held.pop(self.stored.pop(handle), None)
        self.finished = [s for s in self.finished if s in failed]

    @property
    def base(self) -> Path:
        return run_storage(self.root, self.run_id)

    def handle_output(self, context: OutputContext, obj: object) -> None:
        if obj is None:
            return
        key = _output_key(context)
        if self.in_memory:
            self._step(context.step_key)
            self.held[key] = obj
            handle = (context.step_key, context.name)
            if self.consumers.get(handle):
                self.stored[handle] = key
            if context.step_key not in self.finished:
                self.finished.append(context.step_key)
        else:
            _write_private(self.base, key, obj)

    def load_input(self, context: InputContext) -> object:
        if self.in_memory:
            self._step(context.step_context.step.key)
        key = _output_key(context)
        upstream = context.upstream_output
        source = (upstream.run_id if upstream is not None else None) or self.run_id
        if source == self.run_id and key in self.held:
            obj = self.held[key]
            # A shallow copy (copy-on-write in pandas 3): a step that adds a column to its
            # input cannot change what the next step reads, as with a fresh unpickled copy.
            return obj.copy(deep=False) if isinstance(obj, pd.DataFrame | pd.Series) else obj
        path = run_storage(self.root, source).joinpath(*key)
        if not path.is_file():
            name = context.asset_key.to_user_string() if context.has_asset_key else context.name
            raise FileNotFoundError(
                f"the output of {name} is not in the step storage of run {source} (a successful "
                f"run keeps none, a failed one keeps its outputs for {KEEP_DAYS} days); "
                "materialise it in the same run"
            )
        with path.open("rb") as fh:
            return pickle.load(fh)

    def spill(self) -> None:
        """Write every output held in memory to the run's directory (for its re-execution)."""
        for key, obj in self.held.items():
            _write_private(self.base, key, obj)
        self.held.clear()


def _consumers(instance: DagsterInstance, run) -> dict[tuple[str, str], set[str]]:
    """(step, output) -> the steps of the run's plan that read it."""
    snapshot_id = getattr(run, "execution_plan_snapshot_id", None)
    plan = instance.get_execution_plan_snapshot(snapshot_id) if snapshot_id else None
    readers: dict[tuple[str, str], set[str]] = {}
    for step in plan.steps if plan is not None else []:
        for step_input in step.inputs:
            for handle in step_input.upstream_output_handles:
                readers.setdefault((handle.step_key, handle.output_name), set()).add(step.key)
    return readers


def _failed_steps(instance: DagsterInstance, run_id: str) -> set[str]:
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE)
    return {r.event_log_entry.step_key for r in records.records}


def run_failed(instance: DagsterInstance, run_id: str) -> bool:
    """Whether a step of the run has failed (its outputs are then needed to re-execute it)."""
    records = instance.get_records_for_run(run_id, of_type=DagsterEventType.STEP_FAILURE, limit=1)
    return bool(records.records)


def remove_lineage(instance: DagsterInstance, root: Path, run_id: str) -> None:
    """Remove the run's directory and those of the runs it re-executes (its parents')."""
    seen: set[str] = set()
    current: str | None = run_id
    while current and current not in seen:
        seen.add(current)
        shutil.rmtree(run_storage(root, current), ignore_errors=True)
        run = instance.get_run_by_id(current)
        current = run.parent_run_id if run is not None else None


def remove_stale(root: Path, keep_days: float = KEEP_DAYS, now: float | None = None) -> list[str]:
    """Remove run directories last written more than `keep_days` ago; their run ids."""
    parent = Path(root) / STEP_OUTPUTS
    if not parent.is_dir():
        return []
    limit = (time.time() if now is None else now) - keep_days * 86400
    removed = []
    for run_dir in parent.iterdir():
        if run_dir.is_dir() and run_dir.stat().st_mtime < limit:
            shutil.rmtree(run_dir, ignore_errors=True)
            removed.append(run_dir.name)
    return removed


@io_manager(
    config_schema={"base_dir": Field(str, is_required=False)},
    description=(
        "Step outputs in memory within one process; on disk (private 0700/0600, per run) "
        f"across processes and for a failed run's re-execution, removed when the run or its "
        f"re-execution succeeds, or after {KEEP_DAYS} days."
    ),
)
def run_scoped_io_manager(init_context: InitResourceContext) -> Iterator[IOManager]:
    """`base_dir` (default: the instance's storage directory) holds `tillvaxt_step_outputs/`;
    Kubernetes sets it to the shared data volume (`pipelines/definitions_k8s.py`)."""
    root = Path(
        (init_context.resource_config or {}).get("base_dir")
        or init_context.instance.storage_directory()
    )
    run = init_context.dagster_run
    multiprocess = run is not None and run.job_name in MULTIPROCESS_JOBS
    if not multiprocess:
        remove_stale(root)
    _private_dir(root / STEP_OUTPUTS)
    instance = init_context.instance
    manager = RunScopedIOManager(
        root,
        init_context.run_id,
        in_memory=not multiprocess,
        consumers=_consumers(instance, run) if run is not None and not multiprocess else None,
        failed_steps=lambda: _failed_steps(instance, init_context.run_id),
    )
    try:
        yield manager
    except BaseException:  # interrupted (or torn down by an error): keep what was computed
        manager.spill()
        raise
    if multiprocess:
        return
    if run_failed(init_context.instance, init_context.run_id):
        manager.spill()
    else:
        manager.held.clear()
        remove_lineage(init_context.instance, root, init_context.run_id)


def delete_step_outputs_sensor(
    status: DagsterRunStatus, base_dir: str | None = None
) -> SensorDefinition:
    """A sensor that deletes a multiprocess run's step outputs (and its parents') once it
    reached `status`."""

    @run_status_sensor(
        name=f"delete_step_outputs_{status.value.lower()}",
        run_status=status,
        description="Deletes a finished run's step outputs (they hold organisation numbers in clear).",
    )
    def _delete(context: RunStatusSensorContext) -> None:
        root = Path(base_dir or context.instance.storage_directory())
        remove_lineage(context.instance, root, context.dagster_run.run_id)
        remove_stale(root)

    return _delete


def delete_step_outputs_sensors(base_dir: str | None = None) -> list[SensorDefinition]:
    """One sensor per way a run can end for good: success and cancellation. A failed run's
    outputs stay for its re-execution (and are removed after `KEEP_DAYS`)."""
    return [
        delete_step_outputs_sensor(s, base_dir)
        for s in (DagsterRunStatus.SUCCESS, DagsterRunStatus.CANCELED)
    ]
