"""Writing an output file whole or not at all: beside its place, then one rename.

Every file the pipeline publishes (CSV, workbook, HTML page, JSON) goes through
`staged_file`, so a reader never sees half a file, a failed write leaves the old one,
and every output is readable by report authors on other accounts (0644).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

# Set while a publication writes its run directory: that directory is fsynced whole
# before it is switched in (`fileset.fsync_tree`), so each file is synced once, there.
_SYNC_LATER: ContextVar[bool] = ContextVar("sync_later", default=False)


@contextmanager
def sync_later() -> Iterator[None]:
    """Within the block, `staged_file` leaves the fsync to the caller, who must fsync
    the files (and their directory) before anything points at them."""
    token = _SYNC_LATER.set(True)
    try:
        yield
    finally:
        _SYNC_LATER.reset(token)


@contextmanager
def staged_file(path: Path, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it into place only if the block succeeds.

    The block writes the temporary file (and may do more, e.g. commit a database
    transaction); the rename comes after it, so the file changes only if all of it did.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if not _SYNC_LATER.get():
            with tmp.open("rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
