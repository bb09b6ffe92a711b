"""Schedules: the nightly run, at 02:00 Swedish time (summer and winter), one run per region."""

from __future__ import annotations

from dagster import (
    DefaultScheduleStatus,
    PartitionsDefinition,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    schedule,
)


def region_keys(regions: PartitionsDefinition | None) -> list[str | None]:
    """The partitions to run: every region, or the one unpartitioned run (None)."""
    return list(regions.get_partition_keys()) if regions is not None else [None]


def nightly_schedule(job, regions: PartitionsDefinition | None) -> ScheduleDefinition:
    """`nightly`: rebuild everything from the raw exports, one run per region."""

    @schedule(
        name="nightly",
        job=job,
        cron_schedule="0 2 * * *",
        execution_timezone="Europe/Stockholm",
        default_status=DefaultScheduleStatus.RUNNING,
        description="Rebuild every table from the raw exports each night at 02:00 Europe/Stockholm (one run per region).",
    )
    def _nightly(context: ScheduleEvaluationContext) -> list[RunRequest]:
        stamp = context.scheduled_execution_time.isoformat()
        return [
            RunRequest(run_key=f"{stamp}-{key}" if key else stamp, partition_key=key)
            for key in region_keys(regions)
        ]

    return _nightly
