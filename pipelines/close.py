"""Period close as Dagster jobs: certify a year, reopen a year (the year is run config).

Both act on the warehouse only: certifying freezes what is published now, so the
figures frozen are exactly the figures the report was written from.
"""

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
from tillvaxt.close.certify import CloseError, certify_year, reopen_year
from tillvaxt.provenance import code_version, input_hashes

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
