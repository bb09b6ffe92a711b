"""One run at a time per processed directory: a second run says who is running.

Two `tillvaxt run --force` on one processed directory once both finished, the first
printing the second's figures and recording its own inputs beside the other's outputs.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from dagster import DagsterInstance

import assets.published as published_module
from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env
from tests.cli import run_command
from tests.conftest import REPO
from tillvaxt.publish.lock import LOCK_FILE, run_lock
from tillvaxt.publish.publisher import last_publication
from tillvaxt.rerun import MARKER

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", "run", "--force", *args]


def _env(raw: Path, processed: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLVAXT_")}
    return {**env, "TILLVAXT_RAW_DIR": str(raw), "TILLVAXT_PROCESSED_DIR": str(processed)}


def test_a_second_run_exits_with_one_sentence_naming_the_running_one(
    small_raw: Path, tmp_path: Path
) -> None:
    processed = tmp_path / "out"
    with run_lock(processed):
        holder = json.loads((processed / LOCK_FILE).read_text(encoding="utf-8"))
        proc = run_command(_cli(), _env(small_raw, processed))
    assert proc.returncode == 3, proc.stderr[-2000:]
    [line] = [ln for ln in proc.stderr.splitlines() if "another tillvaxt run" in ln]
    assert f"pid {os.getpid()}" in line and holder["started_at"] in line
    assert "Traceback" not in proc.stderr
    assert not (processed / "appropriation_usage.csv").exists()


def test_the_lock_is_reentrant_in_one_process_and_exclusive_across_processes(
    tmp_path: Path,
) -> None:
    with run_lock(tmp_path), run_lock(tmp_path):
        other = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from tillvaxt.publish.lock import run_lock, RunLocked\n"
                "try:\n    run_lock(sys.argv[1]).__enter__()\nexcept RunLocked as e:\n"
                "    print(e); sys.exit(3)",
                str(tmp_path),
            ],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert other.returncode == 3, other.stderr
    with run_lock(tmp_path):  # released: taken again at once
        pass


def test_two_runs_at_once_never_mix_their_figures_or_markers(
    small_raw: Path, tmp_path: Path
) -> None:
    processed = tmp_path / "out"
    home = tmp_path / "home"  # its own instance: two fresh starts at once race in Dagster's setup
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {**_env(small_raw, processed), "DAGSTER_HOME": str(home)}
    runs = [
        subprocess.Popen(
            _cli(),
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in runs]
    for p in runs:
        p.stdout.close()
        p.stderr.close()
    codes = sorted(code for code, _ in outcomes)
    assert codes in ([0, 0], [0, 3]), outcomes
    for code, err in outcomes:
        if code == 3:
            assert "another tillvaxt run is using" in err and "pid " in err
    marker = json.loads((processed / MARKER).read_text(encoding="utf-8"))
    engine = sa.create_engine(f"sqlite:///{processed / 'warehouse.sqlite'}")
    try:
        assert marker["publication"] == last_publication(engine)
    finally:
        engine.dispose()
    assert os.readlink(processed / "current") == f"runs/{marker['publication']}"


def test_a_scheduled_run_waits_then_fails_naming_the_holder(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    processed = tmp_path / "out"
    monkeypatch.setattr(published_module, "LOCK_WAIT_SECONDS", 0.0)
    settings = TillvaxtSettings(raw_dir=str(small_raw), processed_dir=str(processed))
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from tillvaxt.publish.lock import run_lock\n"
            "with run_lock(sys.argv[1]):\n    print('held', flush=True); sys.stdin.read()",
            str(processed),
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with DagsterInstance.ephemeral() as instance:
            result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
                instance=instance, resources={"settings": settings}, raise_on_error=False
            )
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()
    assert not result.success
    [failure] = [e for e in result.all_events if e.is_step_failure]
    text = failure.step_failure_data.user_failure_data.description
    assert f"pid {holder.pid}" in text
    assert not (processed / "appropriation_usage.csv").exists()
