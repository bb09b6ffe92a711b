"""Skipping a run whose inputs, code and settings are unchanged since the last success.

The nightly run and a hand-started `tillvaxt run` often see exactly the same files.
A fingerprint of every raw file's SHA-256, the project's source and the settings is
kept beside the outputs after a successful run; the next run with the same
fingerprint (and its outputs still in place) does nothing. Certifying or reopening a
year forgets the fingerprint, since it changes what a run publishes.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from tillvaxt.provenance import PROJECT_ROOT, file_sha256, input_hashes

MARKER = ".tillvaxt_last_run.json"
_SOURCE_DIRS = ("tillvaxt", "assets", "pipelines", "schemas")


def source_hash(root: Path = PROJECT_ROOT) -> str:
    """One hash over the project's code, region files and lock file."""
    digest = hashlib.sha256()
    files = [
        p
        for d in _SOURCE_DIRS
        for p in sorted((root / d).rglob("*"))
        if p.suffix in (".py", ".toml")
    ]
    files += [root / "uv.lock"] if (root / "uv.lock").is_file() else []
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def fingerprint(raw_dir: Path, settings: dict[str, str]) -> str:
    """The fingerprint of a run: inputs, code and settings."""
    payload = {"inputs": input_hashes(raw_dir), "code": source_hash(), "settings": settings}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def unchanged_since_last_run(processed_dir: Path, print_: str) -> str | None:
    """When the last successful run had this fingerprint and its outputs are untouched, its time."""
    marker = Path(processed_dir) / MARKER
    try:
        last = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("fingerprint") != print_ or not last.get("outputs"):
        return None
    for name, digest in last["outputs"].items():
        path = Path(processed_dir) / name
        if not path.is_file() or file_sha256(path) != digest:
            return None
    return str(last.get("finished_at", "an earlier run"))


def _outputs(processed_dir: Path) -> dict[str, str]:
    """The published CSV files as they stand, so a deleted or edited output forces a rerun."""
    return {p.name: file_sha256(p) for p in sorted(processed_dir.glob("*.csv"))}


def record_run(processed_dir: Path, print_: str) -> None:
    """Remember a successful run's fingerprint and the outputs it left."""
    marker = Path(processed_dir) / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "fingerprint": print_,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "outputs": _outputs(Path(processed_dir)),
    }
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(marker)


def forget_last_run(processed_dir: Path) -> None:
    """Make the next run do the work whatever its fingerprint."""
    (Path(processed_dir) / MARKER).unlink(missing_ok=True)
