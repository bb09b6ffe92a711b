"""The command's start and end: nothing heavy is loaded before `main` has tuned the
garbage collector (so the tuning covers importing Dagster, pandas and the assets), and
the collector is as it was once `main` returns, for callers in the same process."""

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines import cli

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("dagster", "pandas", "sqlalchemy", "assets", "tillvaxt")


def test_importing_the_command_loads_none_of_the_heavy_modules():
    code = f"import sys, pipelines.cli; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_collector_is_tuned_within_and_restored_after():
    before = gc.get_threshold()
    with cli._few_collections():
        assert gc.get_threshold() == (cli.GC_YOUNG_THRESHOLD, *before[1:])
    assert gc.get_threshold() == before


def test_main_restores_the_collector_when_it_stops_on_bad_arguments(capsys):
    before = gc.get_threshold()
    with pytest.raises(SystemExit):
        cli.main(["run", "--no-such-flag"])
    assert gc.get_threshold() == before
    assert "--no-such-flag" in capsys.readouterr().err
