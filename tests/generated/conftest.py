"""The `generated` marker: the long run of generated trees, only when asked for.

`uv run pytest -q -m generated` runs it (CI does); a plain `pytest` leaves it out, so
the default run keeps its time budget.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "generated" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long generated-tree run: select it with -m generated")
    for item in items:
        if item.get_closest_marker("generated"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _own_dagster_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Whatever the shell says, nothing here may reach the user's instance or outputs."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path_factory.mktemp("dagster_home")))
    for name in ("TILLVAXT_RAW_DIR", "TILLVAXT_PROCESSED_DIR", "TILLVAXT_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
