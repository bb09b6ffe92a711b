"""Partitions: one per region in a national deployment, none for a single region.

Every asset takes its `partitions_def` from `REGIONS`. Without `TILLVAXT_REGIONS_ROOT`
it is `None`, so the assets, jobs and runs are exactly those of a single region. With
it, each sub-folder of the root is a partition; a new region is a new folder (and a
reload of the code location), not a code change. Static rather than dynamic
partitions: the set of regions is read with the code, needs no sensor to register
them, and a backfill over "all" means every folder that is there.
"""

from __future__ import annotations

from pathlib import Path

from dagster import StaticPartitionsDefinition

from pipelines.resources import TillvaxtSettings, region_ids, settings_from_env


def region_partitions(
    settings: TillvaxtSettings | None = None,
) -> StaticPartitionsDefinition | None:
    """One partition per region folder under the regions root, or None when it is unset."""
    settings = settings or settings_from_env()
    if not settings.regions_root:
        return None
    return StaticPartitionsDefinition(region_ids(Path(settings.regions_root)))


REGIONS = region_partitions()
