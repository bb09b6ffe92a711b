"""Errors a person can act on: one sentence with the root cause, no traceback, no retry
of what can never succeed, and none of Dagster's banners."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from dagster import DagsterInstance
from dagster._utils.error import SerializableErrorInfo

import assets.reconciled as reconciled
from assets.resources import TillvaxtSettings
from pipelines import cli
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env
from tests.cli import run_command

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())


def _cli(raw: Path, processed: Path, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLVAXT_", "DAGSTER_"))}
    env.update(TILLVAXT_RAW_DIR=str(raw), TILLVAXT_PROCESSED_DIR=str(processed), **env_extra)
    return run_command([sys.executable, "-m", "pipelines.cli", "run", "--force"], env)


def _sentences(proc: subprocess.CompletedProcess) -> list[str]:
    return [
        ln for ln in proc.stderr.splitlines() if ln.startswith("tillvaxt: ") and "MASKING" not in ln
    ]


def _no_noise(proc: subprocess.CompletedProcess) -> None:
    text = proc.stdout + proc.stderr
    for noise in (
        "Traceback",
        "Error occurred while",
        "Exceeded max_retries",
        "Telemetry",
        "telemetry",
        "No dagster instance configuration file",
    ):
        assert noise not in text, noise


def test_an_unwritable_processed_directory_is_one_sentence(small_raw: Path) -> None:
    proc = _cli(small_raw, Path("/sys/fs"))
    assert proc.returncode == 2
    [line] = _sentences(proc)
    assert line.startswith("tillvaxt: cannot use /sys/fs")
    assert "Permission denied" in line or "not permitted" in line
    _no_noise(proc)


def test_a_processed_path_under_a_file_is_one_sentence(small_raw: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    proc = _cli(small_raw, tmp_path / "afile" / "out")
    assert proc.returncode == 2
    assert any("Not a directory" in s for s in _sentences(proc)), proc.stderr
    _no_noise(proc)


def test_a_bad_dagster_home_is_one_sentence(small_raw: Path, tmp_path: Path) -> None:
    proc = _cli(small_raw, tmp_path / "out", DAGSTER_HOME=str(tmp_path / "no_such_home"))
    assert proc.returncode == 2
    assert f"tillvaxt: DAGSTER_HOME={tmp_path / 'no_such_home'} is not a directory" in proc.stderr
    _no_noise(proc)


def test_a_bare_dagster_home_runs_without_banners(small_raw: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    proc = _cli(small_raw, tmp_path / "out", DAGSTER_HOME=str(home))
    assert proc.returncode == 0, proc.stderr[-2000:]
    _no_noise(proc)


def test_a_warehouse_that_cannot_be_opened_fails_at_once_in_one_sentence(
    small_raw: Path, tmp_path: Path
) -> None:
    proc = _cli(
        small_raw,
        tmp_path / "out",
        TILLVAXT_DATABASE_URL=f"sqlite:///{tmp_path / 'missing' / 'w.sqlite'}",
    )
    assert proc.returncode == 2
    assert "unable to open database file" in proc.stderr
    _no_noise(proc)
    assert "retrying" not in proc.stdout  # a configuration error is not retried (the old 150 s)


@pytest.mark.postgres
def test_a_refused_postgres_connection_is_one_sentence(small_raw: Path, tmp_path: Path) -> None:
    proc = _cli(
        small_raw,
        tmp_path / "out",
        TILLVAXT_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:9/postgres",
    )
    assert proc.returncode == 2
    [line] = [s for s in _sentences(proc) if "warehouse" in s and "could not" in s]
    assert "refused" in line.lower()
    _no_noise(proc)


def test_a_bug_in_a_step_is_reported_by_its_own_message_and_log(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def overflow(*args, **kwargs):
        raise OverflowError("Python int too large to convert to C long")

    monkeypatch.setattr(reconciled, "reconcile_appropriations", overflow)
    settings = TillvaxtSettings(raw_dir=str(small_raw), processed_dir=str(tmp_path / "out"))
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            instance=instance, resources={"settings": settings}, raise_on_error=False
        )
    failures = cli._failures(result)
    assert failures, "the run should fail"
    _step, message, bug = failures[0]
    assert message == "OverflowError: Python int too large to convert to C long"
    assert bug
    log = cli._error_log(result)
    assert log is not None and "raise OverflowError" in log.read_text(encoding="utf-8")
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    log.unlink()


def test_the_root_of_exhausted_retries_is_the_original_error() -> None:
    inner = SerializableErrorInfo(
        message="OperationalError: server closed the connection unexpectedly\n",
        stack=[],
        cls_name="OperationalError",
    )
    outer = SerializableErrorInfo(
        message="Exceeded max_retries of 3\n", stack=[], cls_name=None, cause=inner
    )
    assert cli._root(outer).message.startswith("OperationalError: server closed")
