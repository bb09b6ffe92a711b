"""The `tillvaxt run` command as the integration tests start it: a subprocess whose
environment holds only the paths the test chose (none of the shell's TILLVAXT_* or
DAGSTER_HOME), so a test never reads or writes the user's instance or outputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# A sole trader's number in every spelling: a space, hyphen, plus or nothing between
# the parts, 10 or 12 digits (issue 13: the space forms were published unmasked).
PNR = "8108151518"
PNR_SPELLINGS = [
    "810815 1518",
    "19810815 1518",
    "8108151518",
    "810815-1518",
    "810815+1518",
    "198108151518",
    "19810815-1518",
]


def run_command(
    args: list[str], env: dict[str, str], cwd: Path = REPO, timeout: int = 600
) -> subprocess.CompletedProcess:
    """A command (the CLI, `dagster`, pytest) with exactly `env`, its output kept as text."""
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def run_cli(
    raw: Path, processed: Path, url: str | None = None, home: Path | None = None
) -> subprocess.CompletedProcess:
    """`tillvaxt run` on `raw` into `processed` (and `url`, and `home` as DAGSTER_HOME)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TILLVAXT_", "DAGSTER_HOME"))}
    env.update(TILLVAXT_RAW_DIR=str(raw), TILLVAXT_PROCESSED_DIR=str(processed))
    if url:
        env["TILLVAXT_DATABASE_URL"] = url
    if home:
        env["DAGSTER_HOME"] = str(home)
    return run_command([sys.executable, "-m", "pipelines.cli", "run"], env, cwd=raw.parent)
