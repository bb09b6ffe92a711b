"""The suite never touches the user's instance, and one instance serves both modes.

A user with `DAGSTER_HOME` (and `TILLVAXT_*`) set runs the README's test command and
then its main command: the tests must have left that instance and those directories
alone, and a national (partitioned) run followed by a single-region run in one
`DAGSTER_HOME` must both succeed (their step outputs once collided in `storage/`).
"""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from pipelines.step_storage import STEP_OUTPUTS
from tests.cli import run_command
from tests.conftest import PAYOUT_HEADER, REPO, SUITE_ENV, write

SOLE_TRADER = "810815-1518"  # a personal identity number (valid check digit)


def _user_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DAGSTER_", "TILLVAXT_"))}
    return {**env, "DAGSTER_HOME": str(home), **extra}


def _tree(path: Path) -> list[str]:
    return sorted(p.relative_to(path).as_posix() for p in path.rglob("*"))


def test_suite_sets_its_own_instance_whatever_the_shell_says() -> None:
    assert Path(os.environ["DAGSTER_HOME"]) == Path(SUITE_ENV["DAGSTER_HOME"])
    assert Path(os.environ["TILLVAXT_PROCESSED_DIR"]) != REPO / "data" / "processed"
    assert "TILLVAXT_REGIONS_ROOT" not in os.environ


def test_a_test_run_leaves_the_users_dagster_home_and_outputs_alone(tmp_path: Path) -> None:
    home = tmp_path / "user_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    processed = tmp_path / "user_processed"
    processed.mkdir()
    env = _user_env(
        home,
        TILLVAXT_PROCESSED_DIR=str(processed),
        TILLVAXT_DATABASE_URL=f"sqlite:///{processed / 'user.sqlite'}",
    )
    proc = run_command(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/isolation_probe.py",
        ],
        env,
    )
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert _tree(home) == ["dagster.yaml"]
    assert _tree(processed) == []


def test_national_then_single_region_runs_share_one_dagster_home(
    small_raw: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    write(
        small_raw / "payouts" / "utbetalningar_s.csv",
        [
            PAYOUT_HEADER,
            f"V2017-00009;2017-05-02;RS1;{SOLE_TRADER};Sven Svensson;UTV;1 000;1:1;1380",
        ],
    )
    root = tmp_path / "regions"
    shutil.copytree(small_raw, root / "halland")

    def cli(**extra: str) -> subprocess.CompletedProcess:
        return run_command(
            [sys.executable, "-m", "pipelines.cli", "run", "--force"], _user_env(home, **extra)
        )

    national = cli(
        TILLVAXT_REGIONS_ROOT=str(root), TILLVAXT_PROCESSED_DIR=str(tmp_path / "national")
    )
    assert national.returncode == 0, national.stderr[-3000:]
    single = cli(TILLVAXT_RAW_DIR=str(small_raw), TILLVAXT_PROCESSED_DIR=str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-3000:]
    assert "IsADirectoryError" not in single.stderr
    storage = home / "storage"
    if storage.exists():
        # Step outputs live only while their run does, in a directory only we may read.
        assert [p for p in storage.rglob("*") if p.is_file() and ".pkl" in p.name] == []
        for p in (storage / STEP_OUTPUTS).rglob("*"):
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p
        for p in storage.rglob("*"):
            if p.is_file():
                text = p.read_bytes()
                assert b"8108151518" not in text and b"810815-1518" not in text, p
