"""Jobs. The whole pipeline runs in one process: pandas-sized steps lose far more to
the multiprocess executor's per-step re-imports than they gain from parallelism."""

from dagster import AssetSelection, define_asset_job, in_process_executor

PIPELINE_JOB = "tillvaxt_pipeline"

pipeline_job = define_asset_job(
    PIPELINE_JOB,
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Ingest, validate, reconcile and publish everything under the raw directory.",
)
