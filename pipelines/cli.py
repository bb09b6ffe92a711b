"""The `tillvaxt` command: run the whole pipeline in one process, no server or daemon.

`uv run tillvaxt run` materialises every asset with the in-process executor on the
configured raw directory and prints what a controller wants to see first: the
appropriation chain and where the output went. A problem with the input comes out as
the sentence naming file, line and column, and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

# Nothing heavy at import: `main` tunes the garbage collector before Dagster, pandas and
# the assets are loaded (see `_few_collections`).
if TYPE_CHECKING:
    from assets.resources import TillvaxtSettings

# Collect the youngest generation every this many allocations instead of Python's 700.
# Importing Dagster, pandas and the assets and running the 27 steps allocates millions of
# long-lived objects (classes, functions, definitions, events): at 700 the collector ran
# some 1 500 times, 7 of them over the whole heap, 1.0-1.7 s of a 7 s sample run; at
# 10 000 it runs about a tenth as often, none of them whole. Garbage is still collected.
GC_YOUNG_THRESHOLD = 10_000


class SetupError(Exception):
    """The environment cannot run tillvaxt as set; the message says what to change."""


def _instance():
    """The Dagster instance: `DAGSTER_HOME`'s when set, else a throw-away one.

    Telemetry is off and a `DAGSTER_HOME` without `dagster.yaml` is used as it is,
    without Dagster's banner about it: the CLI prints only what a controller needs.
    """
    from dagster import DagsterInstance

    from pipelines.settings import dagster_home, quiet_dagster

    quiet_dagster()
    home = dagster_home()
    if not home:
        return DagsterInstance.ephemeral()
    if not Path(home).is_dir():
        raise SetupError(
            f"DAGSTER_HOME={home} is not a directory; create it (deploy/init-dagster-home.sh) "
            "or unset DAGSTER_HOME"
        )
    if not os.access(home, os.W_OK):
        raise SetupError(f"DAGSTER_HOME={home} is not writable by this user")
    if (Path(home) / "dagster.yaml").is_file():
        return DagsterInstance.get()
    import logging

    from dagster._core.instance.ref import InstanceRef

    quiet = logging.Filter("not dagster")  # passes no record from the "dagster" logger
    logging.getLogger("dagster").addFilter(quiet)
    try:
        ref = InstanceRef.from_dir(home, overrides={"telemetry": {"enabled": False}})
    finally:
        logging.getLogger("dagster").removeFilter(quiet)
    return DagsterInstance.from_ref(ref)


def _root(info):
    """The innermost error of a Dagster error chain (its cause, or the context it was raised in)."""
    while info.cause is not None or info.context is not None:
        info = info.cause or info.context
    return info


def _failures(result) -> list[tuple[str, str, bool]]:
    """(step, sentence, is_bug) for each failed step: the user's sentence when there is
    one, else the root cause's own message (never Dagster's outer "Error occurred while
    executing op" or "Exceeded max_retries")."""
    out = []
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        user = data.user_failure_data
        if user is not None and user.description:
            kind = {k: getattr(v, "value", v) for k, v in (user.metadata or {}).items()}.get("kind")
            out.append((event.step_key, user.description, kind == "bug"))
            continue
        root = _root(data.error) if data.error else None
        text = (root.message if root else "unknown error").strip().splitlines()
        out.append((event.step_key, text[0] if text else "unknown error", True))
    return out


def _error_log(result) -> Path | None:
    """Every failed step's full error chain in a private file; its path, or None."""
    import tempfile

    from tillvaxt.orgnr import scrub

    parts = [
        f"== {e.step_key}\n{e.step_failure_data.error.to_string()}"
        for e in result.all_events
        if e.is_step_failure and e.step_failure_data.error is not None
    ]
    if not parts:
        return None
    path = Path(tempfile.gettempdir()) / f"tillvaxt-{result.run_id}.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(scrub("\n".join(parts)))
    return path


def _targets(
    settings: TillvaxtSettings, only: str | None
) -> list[tuple[str | None, TillvaxtSettings]]:
    """(partition, its settings) to act on: the one region, or `only`/every region folder
    of a national root. One list either way, so one region and many share the code."""
    keys = settings.region_keys()
    if keys is None:
        return [(None, settings)]
    return [(r, settings.for_region(r)) for r in ([only] if only else keys)]


def run_pipeline(args: argparse.Namespace, settings: TillvaxtSettings) -> int:
    """Materialise everything (every region in turn, in a national deployment)."""
    from tillvaxt.region import RegionsError

    try:
        targets = _targets(settings, args.region)
    except RegionsError as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 2
    return max(_run_one(args, settings, one, region) for region, one in targets)


def _run_one(args: argparse.Namespace, deployment, settings, region: str | None = None) -> int:
    """Materialise one region (the partition `region`, or the only one) under the
    processed directory's run lock; print the reconciliation or the failures."""
    from tillvaxt.publish.lock import RunLocked, run_lock

    print(
        f"tillvaxt: {f'region {region}: ' if region else ''}raw {settings.raw_dir} -> processed {settings.processed_dir}, warehouse {settings.url}"
    )
    try:
        with run_lock(settings.processed_path):
            return _run_locked(args, deployment, settings, region)
    except RunLocked as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 3
    except SetupError as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = exc.filename or settings.processed_dir
        print(
            f"tillvaxt: cannot use {where}: {exc.strerror or exc}; check that the directory "
            "exists and this user may write to it",
            file=sys.stderr,
        )
        return 2


def _warehouse_error(exc: Exception, settings) -> int:
    from tillvaxt.publish.errors import sentence

    print(f"tillvaxt: {sentence(exc)} ({settings.url})", file=sys.stderr)
    return 2


def _run_locked(args: argparse.Namespace, deployment, settings, region: str | None) -> int:
    """The run itself, inside the lock: finish an interrupted publication, skip an
    unchanged rerun, materialise, and record the rerun marker from what this run wrote.

    A run whose inputs, code, settings and outputs match the last successful run's is
    skipped (unless `--force`), before the asset modules are even imported.
    """
    import sqlalchemy as sa

    from tillvaxt.publish.publisher import last_publication, recover
    from tillvaxt.rerun import fingerprint, forget_last_run, record_run, unchanged_since_last_run

    started = time.perf_counter()
    with settings.warehouse() as warehouse:
        engine = warehouse.engine
        try:
            recover(engine, settings.processed_path)
            published = last_publication(engine)
        except sa.exc.SQLAlchemyError as exc:
            return _warehouse_error(exc, settings)
        run_print = fingerprint(
            settings.raw_path,
            {
                "processed": str(settings.processed_dir),
                "url": settings.url,
                "region": settings.region_file,
            },
        )
        if not args.force and (
            last := unchanged_since_last_run(settings.processed_path, run_print, published)
        ):
            print(
                f"tillvaxt: inputs, code and settings unchanged since the run finished at {last}; "
                f"nothing to do ({time.perf_counter() - started:.1f} s). Use --force to run anyway."
            )
            return 0
        forget_last_run(settings.processed_path)
        code = _execute(args, deployment, settings, region, started)
        if code == 0:
            record_run(settings.processed_path, run_print, last_publication(engine))
        return code


def _execute(
    args: argparse.Namespace, deployment, settings, region: str | None, started: float
) -> int:
    from assets.resources import secret_value

    if not secret_value(settings.masking_key):
        print(
            "tillvaxt: TILLVAXT_MASKING_KEY is not set; personal identity numbers are masked with "
            "the built-in development key, which anyone with the code can reverse. Set it in production.",
            file=sys.stderr,
        )
    # Imported only now: an unchanged rerun is skipped before the assets are loaded.
    import uuid

    from pipelines.definitions import build_definitions
    from pipelines.jobs import PIPELINE_JOB
    from pipelines.progress import RunProgress, live_display, terminal_stream
    from pipelines.run_history import quick_local_history
    from pipelines.settings import dagster_home, in_ci
    from tillvaxt.money import format_swedish
    from tillvaxt.publish.warehouse import read_table

    job = build_definitions(deployment).resolve_job_def(PIPELINE_JOB)
    run_id = str(uuid.uuid4())
    with (
        quick_local_history(dagster_home()),  # before the instance: it creates its files
        _instance() as instance,
        terminal_stream() as screen,
        RunProgress(len(job.graph.nodes), screen, live_display(screen, in_ci())) as progress,
    ):
        instance.add_event_listener(run_id, progress)
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
            partition_key=region,
            run_id=run_id,
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
        log = _error_log(result) if any(bug for *_, bug in failures) else None
        for step, message, bug in failures:
            where = f" (a bug; the traceback is in {log})" if bug and log else ""
            print(f"error in {step}: {message}{where}", file=sys.stderr)
        print(
            f"tillvaxt: run failed after {elapsed:.1f} s; published tables were left as they were.",
            file=sys.stderr,
        )
        return 1
    with settings.warehouse() as warehouse:
        recon = read_table(warehouse.engine, "appropriation_reconciliation")
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
    for report in _reports(settings.processed_path):
        print(f"tillvaxt: report {report}")
    print(
        f"tillvaxt: done in {elapsed:.1f} s; tables in {settings.processed_dir} and the warehouse."
    )
    return 0


def _reports(processed: Path) -> list[Path]:
    """The workbooks, HTML reports and Word drafts of the current publication, by kind and year."""
    return [
        p
        for pattern in (
            "aterrapportering_*.xlsx",
            "aterrapportering_*.html",
            "aterrapportering_*.docx",
        )
        for p in sorted(processed.glob(pattern))
        if p.exists()  # a link to a year the current publication does not have dangles
    ]


def run_close(args: argparse.Namespace, settings: TillvaxtSettings) -> int:
    """Certify or reopen a year through its Dagster job; print what was done."""
    from pipelines.close import CERTIFY_JOB, REOPEN_JOB, year_run_config
    from pipelines.definitions import build_definitions
    from tillvaxt.publish.lock import RunLocked, run_lock
    from tillvaxt.region import RegionsError
    from tillvaxt.rerun import forget_last_run

    job_name = CERTIFY_JOB if args.command == "certify" else REOPEN_JOB
    if settings.region_keys() is not None and not args.region:
        print(f"tillvaxt: {args.command} needs --region in a national deployment", file=sys.stderr)
        return 2
    try:
        [(region, one)] = _targets(settings, args.region)
    except RegionsError as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 2
    job = build_definitions(settings).resolve_job_def(job_name)
    processed = one.processed_path
    try:
        instance_cm = _instance()
        # Not while a run publishes: the certified figures must be one run's.
        with run_lock(processed), instance_cm as instance:
            # Certifying or reopening changes what the next run publishes: no skip.
            forget_last_run(processed)
            result = job.execute_in_process(
                instance=instance,
                run_config=year_run_config(job_name, args.year),
                raise_on_error=False,
                partition_key=region,
            )
    except (SetupError, RunLocked) as exc:
        print(f"tillvaxt: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, SetupError) else 3
    except OSError as exc:
        print(
            f"tillvaxt: cannot use {exc.filename or processed}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    if not result.success:
        for _, message, _bug in _failures(result):
            print(f"tillvaxt: {message}", file=sys.stderr)
        return 1
    if job_name == CERTIFY_JOB:
        frozen = result.output_for_node("certify")
        print(f"tillvaxt: certified {args.year}; rows frozen per table: {frozen}")
    else:
        print(f"tillvaxt: reopened {args.year}; the next run publishes its figures as computed.")
    return 0


@contextmanager
def _few_collections() -> Iterator[None]:
    """The garbage collector tuned for one short run, and for the process's end.

    Within the block the youngest generation is collected every `GC_YOUNG_THRESHOLD`
    allocations. At exit every object left is frozen (`gc.freeze`) before the interpreter
    tears its modules down: the teardown then skips collecting them over and over, which
    took 1-1.5 s after a sample run had printed its summary (0.07 s frozen). Nothing is
    written then: every file and connection was closed by its own block.
    """
    before = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *before[1:])
    atexit.register(gc.freeze)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def main(argv: Sequence[str] | None = None) -> int:
    with _few_collections():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    from pipelines.settings import settings_from_env

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
    review = sub.add_parser(
        "review-restatement", help="record who reviewed a certified year's restatements, and why"
    )
    review.add_argument("--year", type=int, required=True, help="the certified year, e.g. 2017")
    review.add_argument("--by", required=True, help="the reviewer's name")
    review.add_argument("--note", required=True, help="why the changes are accepted")
    review.add_argument("--processed-dir", help="overrides TILLVAXT_PROCESSED_DIR")
    review.add_argument("--database-url", help="overrides TILLVAXT_DATABASE_URL")
    review.add_argument("--region", help="with TILLVAXT_REGIONS_ROOT: the region to act on")
    args = parser.parse_args(argv)
    # The flags override the environment's settings; nothing is written back to it.
    settings = settings_from_env(
        raw_dir=getattr(args, "raw_dir", None),
        processed_dir=getattr(args, "processed_dir", None),
        database_url=getattr(args, "database_url", None),
    )
    if args.command == "run":
        return run_pipeline(args, settings)
    if args.command in ("certify", "reopen"):
        return run_close(args, settings)
    if args.command == "review-restatement":
        from pipelines.close import review_restatement

        return review_restatement(args, settings)
    return 2


if __name__ == "__main__":
    sys.exit(main())
