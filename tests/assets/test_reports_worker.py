"""The open-data export runs in a worker process beside the documents: a failure on
either side fails the publication, stops the worker and leaves the previous run whole."""

from __future__ import annotations

import operator
from pathlib import Path

import pytest

import assets._reports as reports_module
from tests.assets.test_publication import _run, _seen
from tillvaxt.report.opendata import write_open_data
from tillvaxt.report.worker import Worker


def _tree(out: Path) -> list[str]:
    """Every path under the processed directory but the warehouse's own files."""
    return sorted(str(p.relative_to(out)) for p in out.rglob("*") if "warehouse" not in p.name)


@pytest.mark.heavy  # three whole pipeline runs
def test_a_failing_export_or_document_fails_the_publication_and_stops_the_worker(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reports_module, "WORKER_FROM_ROWS", 0)  # a worker even for a small tree
    out = tmp_path / "out"
    assert _run(small_raw, out).success
    old, tree = _seen(out), _tree(out)

    # The worker's function fails (called with the export's five arguments).
    monkeypatch.setattr(reports_module, "write_open_data", operator.truediv)
    assert not _run(small_raw, out).success
    assert _seen(out) == old and _tree(out) == tree
    monkeypatch.setattr(reports_module, "write_open_data", write_open_data)

    # The documents fail while the worker runs: it is stopped before the clean-up.
    started: list[Worker] = []

    class Recorded(Worker):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    def documents_fail(*args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(reports_module, "Worker", Recorded)
    monkeypatch.setattr(reports_module, "_documents", documents_fail)
    assert not _run(small_raw, out).success
    assert started and all(w.proc is not None and w.proc.returncode is not None for w in started)
    assert _seen(out) == old and _tree(out) == tree
