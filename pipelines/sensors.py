"""Sensors: run the pipeline as soon as a raw file is new or has changed.

The nightly schedule rebuilds everything at 02:00; a late export delivered at 09:00
should not wait for the next night. The sensor hashes every file under the raw tree
(SHA-256 of the content, not the modification time: a copy that keeps the old mtime,
or a touch without change, must neither be missed nor cause a run) and requests a
run when the set of (path, hash) differs from the one it saw last.

The cursor is the JSON object path → sha256 of the last state a run was requested
for. The run key is derived from the previous *and* the new state, so:

- a tick evaluated twice on the same state (e.g. the daemon restarted before the
  cursor was stored) yields the same run key and Dagster starts no second run;
- a tree that goes A → B → A (a wrong export replaced and then withdrawn) still gets
  a run for the return to A, which a key from the new state alone would swallow.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    PartitionsDefinition,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from assets.resources import TillvaxtSettings
from pipelines.schedules import region_keys
from tillvaxt.orgnr import scrub
from tillvaxt.rawfiles import input_files

# Often enough that a late export is picked up within minutes; hashing a national
# tree (a few hundred MB) costs about a second.
MINIMUM_INTERVAL_SECONDS = 120
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's content, read in chunks (exports can be large)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def raw_tree_state(raw_dir: Path) -> dict[str, str]:
    """Every input file under the raw tree (relative POSIX path) with its content hash, sorted.

    Which files count is `tillvaxt.rawfiles.counts_as_input`, the readers' own rule:
    hidden files and Office lock files are neither read nor watched.
    """
    return {p.relative_to(raw_dir).as_posix(): file_sha256(p) for p in input_files(raw_dir)}


def state_digest(state: dict[str, str]) -> str:
    """One hash for a whole tree state (order-independent: the paths are sorted)."""
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def changed_files(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Paths that are new, changed or gone between two states."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def parse_cursor(cursor: str | None) -> dict[str, str]:
    """The state stored in the cursor; a missing or unreadable cursor counts as no state."""
    if not cursor:
        return {}
    try:
        state = json.loads(cursor)
    except json.JSONDecodeError:
        return {}
    return state if isinstance(state, dict) else {}


def region_state(state: dict[str, str], region_id: str | None) -> dict[str, str]:
    """The part of a tree state that is one region's (paths `<region>/...`); all of it for None."""
    if region_id is None:
        return state
    prefix = f"{region_id}/"
    return {p: h for p, h in state.items() if p.startswith(prefix)}


def changed_regions(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The regions with a file new, changed or removed between two national tree states."""
    return sorted({p.split("/", 1)[0] for p in changed_files(before, after) if "/" in p})


def _run_request(
    before: dict[str, str], after: dict[str, str], region: str | None
) -> RunRequest | None:
    """A run for the region if its part of the tree changed, else None."""
    mine_before, mine_after = region_state(before, region), region_state(after, region)
    changed = changed_files(mine_before, mine_after)
    if not changed:
        return None
    key = {"before": state_digest(mine_before), "after": state_digest(mine_after)}
    return RunRequest(
        run_key=state_digest({**key, **({"region": region} if region else {})}),
        partition_key=region,
        tags={"tillvaxt/changed_files": str(len(changed))},
    )


def raw_files_changed_sensor(job, regions: PartitionsDefinition | None) -> SensorDefinition:
    """`raw_files_changed`: a run for each region whose raw tree has a new, changed or
    removed file (the whole raw tree for one region; `<root>/<region>/` for many)."""

    @sensor(
        name="raw_files_changed",
        job=job,
        minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Starts the pipeline (a region's run) when a file under the raw tree is new, changed "
            "or removed (by SHA-256 of its content), so a late export does not wait for the "
            "nightly run."
        ),
    )
    def raw_files_changed(
        context: SensorEvaluationContext, settings: TillvaxtSettings
    ) -> SensorResult | SkipReason:
        root = Path(settings.regions_root) if regions is not None else settings.raw_path
        before = parse_cursor(context.cursor)
        after = raw_tree_state(root)
        if not after and not before:
            return SkipReason(f"no files under the raw tree {root}")
        requests = [
            r for key in region_keys(regions) if (r := _run_request(before, after, key)) is not None
        ]
        if not requests:
            return SkipReason(f"no change under {root} ({len(after)} files)")
        changed = changed_files(before, after)
        shown = ", ".join(changed[:5]) + (
            f" and {len(changed) - 5} more" if len(changed) > 5 else ""
        )
        # A file name is typed by a person and may hold a personal number: masked in the log.
        context.log.info(scrub(f"raw files new, changed or removed: {shown}"))
        return SensorResult(run_requests=requests, cursor=json.dumps(after, sort_keys=True))

    return raw_files_changed
