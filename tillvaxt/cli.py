"""The `tillvaxt` command: run the whole pipeline in one process, no server or daemon.

`uv run tillvaxt run` materialises every asset with the in-process executor on the
configured raw directory and prints what a controller wants to see first: the
appropriation chain and where the output went. A problem with the input comes out as
the sentence naming file, line and column, and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def _instance():
    from dagster import DagsterInstance

    return DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()


def _failures(result) -> list[tuple[str, str]]:
    """(step, sentence) for each failed step: the user's sentence when there is one."""
    out = []
    for event in result.all_events:
        if event.is_step_failure:
            data = event.step_failure_data
            desc = data.user_failure_data.description if data.user_failure_data else None
            out.append((event.step_key, desc or data.error.message.strip()))
    return out


def _regions(settings, only: str | None) -> list[str]:
    """The regions to act on in a national deployment: `only`, or every region folder."""
    from pipelines.resources import region_ids

    return [only] if only else region_ids(Path(settings.regions_root))


def run_pipeline(args: argparse.Namespace) -> int:
    """Materialise everything (every region in turn, in a national deployment)."""
    from pipelines.resources import RegionsError, settings_from_env

    settings = settings_from_env()
    if not settings.regions_root:
        return _run_one(args, settings)
    try:
        regions = _regions(settings, args.region)
        outcomes = [_run_one(args, settings.for_region(r), r) for r in regions]
    except RegionsError as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 2
    return max(outcomes)


def _run_one(args: argparse.Namespace, settings, region: str | None = None) -> int:
    """Materialise one region (the partition `region`, or the only one); print the
    reconciliation or the failures.

    A run whose inputs, code and settings match the last successful run's is skipped
    (unless `--force`), before the asset modules are even imported.
    """
    from tillvaxt.rerun import fingerprint, forget_last_run, record_run, unchanged_since_last_run

    print(
        f"tillvaxt: {f'region {region}: ' if region else ''}raw {settings.raw_dir} -> processed {settings.processed_dir}, warehouse {settings.url}"
    )
    started = time.perf_counter()
    run_print = fingerprint(
        settings.raw_path,
        {
            "processed": str(settings.processed_dir),
            "url": settings.url,
            "region": settings.region_file,
        },
    )
    if not args.force and (last := unchanged_since_last_run(settings.processed_path, run_print)):
        print(
            f"tillvaxt: inputs, code and settings unchanged since the run finished at {last}; "
            f"nothing to do ({time.perf_counter() - started:.1f} s). Use --force to run anyway."
        )
        return 0
    forget_last_run(settings.processed_path)
    if not os.environ.get("TILLVAXT_MASKING_KEY"):
        print(
            "tillvaxt: TILLVAXT_MASKING_KEY is not set; personal identity numbers are masked with "
            "the built-in development key, which anyone with the code can reverse. Set it in production.",
            file=sys.stderr,
        )
    from pipelines.definitions import defs
    from pipelines.jobs import PIPELINE_JOB
    from tillvaxt.money import format_swedish
    from tillvaxt.publish.warehouse import read_table

    job = defs.resolve_job_def(PIPELINE_JOB)
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
            partition_key=region,
        )
    elapsed = time.perf_counter() - started
    failures = _failures(result)
    findings: list[str] = []
    for check in result.get_asset_check_evaluations():
        if check.passed:
            continue
        meta = {k: v.value for k, v in check.metadata.items()}
        if check.asset_key.to_user_string() == "payout_exceptions":
            findings.append(f"{check.check_name} {meta.get('findings', '?')}")
            continue
        print(
            f"check failed: {check.asset_key.to_user_string()} {check.check_name}: {meta}",
            file=sys.stderr,
        )
    if findings:
        print(
            "findings for the controller (see payout_exceptions.csv): " + ", ".join(findings),
            file=sys.stderr,
        )
    if failures:
        for step, message in failures:
            print(f"error in {step}: {message}", file=sys.stderr)
        print(
            f"tillvaxt: run failed after {elapsed:.1f} s; published tables were left as they were.",
            file=sys.stderr,
        )
        return 1
    engine = settings.engine()
    try:
        recon = read_table(engine, "appropriation_reconciliation")
    finally:
        engine.dispose()
    print(
        f"{'year':>4} {'anslag':<6} {'opening':>14} {'allocated':>14} {'paid':>14} {'closing':>14}  status"
    )
    for r in recon.itertuples():
        cells = [
            format_swedish(int(v * 100))
            for v in (r.opening_balance_sek, r.allocated_sek, r.paid_sek, r.closing_balance_sek)
        ]
        print(
            f"{r.year:>4} {r.appropriation:<6} "
            + " ".join(f"{c:>14}" for c in cells)
            + f"  {r.status}"
        )
    record_run(settings.processed_path, run_print)
    print(
        f"tillvaxt: done in {elapsed:.1f} s; tables in {settings.processed_dir} and the warehouse."
    )
    return 0


def run_close(args: argparse.Namespace) -> int:
    """Certify or reopen a year through its Dagster job; print what was done."""
    from pipelines.close import CERTIFY_JOB, REOPEN_JOB, year_run_config
    from pipelines.definitions import defs
    from pipelines.resources import REGION_TAG, settings_from_env
    from tillvaxt.rerun import forget_last_run

    job_name = CERTIFY_JOB if args.command == "certify" else REOPEN_JOB
    job = defs.resolve_job_def(job_name)
    settings = settings_from_env()
    national = bool(settings.regions_root)
    if national and not args.region:
        print(f"tillvaxt: {args.command} needs --region in a national deployment", file=sys.stderr)
        return 2
    # Certifying or reopening changes what the next run publishes: it must not be skipped.
    forget_last_run((settings.for_region(args.region) if national else settings).processed_path)
    with _instance() as instance:
        result = job.execute_in_process(
            instance=instance,
            run_config=year_run_config(job_name, args.year),
            raise_on_error=False,
            tags={REGION_TAG: args.region} if national else None,
        )
    if not result.success:
        for _, message in _failures(result):
            print(f"tillvaxt: {message}", file=sys.stderr)
        return 1
    if job_name == CERTIFY_JOB:
        frozen = result.output_for_node("certify")
        print(f"tillvaxt: certified {args.year}; rows frozen per table: {frozen}")
    else:
        print(f"tillvaxt: reopened {args.year}; the next run publishes its figures as computed.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tillvaxt", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole pipeline on the raw directory")
    run.add_argument("--raw-dir", help="overrides TILLVAXT_RAW_DIR")
    run.add_argument("--processed-dir", help="overrides TILLVAXT_PROCESSED_DIR")
    run.add_argument("--database-url", help="overrides TILLVAXT_DATABASE_URL")
    run.add_argument(
        "--log-level",
        default="CRITICAL",
        help="Dagster's console log level (default CRITICAL: problems are summarised by tillvaxt)",
    )
    run.add_argument(
        "--force", action="store_true", help="run even when inputs, code and settings are unchanged"
    )
    run.add_argument(
        "--region", help="with TILLVAXT_REGIONS_ROOT: only this region (default: every region)"
    )
    for name, text in (
        ("certify", "freeze a year's published figures (later changes become restatements)"),
        ("reopen", "reopen a certified year (explicit; logged in certification_log)"),
    ):
        close = sub.add_parser(name, help=text)
        close.add_argument("--year", type=int, required=True, help="budget year, e.g. 2017")
        close.add_argument("--raw-dir", help="overrides TILLVAXT_RAW_DIR (hashed at certification)")
        close.add_argument("--processed-dir", help="overrides TILLVAXT_PROCESSED_DIR")
        close.add_argument("--database-url", help="overrides TILLVAXT_DATABASE_URL")
        close.add_argument("--region", help="with TILLVAXT_REGIONS_ROOT: the region to act on")
    args = parser.parse_args(argv)
    for flag, env in (
        ("raw_dir", "TILLVAXT_RAW_DIR"),
        ("processed_dir", "TILLVAXT_PROCESSED_DIR"),
        ("database_url", "TILLVAXT_DATABASE_URL"),
    ):
        if getattr(args, flag, None):
            os.environ[env] = getattr(args, flag)
    if args.command == "run":
        return run_pipeline(args)
    if args.command in ("certify", "reopen"):
        return run_close(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
