"""Every generated tree gets its own DAGSTER_HOME and none of the shell's paths.

The long run (`-m generated`) is left out of the README's command by the project's
addopts (`-m 'not heavy and not generated'`); `uv run pytest -q -m generated` runs it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _own_dagster_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Whatever the shell says, nothing here may reach the user's instance or outputs."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    for name in ("TILLVAXT_RAW_DIR", "TILLVAXT_PROCESSED_DIR", "TILLVAXT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
