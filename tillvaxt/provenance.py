"""Where figures came from: a hash of each input file and the code version.

Recorded with a certification and on the workbook's run sheet, so anyone can later
tell whether a filed figure was produced from the same inputs by the same code.
"""

from __future__ import annotations

import hashlib
import subprocess
from importlib import metadata
from pathlib import Path

from tillvaxt.rawfiles import input_files

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_hashes(raw_dir: Path) -> dict[str, str]:
    """SHA-256 of every input file under the raw directory, keyed by its path relative to it.

    The files are the readers' (`tillvaxt.rawfiles.input_files`), so the run fingerprint
    and a certification cover exactly what the figures were read from.
    """
    raw_dir = Path(raw_dir)
    return {p.relative_to(raw_dir).as_posix(): file_sha256(p) for p in input_files(raw_dir)}


def code_version() -> str:
    """`git describe --always --dirty` of the checkout, else the installed package version."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--tags"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        described = out.stdout.strip()
        if described:
            return f"git {described}"
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return f"tillvaxt {metadata.version('tillvaxt')}"
    except metadata.PackageNotFoundError:
        return "unknown"
