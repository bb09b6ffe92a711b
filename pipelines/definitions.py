"""The Dagster definitions, built from settings: every asset, check, job, schedule,
sensor and resource of tillvaxt.

`build_definitions(settings)` is the one way in: `dagster dev` (through
`workspace.yaml`, the lazily loaded `defs` below), the `tillvaxt` command and the
tests all call it. One region or many is one code path: with a national root
(`settings.regions_root`) the assets are partitioned by region and the parallel job
`tillvaxt_national` is added; the schedule and the sensor then start one run per region.
"""

from __future__ import annotations

from dagster import Definitions, ExecutorDefinition, StaticPartitionsDefinition, definitions
from dagster import load_assets_from_modules as load

from assets import published, raw, reconciled, statistics, validated
from assets.resources import TillvaxtSettings, secret_value
from pipelines.attributes import with_operational_attributes
from pipelines.close import close_jobs
from pipelines.jobs import LOCAL_EXECUTOR, pipeline_jobs
from pipelines.schedules import nightly_schedule
from pipelines.sensors import raw_files_changed_sensor
from pipelines.settings import settings_from_env
from pipelines.step_storage import delete_step_outputs_sensors, run_scoped_io_manager
from tillvaxt.masking import use_masking_key

# The stages in the order data flows through them; each module's assets form its group.
STAGES = (
    (raw, "ingest"),
    (validated, "validated"),
    (reconciled, "reconciled"),
    (statistics, "statistics"),
    (published, "published"),
)


def region_partitions(settings: TillvaxtSettings) -> StaticPartitionsDefinition | None:
    """One partition per region folder under the national root; None for one region.

    Static rather than dynamic: the set of regions is read when the definitions are
    built, needs no sensor to register them, and a backfill over "all" means every
    folder that is there. A new region is a new folder and a reload, not a code change.
    """
    keys = settings.region_keys()
    return StaticPartitionsDefinition(keys) if keys is not None else None


def build_definitions(
    settings: TillvaxtSettings,
    parallel_executor: ExecutorDefinition = LOCAL_EXECUTOR,
    step_outputs_dir: str | None = None,
) -> Definitions:
    """The definitions for these settings.

    `parallel_executor` runs a region's steps in `tillvaxt_national`, and
    `step_outputs_dir` is where steps hand their outputs on (default: the instance's
    storage); both are for Kubernetes (`pipelines/definitions_k8s.py`).
    """
    # The masking key is handed to the domain once, in every process that loads the code.
    use_masking_key(secret_value(settings.masking_key))
    regions = region_partitions(settings)
    assets = [a for module, group in STAGES for a in load([module], group_name=group)]
    jobs = pipeline_jobs(regions, parallel_executor)
    scheduled = jobs[-1]  # the parallel job when there are regions
    sensors = [raw_files_changed_sensor(scheduled, regions)]
    if regions is not None:
        sensors += delete_step_outputs_sensors(step_outputs_dir)
    io = run_scoped_io_manager
    if step_outputs_dir:
        io = run_scoped_io_manager.configured({"base_dir": step_outputs_dir})
    return Definitions(
        assets=with_operational_attributes(assets, regions),
        jobs=[*jobs, *close_jobs(regions)],
        schedules=[nightly_schedule(scheduled, regions)],
        sensors=sensors,
        resources={"settings": settings, "io_manager": io},
    )


@definitions
def defs() -> Definitions:
    """What `dagster dev` and `dagster job execute -m pipelines.definitions` load: the
    definitions for the environment's settings, built when loaded, not at import."""
    return build_definitions(settings_from_env())
