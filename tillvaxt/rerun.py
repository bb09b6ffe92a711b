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
from tillvaxt.publish.fileset import published_files

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


def unchanged_since_last_run(
    processed_dir: Path, print_: str, publication: str | None = None
) -> str | None:
    """When the last successful run had this fingerprint and everything it published is
    still in place, its time.

    Every output counts: each file of the published set (CSVs, workbooks, HTML pages,
    JSON) must be there with the bytes it had, no output may have appeared or gone, and
    the warehouse must still hold that run's publication (`publication`, read from its
    `publications` table by the caller): a deleted `warehouse.sqlite` means run.
    """
    marker = Path(processed_dir) / MARKER
    try:
        last = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if last.get("fingerprint") != print_ or not last.get("outputs"):
        return None
    if last.get("publication") != publication:
        return None
    if _outputs(Path(processed_dir)) != last["outputs"]:
        return None
    return str(last.get("finished_at", "an earlier run"))


def _outputs(processed_dir: Path) -> dict[str, str]:
    """Every published file as a reader finds it, by name and SHA-256."""
    return {p.name: file_sha256(p) for p in published_files(processed_dir)}


def record_run(processed_dir: Path, print_: str, publication: str | None = None) -> None:
    """Remember a successful run's fingerprint, its publication and the outputs it left.

    Called under the run lock right after the run, so the outputs are this run's.
    """
    marker = Path(processed_dir) / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "fingerprint": print_,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "publication": publication,
        "outputs": _outputs(Path(processed_dir)),
    }
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(marker)


def forget_last_run(processed_dir: Path) -> None:
    """Make the next run do the work whatever its fingerprint."""
    (Path(processed_dir) / MARKER).unlink(missing_ok=True)
