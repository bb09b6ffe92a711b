"""The report worker process: its result, its exception, its death, and stopping it."""

from __future__ import annotations

import math
import operator
import os
import time
from pathlib import Path

import pytest

from tillvaxt.report.worker import RemoteTraceback, Worker, WorkerFailed


def test_the_result_comes_back() -> None:
    with Worker("test", math.fsum, [0.1] * 10) as w:
        assert w.result() == 1.0
    assert w.proc is not None and w.proc.returncode == 0


def test_its_exception_is_raised_here_with_the_workers_traceback() -> None:
    with pytest.raises(ZeroDivisionError) as caught, Worker("test", operator.truediv, 1, 0) as w:
        w.result()
    assert isinstance(caught.value.__cause__, RemoteTraceback)
    assert "ZeroDivisionError" in str(caught.value.__cause__)


def test_a_worker_that_dies_says_so() -> None:
    with (
        pytest.raises(WorkerFailed, match="the test ended with exit code 3"),
        Worker("test", os._exit, 3) as w,
    ):
        w.result()


def test_a_failing_caller_stops_the_worker_before_it_goes_on(tmp_path: Path) -> None:
    began = time.monotonic()
    with pytest.raises(KeyError), Worker("test", time.sleep, 60) as w:
        raise KeyError("the documents failed")
    assert w.proc.returncode is not None  # dead, not left writing into the run directory
    assert time.monotonic() - began < 30


def test_in_process_when_asked() -> None:
    with Worker("test", operator.add, 2, 3, in_process=True) as w:
        assert w.proc is None
        assert w.result() == 5
