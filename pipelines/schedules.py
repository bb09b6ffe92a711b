"""Schedules: the nightly run, at 02:00 Swedish time (summer and winter)."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from pipelines.jobs import pipeline_job

nightly_schedule = ScheduleDefinition(
    name="nightly",
    job=pipeline_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Stockholm",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Rebuild every table from the raw exports each night at 02:00 Europe/Stockholm.",
)
