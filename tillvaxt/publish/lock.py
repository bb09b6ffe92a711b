"""One run at a time per processed directory: an OS lock held for the whole run.

`fcntl.flock` on `<processed>/.tillvaxt.lock`: the kernel releases it when the holder
exits, however it exits, so a killed run never leaves a stale lock. The holder writes
its pid, start time and command into the file, so a second run can say who is running.
The lock is re-entrant within a process: the CLI takes it for the whole run and the
publication step, in the same process, takes it again without waiting on itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

LOCK_FILE = ".tillvaxt.lock"
_held: dict[str, list] = {}  # realpath -> [fd, depth]


class RunLocked(Exception):
    """Another process holds the run lock; the message names it."""


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return "a process that is just starting"
    return f"pid {info.get('pid', '?')}, started {info.get('started_at', '?')} ({info.get('command', '?')})"


@contextmanager
def run_lock(processed_dir: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the processed directory's run lock for the block.

    Waits up to `wait_seconds` for a running run to finish, then raises `RunLocked`
    with one sentence naming it. An `OSError` (read-only directory, no such
    directory) propagates: the caller says what to fix.
    """
    processed = Path(processed_dir)
    path = processed / LOCK_FILE
    key = os.path.realpath(path)
    if key in _held:
        _held[key][1] += 1
        try:
            yield
        finally:
            _held[key][1] -= 1
        return
    processed.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RunLocked(
                        f"another tillvaxt run is using {processed} ({_holder(fd)}); "
                        "wait for it to finish, or stop that process, and run again"
                    ) from None
                time.sleep(0.5)
        record = {
            "pid": os.getpid(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([os.path.basename(sys.argv[0] or "python"), *sys.argv[1:]])[:200],
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        _held[key] = [fd, 1]
        try:
            yield
        finally:
            del _held[key]
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the flock
