"""Where a run's steps hand their outputs to each other, and for how long.

Intermediate frames hold organisation numbers in clear (sole traders' among them: a
personal identity number), so they live only while their run does: in
`<DAGSTER_HOME>/storage/tillvaxt_step_outputs/<run_id>/`, created 0700 with files
0600, and deleted when the run ends. One directory per run also means a partitioned
(national) run and a single-region run can never meet in one storage path.

The directory is deleted when the run's resources are torn down, which for the
in-process executor (`tillvaxt_pipeline`, the CLI) is once, at the end of the run.
A multiprocess run (`tillvaxt_national`) tears resources down after every step, so
there the directory is kept until the run ends and `delete_step_outputs` (a run
status sensor) removes it. The price: a step cannot be re-executed alone from an
earlier run's outputs; run the job.
"""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

from dagster import (
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


def run_storage(storage_dir: str | Path, run_id: str) -> Path:
    """The run's private directory under the instance's storage."""
    return Path(storage_dir) / STEP_OUTPUTS / run_id


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)


class RunScopedPickleIOManager(IOManager):
    """Pickles each output under the run's private directory, files 0600."""

    def __init__(self, base: Path) -> None:
        self.base = base

    def _path(self, context: OutputContext | InputContext) -> Path:
        key = context.asset_key.path if context.has_asset_key else [context.step_key, context.name]
        partition = None
        if isinstance(context, OutputContext) and context.has_partition_key:
            partition = context.partition_key
        elif isinstance(context, InputContext) and context.has_asset_partitions:
            partition = context.asset_partition_key
        return self.base.joinpath(*key, f"{partition or '__all__'}.pkl")

    def handle_output(self, context: OutputContext, obj: object) -> None:
        if obj is None:
            return
        path = self._path(context)
        for parent in reversed(path.relative_to(self.base.parent).parents[:-1]):
            _private_dir(self.base.parent / parent)
        _private_dir(path.parent)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)

    def load_input(self, context: InputContext) -> object:
        path = self._path(context)
        if not path.is_file():
            raise FileNotFoundError(
                f"the output of {context.asset_key.to_user_string() if context.has_asset_key else context.name} "
                "is not in this run's step storage (step outputs last only as long as their run); "
                "materialise it in the same run"
            )
        with path.open("rb") as fh:
            return pickle.load(fh)


@io_manager(
    config_schema={"base_dir": Field(str, is_required=False)},
    description="Step outputs in a private (0700/0600) directory per run, deleted when the run ends.",
)
def run_scoped_io_manager(init_context: InitResourceContext) -> Iterator[IOManager]:
    """`base_dir` (default: the instance's storage directory) holds `tillvaxt_step_outputs/`;
    Kubernetes sets it to the shared data volume (`pipelines/definitions_k8s.py`)."""
    root = (init_context.resource_config or {}).get(
        "base_dir"
    ) or init_context.instance.storage_directory()
    base = run_storage(root, init_context.run_id)
    _private_dir(base.parent)
    _private_dir(base)
    try:
        yield RunScopedPickleIOManager(base)
    finally:
        run = init_context.dagster_run
        if run is None or run.job_name not in MULTIPROCESS_JOBS:
            shutil.rmtree(base, ignore_errors=True)


def delete_step_outputs_sensor(
    status: DagsterRunStatus, base_dir: str | None = None
) -> SensorDefinition:
    """A sensor that deletes a multiprocess run's step outputs once it reached `status`."""

    @run_status_sensor(
        name=f"delete_step_outputs_{status.value.lower()}",
        run_status=status,
        description="Deletes a finished run's step outputs (they hold organisation numbers in clear).",
    )
    def _delete(context: RunStatusSensorContext) -> None:
        root = base_dir or context.instance.storage_directory()
        shutil.rmtree(run_storage(root, context.dagster_run.run_id), ignore_errors=True)

    return _delete


def delete_step_outputs_sensors(base_dir: str | None = None) -> list[SensorDefinition]:
    """One sensor per way a run can end: success, failure, cancellation."""
    return [
        delete_step_outputs_sensor(s, base_dir)
        for s in (DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED)
    ]
