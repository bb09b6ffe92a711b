"""Run inside a subprocess by tests/test_national.py: load the definitions with the
environment the test gives (TILLVAXT_REGIONS_ROOT ...) and run each region's partition.

A subprocess because the partitions are read with the code, at import: the test
process has already imported the single-region definitions.

    python -m tests.national_driver REGION [REGION ...]

prints one JSON line: the partitions and jobs seen and each run's success.
"""

from __future__ import annotations

import json
import sys

from dagster import DagsterInstance

from pipelines.definitions import defs
from pipelines.national import NATIONAL_JOB


def main(regions: list[str]) -> None:
    job = defs.resolve_job_def(NATIONAL_JOB)
    results = {}
    with DagsterInstance.ephemeral() as instance:
        for region in regions:
            result = job.execute_in_process(
                instance=instance, partition_key=region, raise_on_error=False
            )
            results[region] = result.success
    print(
        json.dumps(
            {
                "partitions": job.partitions_def.get_partition_keys(),
                "jobs": sorted(j.name for j in defs.resolve_all_job_defs()),
                "executor": job.executor_def.name,
                "success": results,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1:])
