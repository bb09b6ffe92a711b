"""Validated: typed tables checked by their pandera models, and the quarantine.

Each source (`assets/sources.py`) yields its validated table and its quarantined rows;
an asset check proves nothing was lost: rows read = rows validated + rows quarantined
(+ identical repeats merged or rows superseded). The payout exports also set aside
vouchers that appear with different content in two files, and say so in a check.
"""

from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    AssetOut,
    AssetsDefinition,
    Output,
    multi_asset,
)

from assets._meta import input_failure
from assets._sources import nothing_lost, nothing_lost_spec, validated_outs
from assets.resources import TillvaxtSettings
from assets.sources import SOURCES, Source
from tillvaxt.errors import InputError
from tillvaxt.validate.payouts import conflict_message
from tillvaxt.validate.quarantine import Validated

# The payout exports' extra output and check: conflicting vouchers (that year cannot be
# reconciled, so `appropriation_reconciliation` stops on them).
CONFLICTS_OUT = {
    "payouts_conflicts": AssetOut(
        kinds={"pandas"},
        description="Vouchers that appear with different content in two exports, with both files and lines.",
    )
}
CONFLICTS_CHECK = AssetCheckSpec(
    "no_conflicting_vouchers",
    asset="payouts",
    blocking=True,
    description="no voucher appears with different content in two exports (that year cannot be reconciled)",
)


def _outputs(source: Source, v: Validated) -> Iterator[Output | AssetCheckResult]:
    name = source.name
    yield Output(v.valid, name, metadata={"rows": len(v.valid), **source.metadata(v)})
    yield Output(v.quarantine, f"{name}_quarantine", metadata={"rows": len(v.quarantine)})
    if name == "payouts":
        yield Output(v.conflicts, "payouts_conflicts", metadata={"rows": len(v.conflicts)})
    yield nothing_lost(name, v, merged=v.merged, not_rows=v.not_rows)
    if name == "payouts":
        yield AssetCheckResult(
            asset_key="payouts",
            check_name="no_conflicting_vouchers",
            passed=v.conflicts.empty,
            metadata={
                "conflicts": "\n".join(conflict_message(r) for _, r in v.conflicts.iterrows())
                or "none"
            },
        )


def _validate(source: Source, raw: pd.DataFrame, settings: TillvaxtSettings | None) -> Validated:
    try:
        return source.validated(raw, settings)
    except InputError as exc:
        raise input_failure(exc) from exc


def validated_asset(source: Source) -> AssetsDefinition:
    """The source's multi-asset: `<source>` and `<source>_quarantine`, with `nothing_lost`."""
    payouts = source.name == "payouts"
    spec = dict(
        name=source.name,
        ins={"raw": AssetIn(f"raw_{source.name}")},
        outs={
            **validated_outs(source.name, source.description),
            **(CONFLICTS_OUT if payouts else {}),
        },
        check_specs=[
            nothing_lost_spec(source.name, source.accounting),
            *([CONFLICTS_CHECK] if payouts else []),
        ],
    )
    if source.needs_region:

        @multi_asset(**spec)
        def _with_region(
            context: AssetExecutionContext, raw: pd.DataFrame, settings: TillvaxtSettings
        ):
            yield from _outputs(source, _validate(source, raw, settings))

        return _with_region

    @multi_asset(**spec)
    def _validated(context: AssetExecutionContext, raw: pd.DataFrame):
        yield from _outputs(source, _validate(source, raw, None))

    return _validated


validated_assets = [validated_asset(s) for s in SOURCES]
# By name, for tests and callers that invoke one directly.
appropriations, payouts, decisions, eu_projects, profiles, survey, population = validated_assets
