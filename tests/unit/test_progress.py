"""`tillvaxt run`'s progress: plain lines per finished step when not at a terminal or
in CI, a rich bar on a terminal; fed a fake event stream, timed by a fake clock."""

from __future__ import annotations

import io
from types import SimpleNamespace

from pipelines.progress import RunProgress, live_display


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _event(kind: str, step: str | None):
    return SimpleNamespace(step_key=step, dagster_event=SimpleNamespace(event_type_value=kind))


# (seconds later, event type, step): two steps, one failing, and noise that must be ignored.
STREAM = [
    (0.0, "STEP_START", "raw_payouts"),
    (0.5, "LOADED_INPUT", "raw_payouts"),
    (1.25, "STEP_SUCCESS", "raw_payouts"),
    (0.0, "RUN_START", None),
    (0.25, "STEP_START", "payouts"),
    (2.0, "STEP_FAILURE", "payouts"),
    (0.5, "STEP_SKIPPED", "publish"),
]


def _feed(progress: RunProgress, clock: Clock) -> None:
    with progress:
        for later, kind, step in STREAM:
            clock.now += later
            progress(_event(kind, step))


def test_one_line_per_finished_step_with_its_time_when_not_live() -> None:
    out, clock = io.StringIO(), Clock()
    progress = RunProgress(3, out, live=False, clock=clock)
    _feed(progress, clock)
    assert out.getvalue().splitlines() == [
        "tillvaxt: [ 1/3] raw_payouts done in 1.8 s (1.8 s elapsed)",
        "tillvaxt: [ 2/3] payouts FAILED in 2.0 s (4.0 s elapsed)",
        "tillvaxt: [ 3/3] publish skipped in 0.0 s (4.5 s elapsed)",
    ]
    assert [(s, k) for s, k, _ in progress.finished] == [
        ("raw_payouts", "STEP_SUCCESS"),
        ("payouts", "STEP_FAILURE"),
        ("publish", "STEP_SKIPPED"),
    ]


def test_on_a_terminal_a_bar_shows_the_running_step_and_steps_done() -> None:
    out, clock = io.StringIO(), Clock()
    progress = RunProgress(3, out, live=True, clock=clock)
    with progress:
        progress(_event("STEP_START", "raw_payouts"))
        task = progress._bar.tasks[0]
        assert (task.description, task.completed, task.total) == ("raw_payouts", 0, 3)
        clock.now += 1
        progress(_event("STEP_SUCCESS", "raw_payouts"))
        progress(_event("STEP_START", "payouts"))
        task = progress._bar.tasks[0]
        assert (task.description, task.completed) == ("payouts", 1)
    # No plain lines in live mode: the bar (transient) is all that was drawn.
    assert "tillvaxt: [" not in out.getvalue()


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_only_for_a_terminal_outside_ci() -> None:
    assert live_display(Tty(), ci=False)
    assert not live_display(Tty(), ci=True)
    assert not live_display(io.StringIO(), ci=False)


def test_a_retried_step_says_so_and_counts_once_when_it_finishes() -> None:
    out, clock = io.StringIO(), Clock()
    progress = RunProgress(1, out, live=False, clock=clock)
    with progress:
        for later, kind in [
            (0.0, "STEP_START"),
            (1.0, "STEP_UP_FOR_RETRY"),
            (10.0, "STEP_RESTARTED"),
            (0.0, "STEP_START"),
            (2.0, "STEP_SUCCESS"),
        ]:
            clock.now += later
            progress(_event(kind, "publish"))
    assert out.getvalue().splitlines() == [
        "tillvaxt: publish failed on a transient fault; retrying",
        "tillvaxt: [ 1/1] publish done in 2.0 s (13.0 s elapsed)",
    ]
