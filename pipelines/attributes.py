"""What every asset shares, applied in one place over the finished definitions: its
stage group, its owner, the published tables' freshness, and the region partitions.

Set here (with `map_asset_specs`) rather than in every `@asset` call, so a new asset
gets them without anyone remembering to add them, and the stage modules stay about
what they compute. The partitions are the deployment's (`build_definitions`): None for
one region, one per region folder for a national root.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from dagster import (
    AssetsDefinition,
    AssetSpec,
    FreshnessPolicy,
    PartitionsDefinition,
    map_asset_specs,
)

OWNERS = ["team:tillvaxt"]
PUBLISHED_PREFIX = "published"

# The nightly run starts at 02:00 and takes minutes; a published table last written
# more than 26 hours ago means last night's run did not publish it (warn after 25).
# Evaluated by the daemon when the instance has `freshness: enabled: true`
# (deploy/dagster*.yaml).
PUBLISHED_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
)


def with_operational_attributes(
    assets: Iterable[AssetsDefinition], regions: PartitionsDefinition | None = None
) -> Sequence[AssetsDefinition]:
    """Every asset with an owner (unless it names its own) and the region partitions;
    `published/*` with a freshness policy."""

    def attributes(spec: AssetSpec) -> AssetSpec:
        spec = spec.replace_attributes(owners=spec.owners or OWNERS, partitions_def=regions)
        if spec.key.path[0] == PUBLISHED_PREFIX and spec.freshness_policy is None:
            spec = spec.replace_attributes(freshness_policy=PUBLISHED_FRESHNESS)
        return spec

    return list(map_asset_specs(attributes, list(assets)))
