"""Benchmark: the whole pipeline against a DuckDB SQL reference on N generated payouts.

    uv run python benchmarks/run.py --payouts 100000 [--profile prof.html] [--keep DIR]

Generates N payouts and N/10 decisions in the raw-spec shape (benchmarks/generate.py),
runs the Dagster job in this process with the in-process executor (as the CLI does,
intermediate frames handed over in memory by the run-scoped IO manager), then the reference on
the same files in the same process (benchmarks/reference.py), checks that both give
the same appropriation chain, and times a sensor tick on the unchanged tree (what a
rerun with unchanged inputs costs: the sensor sees no change and starts no run).

Prints seconds per step and peak RSS per phase; the last line is a JSON object with
`payouts`, `pipeline_s`, `duckdb_s`, `ratio` (= pipeline_s / duckdb_s), `core_s` (the
steps in CORE_STEPS, which do what the reference does), `core_ratio` (= core_s /
duckdb_s) and `peak_rss_mb`, and `pipeline_cpu_s` (this process's CPU seconds in the
job) with `load_before` (the 1-minute load average before it): on a shared machine the
CPU seconds vary far less than the wall seconds.
Peak RSS is measured per phase by resetting the kernel's high-water mark
(`/proc/self/clear_refs`) after generating the data, so the generator's memory is
not counted; `peak_rss_mb` is the larger of the two phases.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from generate import generate  # noqa: E402
from reference import run_reference  # noqa: E402

# The steps doing the reference's own work: reading the exports, decisions and
# appropriations, typing and validating them (the payout step also merges the
# overlapping exports by voucher), the appropriation chain, and the payout-decision
# matching (payout_exceptions runs every rule, the reference's five among them).
CORE_STEPS = (
    "raw_payouts",
    "raw_decisions",
    "raw_appropriations",
    "payouts",
    "decisions",
    "appropriations",
    "appropriation_reconciliation",
    "payout_exceptions",
)


def reset_peak_rss() -> bool:
    """Reset this process's peak-RSS mark (Linux); False where the kernel does not allow it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_rss_mb() -> float:
    """Peak resident set size since the last reset (VmHWM), else since the process started."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pipeline(
    raw: Path, out: Path, profile: Path | None, in_memory: bool = False
) -> tuple[float, float, dict[str, float], object]:
    """The job in process; returns wall seconds, CPU seconds of this process (less
    sensitive than wall time to other jobs on a shared machine), seconds per step, and
    the result."""
    from dagster import DagsterInstance, mem_io_manager

    from assets.resources import TillvaxtSettings
    from pipelines.definitions import build_definitions
    from pipelines.jobs import PIPELINE_JOB

    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    job = build_definitions(settings).resolve_job_def(PIPELINE_JOB)
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.005)
        profiler.start()
    with DagsterInstance.ephemeral() as instance:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = job.execute_in_process(
            instance=instance,
            resources={
                "settings": settings,
                **({"io_manager": mem_io_manager} if in_memory else {}),
            },
            run_config=quiet,
            raise_on_error=False,
        )
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
    if profiler:
        profiler.stop()
        profile.write_text(
            profiler.output_html() if profile.suffix == ".html" else profiler.output_text()
        )
    steps = {
        e.step_key: e.event_specific_data.duration_ms / 1000
        for e in result.all_events
        if e.is_step_success
    }
    return elapsed, cpu, steps, result


def unchanged_tick_seconds(raw: Path, out: Path) -> tuple[float, str]:
    """A sensor tick on the tree as the last run saw it: hash every file, find no change."""
    from dagster import DagsterInstance, SkipReason, build_sensor_context

    from assets.resources import TillvaxtSettings
    from pipelines.definitions import build_definitions
    from pipelines.sensors import raw_tree_state

    cursor = json.dumps(raw_tree_state(raw), sort_keys=True)
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    raw_files_changed = build_definitions(settings).resolve_sensor_def("raw_files_changed")
    with DagsterInstance.ephemeral() as instance:
        ctx = build_sensor_context(
            instance=instance, cursor=cursor, resources={"settings": settings}
        )
        started = time.perf_counter()
        outcome = raw_files_changed(ctx)
        elapsed = time.perf_counter() - started
    return elapsed, "skipped" if isinstance(outcome, SkipReason) else "requested a run"


def compare(pipeline_recon, reference_recon) -> bool:
    cols = ["year", "appropriation", "opening_balance_ore", "paid_ore", "closing_balance_ore",
            "withdrawn_ore", "carried_over_ore", "status"]  # fmt: skip
    a = pipeline_recon[cols].sort_values(["appropriation", "year"]).reset_index(drop=True)
    b = reference_recon[cols].sort_values(["appropriation", "year"]).reset_index(drop=True)
    return len(a) == len(b) and all(
        [str(x) for x in a[c].tolist()] == [str(x) for x in b[c].tolist()] for c in cols
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payouts", type=int, required=True, help="distinct payouts to generate")
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this directory")
    parser.add_argument(
        "--profile", type=Path, help="profile the pipeline (pyinstrument; .html or .txt)"
    )
    parser.add_argument("--threads", type=int, help="DuckDB threads (default: all cores)")
    parser.add_argument(
        "--in-memory",
        action="store_true",
        help="use Dagster's mem_io_manager instead of the pipeline's own run-scoped one",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tillvaxt-bench-") as tmp:
        work = args.keep or Path(tmp)
        raw, out = work / "raw", work / "out"
        t = time.perf_counter()
        written = generate(raw, args.payouts)
        size_mb = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 2**20
        print(
            f"generated {written} ({size_mb:.0f} MB) in {time.perf_counter() - t:.1f} s", flush=True
        )

        import pipelines.definitions  # noqa: F401 - imports are not the pipeline's work

        gc.collect()
        exact = reset_peak_rss()
        load = os.getloadavg()[0]
        pipeline_s, pipeline_cpu_s, steps, result = run_pipeline(
            raw, out, args.profile, args.in_memory
        )
        pipeline_peak = peak_rss_mb()
        if not result.success:
            print("pipeline failed", file=sys.stderr)
            return 1
        print(
            f"pipeline: {pipeline_s:.2f} s ({pipeline_cpu_s:.2f} s CPU), "
            f"peak RSS {pipeline_peak:.0f} MB, load average before {load:.2f}"
        )
        for step, secs in sorted(steps.items(), key=lambda kv: -kv[1]):
            print(f"  {secs:8.2f} s  {step}{'  (core)' if step in CORE_STEPS else ''}")
        core_s = sum(steps.get(step, 0.0) for step in CORE_STEPS)
        print(f"core steps (the reference's work): {core_s:.2f} s")
        recon = result.output_for_node("appropriation_reconciliation")
        del result
        gc.collect()

        reset_peak_rss()
        t = time.perf_counter()
        ref = run_reference(raw, args.threads)
        duckdb_s = time.perf_counter() - t
        duckdb_peak = peak_rss_mb()
        print(f"duckdb reference: {duckdb_s:.2f} s, peak RSS {duckdb_peak:.0f} MB")
        print(ref["summary"].to_string(index=False))
        print(ref["matching"].to_string(index=False))
        agree = compare(recon, ref["reconciliation"])
        print(f"appropriation chain identical in both: {agree}")

        tick_s, tick = unchanged_tick_seconds(raw, out)
        print(f"unchanged rerun (sensor tick): {tick} in {tick_s:.2f} s")
        if not exact:
            print("note: peak RSS could not be reset; it includes generating the data")

    summary = {
        "payouts": args.payouts,
        "io_manager": "dagster mem_io_manager" if args.in_memory else "run-scoped (memory)",
        "pipeline_s": round(pipeline_s, 2),
        "pipeline_cpu_s": round(pipeline_cpu_s, 2),
        "load_before": round(load, 2),
        "duckdb_s": round(duckdb_s, 2),
        "ratio": round(pipeline_s / duckdb_s, 2),
        "core_s": round(core_s, 2),
        "core_ratio": round(core_s / duckdb_s, 2),
        "peak_rss_mb": round(max(pipeline_peak, duckdb_peak)),
        "pipeline_peak_rss_mb": round(pipeline_peak),
        "duckdb_peak_rss_mb": round(duckdb_peak),
        "unchanged_tick_s": round(tick_s, 2),
        "chains_agree": agree,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
