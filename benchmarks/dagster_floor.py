"""Dagster's own floor for the sample run: an in-process job of 27 no-op assets.

Same shape as `tillvaxt_pipeline` (27 steps, in-process executor, the CLI's instance
and step storage), but every step returns at once, so what it costs is what no code of
ours can remove: the run's start, the events Dagster stores per step and the run's end.

    uv run python benchmarks/dagster_floor.py [--steps 27] [--repeat 3]

Prints seconds for the import, the definitions, the instance and the run (best of
`--repeat`), and the run's cost per step.
"""

from __future__ import annotations

import argparse
import time

T0 = time.perf_counter()
import dagster as dg  # noqa: E402

IMPORTED = time.perf_counter() - T0


# The CLI's console log level: Dagster's own log lines are not printed.
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def _assets(steps: int) -> list[dg.AssetsDefinition]:
    """A chain of `steps` assets, each reading the one before (so each loads an input)."""
    out = []
    for i in range(steps):
        deps = {"up": dg.AssetIn(f"a{i - 1}")} if i else {}

        @dg.asset(name=f"a{i}", ins=deps)
        def _noop(**kwargs) -> int:
            return 0

        out.append(_noop)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=27)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--io", choices=("ours", "mem"), default="ours")
    args = parser.parse_args()
    from pipelines.cli import _instance
    from pipelines.run_history import quick_local_history
    from pipelines.settings import dagster_home
    from pipelines.step_storage import run_scoped_io_manager

    started = time.perf_counter()
    io = run_scoped_io_manager if args.io == "ours" else dg.mem_io_manager
    job = dg.Definitions(
        assets=_assets(args.steps),
        jobs=[dg.define_asset_job("floor", executor_def=dg.in_process_executor)],
        resources={"io_manager": io},
    ).resolve_job_def("floor")
    defs_s = time.perf_counter() - started
    runs, instances = [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        with quick_local_history(dagster_home()), _instance() as instance:
            instances.append(time.perf_counter() - started)
            started = time.perf_counter()
            result = job.execute_in_process(instance=instance, run_config=QUIET)
            runs.append(time.perf_counter() - started)
            assert result.success
    run_s = min(runs)
    print(
        f"import dagster {IMPORTED:.2f} s, definitions {defs_s:.2f} s, "
        f"instance {min(instances):.2f} s (first {instances[0]:.2f} s), "
        f"run of {args.steps} no-op steps {run_s:.2f} s (first {runs[0]:.2f} s): "
        f"{1000 * run_s / args.steps:.0f} ms a step"
    )


if __name__ == "__main__":
    main()
