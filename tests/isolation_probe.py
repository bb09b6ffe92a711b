"""Run only by tests/integration/test_isolation.py, in a nested pytest with a user's environment set.

Not collected by the default run (no `test_` prefix): it plays a test that runs the
main command with whatever environment the suite gives it.
"""

import os
import subprocess
import sys
from pathlib import Path


def test_probe_runs_the_main_command_with_the_suites_environment(small_raw: Path) -> None:
    env = {**os.environ, "TILLVAXT_RAW_DIR": str(small_raw)}
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
