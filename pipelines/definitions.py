"""The Dagster definitions: every asset, check, job, schedule and resource of tillvaxt.

`dagster dev` (through `workspace.yaml`) and the `tillvaxt` command both load `defs`.
"""

from __future__ import annotations

from dagster import Definitions, load_asset_checks_from_modules, load_assets_from_modules

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
from pipelines.resources import settings_from_env
from pipelines.schedules import nightly_schedule
from pipelines.sensors import raw_files_changed

_modules = [ingest, validated, reconciled, findings, statistics, priorities, reports]

defs = Definitions(
    assets=with_operational_attributes(
        [*load_assets_from_modules(_modules), *published.published_assets]
    ),
    asset_checks=load_asset_checks_from_modules(_modules),
    jobs=[pipeline_job, certify_year_job, reopen_year_job],
    schedules=[nightly_schedule],
    sensors=[raw_files_changed],
    resources={"settings": settings_from_env()},
)
