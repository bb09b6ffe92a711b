"""Jobs: the whole pipeline, for one region or for every region of a national root.

`tillvaxt_pipeline` runs in one process: pandas-sized steps lose far more to the
multiprocess executor's per-step re-imports than they gain from parallelism. With a
national root (the assets partitioned by region) `tillvaxt_national` is added: the same
selection, each region's steps in parallel (the multiprocess executor locally,
`dagster-k8s`'s `k8s_job_executor` in `pipelines/definitions_k8s.py`); the schedule and
the sensor start it, one run per region. Regions share nothing (own raw tree, output
folder and warehouse), so they cannot race; the run queue runs several at once
(`deploy/k8s/`: up to 4, at most one per region, by the tag `dagster/partition`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dagster import (
    AssetSelection,
    ExecutorDefinition,
    PartitionsDefinition,
    define_asset_job,
    in_process_executor,
    multiprocess_executor,
)

if TYPE_CHECKING:  # what define_asset_job returns; not exported at dagster's top level
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

PIPELINE_JOB = "tillvaxt_pipeline"
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
# Run-level retries (the run worker crashed or was killed), honoured when the instance
# enables `run_retries` (deploy/dagster*.yaml). Failing steps are not rerun whole: the
# publish step carries its own retry policy (assets/published.py).
RUN_TAGS = {"dagster/max_retries": "2", "dagster/retry_on_asset_or_op_failure": "false"}


def pipeline_jobs(
    regions: PartitionsDefinition | None,
    parallel_executor: ExecutorDefinition = LOCAL_EXECUTOR,
) -> list[UnresolvedAssetJobDefinition]:
    """The pipeline job; with regions also the parallel one. The last is the one to schedule."""
    variants = [
        (
            PIPELINE_JOB,
            in_process_executor,
            "Ingest, validate, reconcile and publish everything under the raw directory.",
        )
    ]
    if regions is not None:
        variants.append(
            (
                NATIONAL_JOB,
                parallel_executor,
                "Ingest, validate, reconcile and publish one region (partition) of the national "
                "root, its steps in parallel. A backfill over all partitions runs every region.",
            )
        )
    return [
        define_asset_job(
            name,
            selection=AssetSelection.all(),
            partitions_def=regions,
            executor_def=executor,
            run_tags=RUN_TAGS,
            description=description,
        )
        for name, executor, description in variants
    ]
