"""The published files as one set: a directory per run, switched in with one rename.

Readers keep the paths the output contract gives (`<processed>/<table>.csv`, the
workbooks, HTML pages and JSON beside them). Each of those paths is a relative
symlink `<name> -> current/<name>`, and `current` is a symlink to the run directory
`runs/<run>/` that holds the whole set. Publishing writes a new run directory, then
replaces `current` with one `os.replace` of a symlink: every path flips to the new
set at the same instant, and a kill at any point leaves the old set or the new one.

The last `KEEP_RUNS` run directories are kept. To roll the files back to an earlier
set, point `current` at it: `ln -sfn runs/<run> current.new && mv -T current.new current`
(the warehouse keeps the newest tables; see the README).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

RUNS = "runs"
CURRENT = "current"
KEEP_RUNS = 3
# What a run publishes as files; anything else in the processed directory (the SQLite
# warehouse, the lock, the rerun marker, a README) is not part of a run's set.
PUBLISHED_SUFFIXES = (".csv", ".xlsx", ".html", ".docx", ".json")
LEGACY_RUN = "00000000T000000Z-before-runs"


def run_dir(processed: Path, run: str) -> Path:
    return Path(processed) / RUNS / run


def current_run(processed: Path) -> str | None:
    """The run directory `current` points at, or None before the first publication."""
    link = Path(processed) / CURRENT
    if not link.is_symlink():
        return None
    return Path(os.readlink(link)).name


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Every file of a run directory on disk before the set is switched in."""
    for p in path.iterdir():
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
    fsync_dir(path)


def _symlink(target: str, path: Path) -> None:
    """Make `path` a symlink to `target` in one rename (never absent meanwhile)."""
    if path.is_symlink() and os.readlink(path) == target:
        return
    tmp = path.with_name(f".{path.name}.link")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


def _is_published_name(name: str) -> bool:
    return not name.startswith(".") and name.endswith(PUBLISHED_SUFFIXES)


def adopt_plain_files(processed: Path) -> None:
    """Before the first switch in a directory written by an older version: move its
    plain output files into a run directory of their own and link them, so even that
    first switch is one rename and a reader never sees a path go missing."""
    processed = Path(processed)
    if current_run(processed) is not None:
        return
    plain = [
        p
        for p in sorted(processed.iterdir())
        if p.is_file() and not p.is_symlink() and _is_published_name(p.name)
    ]
    if not plain:
        return
    legacy = run_dir(processed, LEGACY_RUN)
    legacy.mkdir(parents=True, exist_ok=True)
    for p in plain:
        shutil.copy2(p, legacy / p.name)
    fsync_tree(legacy)
    _symlink(f"{RUNS}/{LEGACY_RUN}", processed / CURRENT)
    for p in plain:
        _symlink(f"{CURRENT}/{p.name}", p)


def link_names(processed: Path, names: Iterable[str]) -> None:
    """`<processed>/<name> -> current/<name>` for each name (a new name dangles, i.e. is
    absent, until `current` moves to a set that has it)."""
    for name in names:
        _symlink(f"{CURRENT}/{name}", Path(processed) / name)


def switch(processed: Path, run: str) -> None:
    """Point `current` at `runs/<run>`: the one rename that publishes the set."""
    _symlink(f"{RUNS}/{run}", Path(processed) / CURRENT)
    fsync_dir(Path(processed))


def tidy(processed: Path, keep: int = KEEP_RUNS) -> None:
    """Remove links to names the current set does not have, and all but the newest
    `keep` run directories (never the current one)."""
    processed = Path(processed)
    for p in processed.iterdir():
        if p.is_symlink() and _is_published_name(p.name) and not p.exists():
            p.unlink()
    runs = sorted(p for p in (processed / RUNS).iterdir() if p.is_dir())
    now = current_run(processed)
    for p in runs[:-keep] if keep else runs:
        if p.name != now:
            shutil.rmtree(p, ignore_errors=True)


def published_files(processed: Path) -> list[Path]:
    """The paths a reader uses for the current set (through the links)."""
    processed = Path(processed)
    return [p for p in sorted(processed.iterdir()) if _is_published_name(p.name) and p.is_file()]
