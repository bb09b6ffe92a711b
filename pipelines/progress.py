"""What `tillvaxt run` shows while the pipeline runs: which step, how far, how long.

The run's events reach `RunProgress` as they are stored (`DagsterInstance.add_event_listener`).
On a terminal it draws a `rich` progress bar (the running step, steps done of all,
elapsed time) that is replaced by the summary when the run ends; in a pipe, a log file
or CI it prints one plain line per finished step with its time instead, which reads
well in a CI log and greps well.

It writes to its own duplicate of stdout's descriptor: during a run with a
`DAGSTER_HOME` instance Dagster redirects the process's stdout into the run's compute
log (and copies it back with `tail`, up to a second late), which must get neither the
bar's control codes nor lines out of order.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

STARTED, FINISHED = "STEP_START", ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED")
RETRY = "STEP_UP_FOR_RETRY"  # a transient fault: the step will run again after its delay
VERB = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


class RunProgress:
    """Follows a run's step events; call it with each event (an `EventLogEntry`)."""

    def __init__(self, steps: int, out: TextIO, live: bool, clock=time.monotonic) -> None:
        self.steps = steps
        self.out = out
        self.clock = clock
        self.started = clock()
        self.running: dict[str, float] = {}
        self.finished: list[tuple[str, str, float]] = []  # (step, event type, seconds)
        self._bar = None
        self._task = None
        if live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("steps"),
                TimeElapsedColumn(),
                console=Console(file=out),
                transient=True,
            )
            self._task = self._bar.add_task("starting", total=steps)

    def __enter__(self) -> RunProgress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def __call__(self, entry) -> None:
        """One stored event of the run; anything but a step's start or end is ignored."""
        dagster_event = getattr(entry, "dagster_event", None)
        if dagster_event is None or entry.step_key is None:
            return
        self.step_event(dagster_event.event_type_value, entry.step_key)

    def step_event(self, kind: str, step: str) -> None:
        now = self.clock()
        if kind == STARTED:
            self.running[step] = now
        elif kind in FINISHED:
            seconds = now - self.running.pop(step, now)
            self.finished.append((step, kind, seconds))
            if self._bar is None:
                print(
                    f"tillvaxt: [{len(self.finished):>2}/{self.steps}] {step} {VERB[kind]} in "
                    f"{seconds:.1f} s ({now - self.started:.1f} s elapsed)",
                    file=self.out,
                    flush=True,
                )
        elif kind == RETRY:
            self.running.pop(step, None)
            line = f"tillvaxt: {step} failed on a transient fault; retrying"
            if self._bar is None:
                print(line, file=self.out, flush=True)
            else:
                self._bar.console.print(line)
        else:
            return
        if self._bar is not None:
            shown = ", ".join(self.running) or (self.finished[-1][0] if self.finished else "")
            self._bar.update(self._task, completed=len(self.finished), description=shown)


def live_display(out: TextIO, ci: bool) -> bool:
    """A progress bar only for a person at a terminal; lines for pipes, files and CI."""
    return not ci and out.isatty()


@contextmanager
def terminal_stream() -> Iterator[TextIO]:
    """stdout's own terminal or file, on a descriptor Dagster's capture does not redirect."""
    try:
        fd = os.dup(sys.stdout.fileno())
    except (AttributeError, OSError, ValueError):  # no real descriptor (e.g. captured in tests)
        yield sys.stdout
        return
    sys.stdout.flush()
    with os.fdopen(fd, "w", buffering=1, encoding=sys.stdout.encoding or "utf-8") as stream:
        yield stream
