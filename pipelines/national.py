"""The national deployment: one run per region, the regions side by side.

Only built when `TILLVAXT_REGIONS_ROOT` is set (`REGIONS` is not None); a single
region keeps `tillvaxt_pipeline`, the nightly schedule and the sensor as they are.

Parallelism comes from Dagster's own engines at two levels:

- **regions**: a backfill (or the nightly schedule) starts one run per region
  partition; the run queue runs several at once (`deploy/k8s/`: up to 4, at most one
  per region, by the tag `dagster/partition`). Regions share nothing (own raw tree,
  output folder and warehouse), so they cannot race.
- **steps**: `tillvaxt_national` runs each region's steps with the multiprocess
  executor locally (`max_concurrent` 4), and with `dagster-k8s`'s `k8s_job_executor`
  (a pod per step) in `pipelines/definitions_k8s.py`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    ExecutorDefinition,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    StaticPartitionsDefinition,
    define_asset_job,
    multiprocess_executor,
    schedule,
    sensor,
)

from pipelines.resources import TillvaxtSettings
from pipelines.schedules import nightly_schedule
from pipelines.sensors import (
    MINIMUM_INTERVAL_SECONDS,
    changed_files,
    parse_cursor,
    raw_tree_state,
    state_digest,
)

if TYPE_CHECKING:  # what define_asset_job returns; not exported at dagster's top level
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

NATIONAL_JOB = "tillvaxt_national"
MAX_CONCURRENT_STEPS = 4
# Each step runs in a process forked from a forkserver that has imported the code
# once: a freshly spawned process re-imports dagster, pandas, scipy and the
# definitions for every step (~10 s of CPU each here), which cost more than the steps.
LOCAL_EXECUTOR = multiprocess_executor.configured(
    {
        "max_concurrent": MAX_CONCURRENT_STEPS,
        "start_method": {"forkserver": {"preload_modules": ["pipelines.definitions"]}},
    }
)


def national_job(
    regions: StaticPartitionsDefinition, executor_def: ExecutorDefinition = LOCAL_EXECUTOR
) -> UnresolvedAssetJobDefinition:
    """Every asset of one region (partition); run all regions with a backfill."""
    return define_asset_job(
        NATIONAL_JOB,
        selection=AssetSelection.all(),
        partitions_def=regions,
        executor_def=executor_def,
        # As tillvaxt_pipeline: rerun a crashed worker, not a deterministic failure.
        run_tags={"dagster/max_retries": "2", "dagster/retry_on_asset_or_op_failure": "false"},
        description=(
            "Ingest, validate, reconcile and publish one region (partition) of the national "
            "root, its steps in parallel. A backfill over all partitions runs every region."
        ),
    )


def region_state(state: dict[str, str], region_id: str) -> dict[str, str]:
    """The part of a national tree state (paths `<region>/...`) that is one region's."""
    prefix = f"{region_id}/"
    return {p: h for p, h in state.items() if p.startswith(prefix)}


def changed_regions(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The regions with a file new, changed or removed between two national tree states."""
    return sorted({p.split("/", 1)[0] for p in changed_files(before, after) if "/" in p})


def national_nightly(
    job: UnresolvedAssetJobDefinition, regions: StaticPartitionsDefinition
) -> ScheduleDefinition:
    """`nightly` for the nation: one run per region at 02:00 Europe/Stockholm."""

    @schedule(
        name=nightly_schedule.name,
        job=job,
        cron_schedule=nightly_schedule.cron_schedule,
        execution_timezone=nightly_schedule.execution_timezone,
        default_status=DefaultScheduleStatus.RUNNING,
        description="Rebuild every region's tables each night at 02:00 Europe/Stockholm, one run per region.",
    )
    def _nightly(context: ScheduleEvaluationContext) -> list[RunRequest]:
        stamp = context.scheduled_execution_time.isoformat()
        return [
            RunRequest(run_key=f"{stamp}-{key}", partition_key=key)
            for key in regions.get_partition_keys()
        ]

    return _nightly


def national_raw_files_changed(
    job: UnresolvedAssetJobDefinition, regions: StaticPartitionsDefinition
) -> SensorDefinition:
    """`raw_files_changed` for the nation: a run for each region whose raw tree changed.

    The same content hashing and cursor as the single-region sensor
    (`pipelines/sensors.py`), over the whole root; the run key of a region is derived
    from that region's previous and new state.
    """

    @sensor(
        name="raw_files_changed",
        job=job,
        minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Starts a region's run when a file under its raw tree is new, changed or removed "
            "(by SHA-256 of its content)."
        ),
    )
    def _raw_files_changed(
        context: SensorEvaluationContext, settings: TillvaxtSettings
    ) -> SensorResult | SkipReason:
        root = Path(settings.regions_root)
        before = parse_cursor(context.cursor)
        after = raw_tree_state(root)
        known = set(regions.get_partition_keys())
        changed = [r for r in changed_regions(before, after) if r in known]
        if not changed:
            return SkipReason(f"no change under {root} ({len(after)} files)")
        context.log.info(f"raw files new, changed or removed in: {', '.join(changed)}")
        return SensorResult(
            run_requests=[
                RunRequest(
                    run_key=state_digest(
                        {
                            "region": region,
                            "before": state_digest(region_state(before, region)),
                            "after": state_digest(region_state(after, region)),
                        }
                    ),
                    partition_key=region,
                )
                for region in changed
            ],
            cursor=json.dumps(after, sort_keys=True),
        )

    return _raw_files_changed
