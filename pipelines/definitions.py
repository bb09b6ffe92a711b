"""The Dagster definitions: every asset, check, job, schedule and resource of tillvaxt.

`dagster dev` (through `workspace.yaml`) and the `tillvaxt` command both load `defs`.
With `TILLVAXT_REGIONS_ROOT` set (a national deployment) the assets are partitioned
by region and the job `tillvaxt_national` is added; `nightly` and `raw_files_changed`
then start one run per region (`pipelines/national.py`).
"""

from __future__ import annotations

from dagster import (
    Definitions,
    ExecutorDefinition,
    load_asset_checks_from_modules,
    load_assets_from_modules,
)

from assets import (
    findings,
    ingest,
    priorities,
    published,
    reconciled,
    reports,
    statistics,
    validated,
)
from pipelines.attributes import with_operational_attributes
from pipelines.close import certify_year_job, reopen_year_job
from pipelines.jobs import pipeline_job
from pipelines.national import (
    LOCAL_EXECUTOR,
    national_job,
    national_nightly,
    national_raw_files_changed,
)
from pipelines.partitions import REGIONS
from pipelines.resources import settings_from_env
from pipelines.schedules import nightly_schedule
from pipelines.sensors import raw_files_changed
from pipelines.step_storage import delete_step_outputs_sensors, run_scoped_io_manager

_modules = [ingest, validated, reconciled, findings, statistics, priorities, reports]


def build_definitions(
    national_executor: ExecutorDefinition = LOCAL_EXECUTOR,
    step_io: dict | None = None,
    step_outputs_dir: str | None = None,
) -> Definitions:
    """The definitions; `national_executor` runs a region's steps, `step_outputs_dir`
    is where they hand their outputs on (default: the instance's storage; both for
    Kubernetes: definitions_k8s), `step_io` replaces that IO manager altogether."""
    io = run_scoped_io_manager
    if step_outputs_dir:
        io = run_scoped_io_manager.configured({"base_dir": step_outputs_dir})
    jobs = [pipeline_job, certify_year_job, reopen_year_job]
    schedules = [nightly_schedule]
    sensors = [raw_files_changed]
    if REGIONS is not None:
        national = national_job(REGIONS, national_executor)
        jobs.append(national)
        schedules = [national_nightly(national, REGIONS)]
        sensors = [
            national_raw_files_changed(national, REGIONS),
            *delete_step_outputs_sensors(step_outputs_dir),
        ]
    return Definitions(
        assets=with_operational_attributes(
            [*load_assets_from_modules(_modules), *published.published_assets]
        ),
        asset_checks=load_asset_checks_from_modules(_modules),
        jobs=jobs,
        schedules=schedules,
        sensors=sensors,
        resources={
            "settings": settings_from_env(),
            "io_manager": io,
            **(step_io or {}),
        },
    )


defs = build_definitions()
