"""The sources, as data: one declaration each, from which the raw asset, the validated
and quarantine outputs, the `nothing_lost` check and the quarantine union are made.

A new source is one more `Source` here (its files, reader and validator are declared
in `tillvaxt.validate`, its raw headers in its pandera model's field metadata); `assets/raw.py` and `assets/validated.py` build its assets,
and `quarantine` (assets/reconciled.py) picks up its unreadable rows, by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSpec, AssetOut, Output

from assets._meta import money, paid_by_year
from assets.resources import TillvaxtSettings
from tillvaxt.rawfiles import SourceFiles
from tillvaxt.validate import appropriations, decisions, eu_projects, payouts, population, surveys
from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations
from tillvaxt.validate.decisions import read_decisions, validate_decisions
from tillvaxt.validate.eu_projects import read_eu_projects, validate_eu_projects
from tillvaxt.validate.payouts import conflict_message, read_payouts, validate_payouts
from tillvaxt.validate.population import read_population, validate_population
from tillvaxt.validate.quarantine import Validated
from tillvaxt.validate.surveys import (
    read_profiles,
    read_survey,
    validate_profiles,
    validate_survey,
)

MERGED = "rows read = validated + quarantined + identical repeats merged"


@dataclass(frozen=True)
class Extra:
    """A source's own outputs and checks beside its table and quarantine."""

    outs: dict[str, AssetOut]
    checks: list[AssetCheckSpec]
    results: Callable[[Validated], Iterator[Output | AssetCheckResult]]


def _conflicts(v: Validated) -> Iterator[Output | AssetCheckResult]:
    yield Output(v.conflicts, "payouts_conflicts", metadata={"rows": len(v.conflicts)})
    yield AssetCheckResult(
        asset_key="payouts",
        check_name="no_conflicting_vouchers",
        passed=v.conflicts.empty,
        metadata={
            "conflicts": "\n".join(conflict_message(r) for _, r in v.conflicts.iterrows()) or "none"
        },
    )


# Vouchers that appear with different content in two exports: that year cannot be
# reconciled, so `appropriation_reconciliation` stops on them.
PAYOUT_CONFLICTS = Extra(
    outs={
        "payouts_conflicts": AssetOut(
            kinds={"pandas"},
            description="Vouchers that appear with different content in two exports, with both files and lines.",
        )
    },
    checks=[
        AssetCheckSpec(
            "no_conflicting_vouchers",
            asset="payouts",
            blocking=True,
            description="no voucher appears with different content in two exports (that year cannot be reconciled)",
        )
    ],
    results=_conflicts,
)


@dataclass(frozen=True)
class Source:
    """One raw source: how it is read, validated and described."""

    name: str
    # Its folder, file patterns and required headers (from the model's raw metadata).
    files: SourceFiles
    read: Callable[[Path], pd.DataFrame]
    validate: Callable[[pd.DataFrame], Validated]
    kinds: frozenset[str]
    raw_description: str
    description: str
    # What `nothing_lost` proves for this source, in words.
    accounting: str = "rows read = validated + quarantined"
    # The validated table's own metadata, beyond its row count.
    metadata: Callable[[Validated], dict] = field(default=lambda v: {})
    # Validation that needs the region (decision priorities): `validate(raw, region)`.
    needs_region: bool = False
    extra: Extra | None = None

    def validated(self, raw: pd.DataFrame, settings: TillvaxtSettings | None) -> Validated:
        if self.needs_region:
            assert settings is not None
            return self.validate(raw, settings.region())  # type: ignore[call-arg]
        return self.validate(raw)


def _decision_metadata(v: Validated) -> dict:
    auth = v.valid[v.valid["authoritative"]]
    return {
        "authoritative_decisions": len(auth),
        "authoritative_snapshot": str(auth["source_file"].iloc[0]) if len(auth) else "none",
        "granted_total": money(auth["granted_ore"].sum()),
    }


SOURCES: tuple[Source, ...] = (
    Source(
        "appropriations",
        appropriations.FILES,
        read_appropriations,
        validate_appropriations,
        frozenset({"csv"}),
        "Appropriation files (regleringsbrev) as delivered, every row as text with its file and line.",
        "Allocation per year and appropriation, with credit limit and savings cap (öre).",
        accounting=MERGED,
        metadata=lambda v: {"allocated_by_year": paid_by_year(v.valid, "allocated_ore")},
    ),
    Source(
        "payouts",
        payouts.FILES,
        read_payouts,
        validate_payouts,
        frozenset({"csv"}),
        "Finance-system payout exports as delivered (overlapping), every row as text with its file and line.",
        "One row per voucher: overlapping exports merged, amounts in öre, organisation numbers normalised.",
        accounting=MERGED,
        metadata=lambda v: {
            "paid_by_year": paid_by_year(v.valid, "amount_ore"),
            "identical_repeats_merged": v.duplicates_merged,
            "conflicting_vouchers": len(v.conflicts),
        },
        extra=PAYOUT_CONFLICTS,
    ),
    Source(
        "decisions",
        decisions.FILES,
        read_decisions,
        validate_decisions,
        frozenset({"csv", "excel"}),
        "Decision-register snapshots (CSV and XLSX) as delivered, every row as text with its file and line.",
        "Every snapshot's decisions, typed; the newest snapshot flagged authoritative.",
        metadata=_decision_metadata,
        needs_region=True,
    ),
    Source(
        "eu_projects",
        eu_projects.FILES,
        read_eu_projects,
        validate_eu_projects,
        frozenset({"csv"}),
        "Tillväxtverket's EU project bank as delivered (optional; ','-separated, quoted multi-line fields), every record as text with its file and starting line.",
        "EU projects from Tillväxtverket's bank: case id, granted öre, period, counties; empty when no register is delivered.",
    ),
    Source(
        "profiles",
        surveys.PROFILE_FILES,
        read_profiles,
        validate_profiles,
        frozenset({"csv"}),
        "Recipient profiles (surveys/mottagarprofil_*.csv) as delivered, as text with file and line.",
        "One profile per organisation (the newest delivery), group values or empty.",
        accounting="rows read = validated + quarantined + superseded by a newer row",
        metadata=lambda v: {"superseded": v.superseded},
    ),
    Source(
        "survey",
        surveys.SURVEY_FILES,
        read_survey,
        validate_survey,
        frozenset({"csv"}),
        "Population survey microdata (surveys/befolkningsenkat_*.csv) as delivered, as text with file and line.",
        "Survey respondents: groups, stratum, weight (from its decimal-comma text), 0/1 indicators.",
        accounting=MERGED,
    ),
    Source(
        "population",
        population.FILES,
        read_population,
        validate_population,
        frozenset({"csv"}),
        "Statistics Sweden's counts of business leaders (population/*.csv) as delivered.",
        "Business leaders per year, municipality and group (the representation baseline).",
    ),
)
SOURCE_NAMES = tuple(s.name for s in SOURCES)
