"""Benchmark: the whole pipeline against a DuckDB SQL reference on N generated payouts.

    uv run python benchmarks/run.py --payouts 100000 [--profile prof.html] [--keep DIR]

Generates N payouts and N/10 decisions in the raw-spec shape (benchmarks/generate.py),
runs the Dagster job in this process with the in-process executor (as the CLI does,
intermediate frames handed over in memory by the run-scoped IO manager), then the reference on
the same files in a process of its own (benchmarks/reference.py; three times, the
quickest counts: its seconds vary by a factor near two between runs), checks that both give
the same appropriation chain, and times a sensor tick on the unchanged tree (what a
rerun with unchanged inputs costs: the sensor sees no change and starts no run).

Prints seconds per step and peak RSS per phase, each step's sampled peak RSS and, for
`publish`, seconds and sampled peak RSS up to each of the publisher's checkpoints (where
the memory goes while it holds its inputs); the last line is a JSON object with
`payouts`, `pipeline_s`, `duckdb_s`, `ratio` (= pipeline_s / duckdb_s), `core_s` (the
steps in CORE_STEPS, which do what the reference does), `core_ratio` (= core_s /
duckdb_s) and `peak_rss_mb`, and `pipeline_cpu_s` (the job's CPU seconds, this process's
and the open-data worker's; `worker_cpu_s` the worker's) with `load_before` (the 1-minute load average before it): on a shared machine the
CPU seconds vary far less than the wall seconds.
Peak RSS is measured by resetting the kernel's high-water mark
(`/proc/self/clear_refs`) after generating the data, so the generator's memory is
not counted; `peak_rss_mb` is the pipeline's: the larger of this process's high-water
mark and the largest sampled sum of this process and its live children (the open-data
worker, whose own peak is `worker_peak_rss_mb`; `process_peak_rss_mb` this process's
alone). `duckdb_runs_s` are the reference's three runs, `duckdb_s` the quickest;
`duckdb_peak_rss_mb` is the largest of their processes' peaks (each a process of its
own, so neither side counts the other's memory).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import json
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from generate import generate  # noqa: E402

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
# The reference runs this many times; `duckdb_s` is its quickest run.
REFERENCE_RUNS = 3


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


def _status_kb(pid: str, field: str) -> int:
    """A `/proc/<pid>/status` field in kB, 0 where the process or /proc is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cmdline(pid: str) -> bytes:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


def _children(pid: str) -> list[str]:
    """The live child processes of `pid` (every thread's), e.g. the report worker, once
    they run their own program: between fork and exec a child still shows the parent's
    pages (and command line), which are not memory of its own."""
    kids: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            kids += (task / "children").read_text().split()
    mine = _cmdline(pid)
    return [kid for kid in kids if _cmdline(kid) not in (mine, b"")]


def rss_mb() -> tuple[float, float]:
    """Current resident set size of this process and of its live children together (the
    open-data worker runs beside the documents), 0 where /proc is not there."""
    me = str(os.getpid())
    return _status_kb(me, "VmRSS:") / 1024, sum(
        _status_kb(pid, "VmRSS:") for pid in _children(me)
    ) / 1024


class RssSampler:
    """RSS sampled every `interval` s in a thread, so the peak of each step (and of each
    phase of the publication, between its `checkpoint`s) can be told apart afterwards
    without resetting the process's one high-water mark."""

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.samples: list[tuple[float, float]] = []  # (time, this process + children)
        self.children_peak = 0.0
        self.marks: list[tuple[float, str]] = []
        self.steps: dict[str, list[float]] = {}  # step -> [started, succeeded]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            mine, children = rss_mb()
            self.children_peak = max(self.children_peak, children)
            self.samples.append((time.time(), mine + children))
            self._stop.wait(self.interval)

    def mark(self, label: str) -> None:
        self.marks.append((time.time(), label))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self, start: float, end: float) -> float:
        inside = [mb for t, mb in self.samples if start <= t <= end]
        before = [mb for t, mb in self.samples if t < start][-1:]
        return max(inside or before or [0.0])


def step_peaks(sampler: RssSampler) -> dict[str, float]:
    """Each step's peak sampled RSS, between its start and success events."""
    return {
        step: sampler.peak(sampler.steps[step][0], sampler.steps[step][1])
        for step in sampler.steps
        if len(sampler.steps[step]) == 2
    }


def publish_phases(sampler: RssSampler) -> list[tuple[str, float, float]]:
    """(phase, seconds, peak RSS MB) from the publish step's start to each checkpoint."""
    if "publish" not in sampler.steps:
        return []
    begun = sampler.steps["publish"][0]
    marks = [(begun, "start"), *((t, m) for t, m in sampler.marks if t >= begun)]
    out = []
    for (t0, _), (t1, label) in itertools.pairwise(marks):
        out.append((label, t1 - t0, sampler.peak(t0, t1)))
    return out


def run_pipeline(
    raw: Path, out: Path, profile: Path | None, in_memory: bool = False
) -> tuple[float, float, dict[str, float], object, RssSampler]:
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
    import tillvaxt.publish.publisher as publisher

    sampler = RssSampler()
    original_checkpoint = publisher.checkpoint

    def checkpoint(step: str) -> None:
        sampler.mark(step)
        original_checkpoint(step)

    publisher.checkpoint = checkpoint
    import assets._reports as reports

    def marked(name: str, label: str):
        original = getattr(reports, name)

        def call(*args, **kwargs):
            out = original(*args, **kwargs)
            sampler.mark(label)
            return out

        return original, call

    patched = {
        name: marked(name, label)
        for name, label in [
            ("_documents", "reports: workbooks, HTML, Word (a 360Giving worker beside them)"),
        ]
    }
    for name, (_, call) in patched.items():
        setattr(reports, name, call)
    with DagsterInstance.ephemeral() as instance, sampler:
        started, cpu_started, kids = time.perf_counter(), time.process_time(), _children_cpu()
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
        worker_cpu = _children_cpu() - kids
        cpu = time.process_time() - cpu_started + worker_cpu
        for entry in instance.all_logs(result.run_id):
            event = entry.dagster_event
            if event is not None and (event.is_step_start or event.is_step_success):
                sampler.steps.setdefault(event.step_key, []).append(entry.timestamp)
    publisher.checkpoint = original_checkpoint
    for name, (original, _) in patched.items():
        setattr(reports, name, original)
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
    return elapsed, cpu, worker_cpu, steps, result, sampler


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the open-data worker)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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


def reference_in_subprocess(raw: Path, work: Path, threads: int | None) -> dict:
    """The DuckDB reference run by `reference.py` in a fresh interpreter: its seconds
    (the queries only, DuckDB imported before the clock starts) and its own peak RSS."""
    import pickle
    import subprocess

    out = work / "reference.pkl"
    cmd = [sys.executable, str(HERE / "reference.py"), str(raw), str(out)]
    subprocess.run([*cmd, *([str(threads)] if threads else [])], check=True)
    try:
        return pickle.loads(out.read_bytes())
    finally:
        out.unlink()


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
        pipeline_s, pipeline_cpu_s, worker_cpu_s, steps, result, sampler = run_pipeline(
            raw, out, args.profile, args.in_memory
        )
        process_peak = peak_rss_mb()
        # The worker's sampled peak (a child's ru_maxrss would count the parent's pages
        # it had between fork and exec), and the largest sampled sum with this process.
        worker_peak = sampler.children_peak
        pipeline_peak = max(process_peak, max((mb for _, mb in sampler.samples), default=0.0))
        if not result.success:
            print("pipeline failed", file=sys.stderr)
            return 1
        print(
            f"pipeline: {pipeline_s:.2f} s ({pipeline_cpu_s:.2f} s CPU, of which the worker "
            f"{worker_cpu_s:.2f} s), peak RSS {pipeline_peak:.0f} MB (this process "
            f"{process_peak:.0f} MB, the worker {worker_peak:.0f} MB), load average before {load:.2f}"
        )
        peaks = step_peaks(sampler)
        for step, secs in sorted(steps.items(), key=lambda kv: -kv[1]):
            core = "  (core)" if step in CORE_STEPS else ""
            print(f"  {secs:8.2f} s  {peaks.get(step, 0):6.0f} MB  {step}{core}")
        print("publish phases (seconds, sampled peak RSS, up to the checkpoint):")
        for label, secs, mb in publish_phases(sampler):
            print(f"  {secs:8.2f} s  {mb:6.0f} MB  {label}")
        core_s = sum(steps.get(step, 0.0) for step in CORE_STEPS)
        print(f"core steps (the reference's work): {core_s:.2f} s")
        recon = result.output_for_node("appropriation_reconciliation")
        del result
        gc.collect()

        # The quickest of REFERENCE_RUNS: on the same files DuckDB took 2.1-3.7 s from one
        # run to the next here, and a slow draw of the denominator flatters the ratios.
        refs = [reference_in_subprocess(raw, work, args.threads) for _ in range(REFERENCE_RUNS)]
        ref = min(refs, key=lambda r: r["seconds"])
        duckdb_s, duckdb_peak = ref["seconds"], max(r["peak_rss_mb"] for r in refs)
        runs = ", ".join(f"{r['seconds']:.2f}" for r in refs)
        print(
            f"duckdb reference: {duckdb_s:.2f} s, the quickest of {runs} s; "
            f"peak RSS {duckdb_peak:.0f} MB"
        )
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
        "worker_cpu_s": round(worker_cpu_s, 2),
        "load_before": round(load, 2),
        "duckdb_s": round(duckdb_s, 2),
        "duckdb_runs_s": [round(r["seconds"], 2) for r in refs],
        "ratio": round(pipeline_s / duckdb_s, 2),
        "core_s": round(core_s, 2),
        "core_ratio": round(core_s / duckdb_s, 2),
        "peak_rss_mb": round(pipeline_peak),
        "process_peak_rss_mb": round(process_peak),
        "worker_peak_rss_mb": round(worker_peak),
        "duckdb_peak_rss_mb": round(duckdb_peak),
        "unchanged_tick_s": round(tick_s, 2),
        "chains_agree": agree,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(summary))
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
