"""The definitions for Kubernetes: as `pipelines.definitions`, but each step of a
region's run in its own pod (`dagster-k8s`'s `k8s_job_executor`).

The Helm chart's user deployment loads this module (`deploy/k8s/values.yaml`); the run
launcher (`K8sRunLauncher`) starts each run as a Kubernetes Job, so regions run side by
side as runs and their steps side by side as pods. Pod settings (image, env, secrets,
volumes) come from the run launcher's configuration in the instance, which the
executor inherits; here only how many steps of one run may run at once, and where
steps hand their outputs to each other: pods share no disk but the data volume, so
the pickled step outputs go there (`<processed>/.step_outputs/tillvaxt_step_outputs/<run id>/`,
0700/0600, deleted by the `delete_step_outputs_*` sensors when the run succeeds or is
cancelled; a failed run's are kept for its re-execution, 7 days at most) rather than
under each pod's own `DAGSTER_HOME`.
"""

from __future__ import annotations

from dagster import Definitions, definitions
from dagster_k8s import k8s_job_executor

from pipelines.definitions import build_definitions
from pipelines.jobs import MAX_CONCURRENT_STEPS
from pipelines.settings import settings_from_env

K8S_EXECUTOR = k8s_job_executor.configured({"max_concurrent": MAX_CONCURRENT_STEPS})


@definitions
def defs() -> Definitions:
    """The environment's settings, each region's steps in pods, outputs on the data volume."""
    settings = settings_from_env()
    return build_definitions(
        settings,
        parallel_executor=K8S_EXECUTOR,
        step_outputs_dir=f"{settings.processed_dir}/.step_outputs",
    )
