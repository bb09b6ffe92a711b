"""One function run in a worker process beside the caller, for a report that can be
written while the caller writes others (the machine has two cores; the rest of a
publication is single-threaded Python, so a thread would wait for the interpreter).

The worker is a fresh interpreter (`python -m tillvaxt.report.worker`), not a fork:
the caller may be a Dagster process with threads running, and a fork would copy
their locks and the parent's whole memory. The function and its arguments go to it
pickled through a pipe (nothing is written to disk: they may hold personal data),
and its result or exception comes back the same way. The caller's masking key
(`tillvaxt.masking`, set from the settings in the caller) goes with the call, so the
worker masks as the caller would.

`Worker.result` returns the function's result or raises its exception (the worker's
traceback as its cause); a worker that dies without an answer raises `WorkerFailed`.
`Worker.stop` kills the worker and waits for it, so a caller that fails itself knows
the worker writes nothing more before the caller cleans up; leaving the `with` block
by an exception stops it. Files the function writes must be written whole or not at
all (`staged_file`), so a killed worker leaves at most a staged temporary file, which
the caller's directory clean-up removes.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import tillvaxt
from tillvaxt.masking import masking_key, use_masking_key


class WorkerFailed(RuntimeError):
    """The worker process ended without a result (killed, out of memory, crashed)."""


class RemoteTraceback(Exception):
    """The worker's own traceback, as the cause of the exception it raised."""


class Worker:
    """`fn(*args)` running in a worker process; see the module's docstring."""

    def __init__(self, what: str, fn: Callable, *args: object, in_process: bool = False) -> None:
        """Start `fn(*args)` in a worker (`in_process`: run it here, in `result`).

        The worker starts in the directory holding this `tillvaxt` package, so it runs
        this very code (`-m` looks there first): paths among `args` must be absolute.
        """
        self.what = what
        self._local: tuple[Callable, tuple] | None = None
        self._answer: tuple[bytes, bytes] | None = None
        self._error: BaseException | None = None
        if in_process:
            self._local, self.proc = (fn, args), None
            return
        # The caller's masking key goes with the call: a personal number the function
        # masks must get the caller's token, not the development key's.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tillvaxt.report.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=Path(tillvaxt.__file__).resolve().parent.parent,
        )
        # The call is pickled straight into the pipe here (no copy of it in either
        # process: the worker unpickles as it reads, before anything else; a thread
        # writing it would wait for the interpreter lock at every pipe-full while this
        # one works). Its answer is read in a thread (waiting on the pipes, no lock
        # held), so the caller goes on with its own work meanwhile.
        stdin, self.proc.stdin = self.proc.stdin, None  # `communicate` then only reads
        try:
            with stdin:
                pickle.dump((masking_key(), fn, args), stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:  # a broken pipe: the worker died before it read the call
            self._error = exc
        self._talk = threading.Thread(target=self._communicate, daemon=True)
        self._talk.start()

    def _communicate(self) -> None:
        try:
            self._answer = self.proc.communicate()
        except BaseException as exc:
            self._error = exc

    def result(self) -> object:
        """Wait for the worker; its function's result, or its exception raised here."""
        if self.proc is None:
            fn, args = self._local
            return fn(*args)
        self._talk.join()
        out, err = self._answer or (b"", b"")
        if err:
            sys.stderr.write(err.decode("utf-8", "replace"))  # its warnings, as if here
        try:
            kind, value, text = pickle.loads(out)
        except Exception:
            from tillvaxt.orgnr import scrub  # not in the worker: it reads its call first

            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise WorkerFailed(
                f"the worker writing the {self.what} ended with exit code "
                f"{self.proc.returncode} and no result ({scrub(last[0])})"
            ) from self._error
        if kind == "ok":
            return value
        raise (value if value is not None else WorkerFailed(text)) from RemoteTraceback(text)

    def stop(self) -> None:
        """Kill the worker (if it still runs) and wait until it has ended."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._talk.join()

    def __enter__(self) -> Worker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.stop()


def _serve() -> int:
    """The worker's side: read the call from stdin, write the answer to stdout."""
    answer_fh = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything the function prints goes to stderr, not into the answer
    key, fn, args = pickle.load(sys.stdin.buffer)  # first: the caller waits until it is read
    use_masking_key(key)
    try:
        answer = ("ok", fn(*args), "")
    except BaseException as exc:
        text = "".join(traceback.format_exception(exc))
        try:
            pickle.dumps(exc)
        except Exception:
            exc = None
        answer = ("error", exc, text)
    try:
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable result
        data = pickle.dumps(("error", None, "".join(traceback.format_exception(exc))))
    answer_fh.write(data)
    answer_fh.close()
    return 0 if answer[0] == "ok" else 1


if __name__ == "__main__":
    sys.exit(_serve())
