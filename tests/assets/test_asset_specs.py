"""The asset graph as a reviewer sees it: every asset's group, dependencies, partitions
and checks, for one region and for a national root, compared with a committed snapshot
(`tests/snapshots/asset_specs.json`), so a change to the graph shows up in review.

After an intended change, regenerate it and commit the diff with the change:

    TILLVAXT_TEST_UPDATE_SNAPSHOT=1 uv run pytest -q tests/assets/test_asset_specs.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions

# At the repository's tests/snapshots/, wherever this test file is moved to.
ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
SNAPSHOT = ROOT / "tests" / "snapshots" / "asset_specs.json"
UPDATE = "TILLVAXT_TEST_UPDATE_SNAPSHOT"


def graph_shape(settings: TillvaxtSettings) -> dict:
    """Sorted, JSON-ready: per asset key its group, deps, partition keys and checks; the jobs."""
    defs = build_definitions(settings)
    graph = defs.resolve_asset_graph()
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "partitions": sorted(partitions.get_partition_keys()) if partitions else None,
            "checks": sorted(
                f"{c.name}{' (blocking)' if graph.get_check_spec(c).blocking else ''}"
                for c in graph.asset_check_keys
                if c.asset_key == key
            ),
        }
    jobs = {
        j.name: {
            "executor": j.executor_def.name,
            "partitions": sorted(j.partitions_def.get_partition_keys())
            if j.partitions_def
            else None,
        }
        for j in sorted(defs.resolve_all_job_defs(), key=lambda j: j.name)
        if not j.name.startswith("__")
    }
    return {"assets": assets, "jobs": jobs}


def test_the_asset_graph_matches_the_snapshot(tmp_path: Path) -> None:
    (tmp_path / "regions" / "halland").mkdir(parents=True)
    (tmp_path / "regions" / "kronoberg").mkdir()
    shapes = {
        "one_region": graph_shape(
            TillvaxtSettings(raw_dir=str(tmp_path / "raw"), processed_dir=str(tmp_path / "out"))
        ),
        "national": graph_shape(
            TillvaxtSettings(
                raw_dir="",
                processed_dir=str(tmp_path / "out"),
                regions_root=str(tmp_path / "regions"),
            )
        ),
    }
    text = json.dumps(shapes, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if os.environ.get(UPDATE):
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert SNAPSHOT.is_file(), f"no snapshot yet: run with {UPDATE}=1 and commit it"
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert shapes == expected, (
        "the asset graph changed; if intended, regenerate the snapshot "
        f"({UPDATE}=1) and commit it with the change"
    )
    # One region shows no partitions; a national root one per region folder, everywhere.
    assert all(a["partitions"] is None for a in shapes["one_region"]["assets"].values())
    assert all(
        a["partitions"] == ["halland", "kronoberg"] for a in shapes["national"]["assets"].values()
    )
