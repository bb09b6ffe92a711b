"""Who owns the assets and how fresh the published tables must be, applied in one place.

Set here over the finished asset definitions (with `map_asset_specs`) rather than in
every `@asset` call, so a new asset gets an owner without anyone remembering to add
one, and the stage modules stay about what they compute.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from dagster import AssetsDefinition, AssetSpec, FreshnessPolicy, map_asset_specs

OWNERS = ["team:tillvaxt"]
PUBLISHED_PREFIX = "published"

# The nightly run starts at 02:00 and takes minutes; a published table last written
# more than 26 hours ago means last night's run did not publish it (warn after 25).
# Evaluated by the daemon when the instance has `freshness: enabled: true`
# (deploy/dagster*.yaml).
PUBLISHED_FRESHNESS = FreshnessPolicy.time_window(
    fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
)


def _with_operations(spec: AssetSpec) -> AssetSpec:
    spec = spec.replace_attributes(owners=spec.owners or OWNERS)
    if spec.key.path[0] == PUBLISHED_PREFIX and spec.freshness_policy is None:
        spec = spec.replace_attributes(freshness_policy=PUBLISHED_FRESHNESS)
    return spec


def with_operational_attributes(
    assets: Iterable[AssetsDefinition],
) -> Sequence[AssetsDefinition]:
    """Every asset with an owner (unless it names its own); `published/*` with a freshness policy."""
    return list(map_asset_specs(_with_operations, list(assets)))
