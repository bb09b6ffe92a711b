"""Jobs. The whole pipeline runs in one process: pandas-sized steps lose far more to
the multiprocess executor's per-step re-imports than they gain from parallelism."""

from dagster import AssetSelection, define_asset_job, in_process_executor

PIPELINE_JOB = "tillvaxt_pipeline"

pipeline_job = define_asset_job(
    PIPELINE_JOB,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    # Run-level retries (the run worker crashed or was killed), honoured when the
    # instance enables `run_retries` (deploy/dagster*.yaml). Failing steps are not rerun
    # whole: the publish steps carry their own retry policy (assets/published.py).
    run_tags={"dagster/max_retries": "2", "dagster/retry_on_asset_or_op_failure": "false"},
    description="Ingest, validate, reconcile and publish everything under the raw directory.",
)
