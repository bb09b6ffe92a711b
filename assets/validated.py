"""Validated: typed tables checked by their pandera models, and the quarantine.

Each source yields its validated table and its quarantined rows; an asset check
proves nothing was lost: rows read = rows validated + rows quarantined (+ identical
repeats merged, for the overlapping payout exports).
"""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetOut,
    Output,
    multi_asset,
)

from assets._meta import input_failure, money
from assets._sources import nothing_lost, validated_outs
from pipelines.partitions import REGIONS
from pipelines.resources import TillvaxtSettings
from tillvaxt.errors import InputError
from tillvaxt.validate.appropriations import validate_appropriations
from tillvaxt.validate.decisions import validate_decisions
from tillvaxt.validate.payouts import conflict_message, validate_payouts


@multi_asset(
    partitions_def=REGIONS,
    outs=validated_outs(
        "appropriations",
        "Allocation per year and appropriation, with credit limit and savings cap (öre).",
    ),
    check_specs=[
        AssetCheckSpec(
            "nothing_lost",
            asset="appropriations",
            description="rows read = validated + quarantined + identical repeats merged",
        )
    ],
)
def appropriations(context: AssetExecutionContext, raw_appropriations: pd.DataFrame):
    try:
        v = validate_appropriations(raw_appropriations)
    except InputError as exc:
        raise input_failure(exc) from exc
    yield Output(
        v.valid,
        "appropriations",
        metadata={"rows": len(v.valid), "allocated_total": money(v.valid["allocated_ore"].sum())},
    )
    yield Output(v.quarantine, "appropriations_quarantine", metadata={"rows": len(v.quarantine)})
    yield nothing_lost("appropriations", v, merged=v.duplicates_merged, not_rows=v.missing_years)


@multi_asset(
    partitions_def=REGIONS,
    outs={
        **validated_outs(
            "payouts",
            "One row per voucher: overlapping exports merged, amounts in öre, organisation numbers normalised.",
        ),
        "payouts_conflicts": AssetOut(
            group_name="validated",
            kinds={"pandas"},
            description="Vouchers that appear with different content in two exports, with both files and lines.",
        ),
    },
    check_specs=[
        AssetCheckSpec(
            "nothing_lost",
            asset="payouts",
            description="rows read = validated + quarantined + identical repeats merged",
        ),
        AssetCheckSpec(
            "no_conflicting_vouchers",
            asset="payouts",
            blocking=True,
            description="no voucher appears with different content in two exports (that year cannot be reconciled)",
        ),
    ],
)
def payouts(context: AssetExecutionContext, raw_payouts: pd.DataFrame):
    try:
        v = validate_payouts(raw_payouts)
    except InputError as exc:
        raise input_failure(exc) from exc
    yield Output(
        v.valid,
        "payouts",
        metadata={
            "rows": len(v.valid),
            "paid_total": money(v.valid["amount_ore"].sum()),
            "identical_repeats_merged": v.duplicates_merged,
            "conflicting_vouchers": len(v.conflicts),
        },
    )
    yield Output(v.quarantine, "payouts_quarantine", metadata={"rows": len(v.quarantine)})
    yield Output(v.conflicts, "payouts_conflicts", metadata={"rows": len(v.conflicts)})
    yield nothing_lost("payouts", v, merged=v.duplicates_merged + len(v.conflicts))
    yield AssetCheckResult(
        asset_key="payouts",
        check_name="no_conflicting_vouchers",
        passed=v.conflicts.empty,
        metadata={
            "conflicts": "\n".join(conflict_message(r) for _, r in v.conflicts.iterrows()) or "none"
        },
    )


@multi_asset(
    partitions_def=REGIONS,
    outs=validated_outs(
        "decisions", "Every snapshot's decisions, typed; the newest snapshot flagged authoritative."
    ),
    check_specs=[
        AssetCheckSpec(
            "nothing_lost", asset="decisions", description="rows read = validated + quarantined"
        )
    ],
)
def decisions(
    context: AssetExecutionContext, raw_decisions: pd.DataFrame, settings: TillvaxtSettings
):
    try:
        v = validate_decisions(raw_decisions, settings.region())
    except InputError as exc:
        raise input_failure(exc) from exc
    auth = v.valid[v.valid["authoritative"]]
    yield Output(
        v.valid,
        "decisions",
        metadata={
            "rows": len(v.valid),
            "authoritative_decisions": len(auth),
            "authoritative_snapshot": str(auth["source_file"].iloc[0]) if len(auth) else "none",
            "granted_total": money(auth["granted_ore"].sum()),
        },
    )
    yield Output(v.quarantine, "decisions_quarantine", metadata={"rows": len(v.quarantine)})
    yield nothing_lost("decisions", v)
