"""Period close as Dagster jobs: certify a year, reopen a year (the year is run config);
and `tillvaxt review-restatement`, which records a review of a year's restatements.

All act on the warehouse only: certifying freezes what is published now, so the
figures frozen are exactly the figures the report was written from.
"""

import argparse
import sys

import sqlalchemy as sa
from dagster import (
    Config,
    Failure,
    GraphDefinition,
    JobDefinition,
    OpExecutionContext,
    PartitionsDefinition,
    in_process_executor,
    op,
)

from assets.published import PUBLISHED_TABLES
from assets.resources import TillvaxtSettings
from tillvaxt.close.certify import CloseError, certify_year, reopen_year, review_year
from tillvaxt.close.opendata import open_data_name
from tillvaxt.provenance import code_version, input_hashes
from tillvaxt.publish import fileset
from tillvaxt.publish.lock import RunLocked, run_lock
from tillvaxt.publish.publisher import last_publication
from tillvaxt.rerun import forget_last_run

CERTIFY_JOB = "certify_year"
REOPEN_JOB = "reopen_year"


class YearConfig(Config):
    """The budget year to act on, e.g. 2017."""

    year: int


@op(
    description="Freeze the year's rows of every published table, with input hashes and code version."
)
def certify(context: OpExecutionContext, config: YearConfig, settings: TillvaxtSettings) -> dict:
    try:
        with settings.warehouse() as warehouse:
            frozen = certify_year(
                warehouse.engine,
                config.year,
                list(PUBLISHED_TABLES),
                input_hashes(settings.raw_path),
                code_version(),
                open_data=_published_open_data(warehouse.engine, settings, config.year),
            )
    except CloseError as exc:
        raise Failure(description=str(exc), allow_retries=False) from exc
    context.log.info(f"certified {config.year}: {frozen}")
    context.add_output_metadata(
        {"year": config.year, **{f"rows_{t}": n for t, n in frozen.items()}}
    )
    return frozen


@op(
    description="Reopen a certified year: delete its snapshot (logged), so runs publish it as computed."
)
def reopen(context: OpExecutionContext, config: YearConfig, settings: TillvaxtSettings) -> None:
    try:
        with settings.warehouse() as warehouse:
            reopen_year(warehouse.engine, config.year, code_version())
    except CloseError as exc:
        raise Failure(description=str(exc), allow_retries=False) from exc
    context.log.info(f"reopened {config.year}")


def _published_open_data(engine: sa.Engine, settings: TillvaxtSettings, year: int) -> str | None:
    """The year's 360Giving JSON of the warehouse's last publication (the one being frozen)."""
    run = last_publication(engine)
    if run is None:
        return None
    path = fileset.run_dir(settings.processed_path, run) / open_data_name(year)
    return path.read_text(encoding="utf-8") if path.is_file() else None


CLOSE_DESCRIPTIONS = {
    CERTIFY_JOB: "Certify a year (run config: ops.certify.config.year). Its published figures are frozen; later changes become restatements.",
    REOPEN_JOB: "Reopen a certified year (run config: ops.reopen.config.year). Explicit and logged in certification_log.",
}


def close_jobs(regions: PartitionsDefinition | None) -> list[JobDefinition]:
    """`certify_year` and `reopen_year`; with regions partitioned, so a run acts on one region."""
    return [
        GraphDefinition(name=name, node_defs=[step]).to_job(
            executor_def=in_process_executor,
            partitions_def=regions,
            description=CLOSE_DESCRIPTIONS[name],
        )
        for name, step in ((CERTIFY_JOB, certify), (REOPEN_JOB, reopen))
    ]


def year_run_config(job_name: str, year: int) -> dict:
    """The run config that gives a close job its year."""
    op_name = "certify" if job_name == CERTIFY_JOB else "reopen"
    return {"ops": {op_name: {"config": {"year": year}}}}


def review_restatement(args: argparse.Namespace, settings: TillvaxtSettings) -> int:
    """`tillvaxt review-restatement --year Y --by NAME --note TEXT`: record the review.

    Not a Dagster job: it changes no asset, only the record the restatement check reads
    on the next run (which is therefore not skipped as unchanged)."""
    if settings.region_keys() is not None:
        if not args.region:
            print(
                "tillvaxt: review-restatement needs --region in a national deployment",
                file=sys.stderr,
            )
            return 2
        settings = settings.for_region(args.region)
    processed = settings.processed_path
    try:
        with run_lock(processed), settings.warehouse() as warehouse:
            reviewed = review_year(warehouse.engine, args.year, args.by, args.note)
            forget_last_run(processed)
    except (CloseError, RunLocked) as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 3 if isinstance(exc, RunLocked) else 1
    print(
        f"tillvaxt: recorded the review of {reviewed} restatement(s) of {args.year}; "
        "the next run's restatement check passes for them."
    )
    return 0
