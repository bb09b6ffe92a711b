"""Statistics: recipient profiles, population baseline and survey → support_by_group, survey_estimates.

The disclosure audit is a
blocking check on `support_cells`; but the statistics never stop the run: a year
without a safe pattern, a pattern failing the audit, or any exception in the
statistics code withholds the table (or the year) instead, says why in the metadata,
and emits a `statistics_withheld` finding (`support_withheld`, `survey_withheld`,
which `payout_exceptions` includes). So the audit check passes on what is published.
"""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetOut,
    Config,
    MetadataValue,
    Output,
    asset,
    multi_asset,
)

from tillvaxt.statistics.design import crosses_to_publish
from tillvaxt.statistics.disclosure import DEFAULT_TIME_LIMIT, DisclosureRules
from tillvaxt.statistics.guard import guarded_public, guarded_survey, protected_support
from tillvaxt.statistics.support import support_cells as true_cells
from tillvaxt.statistics.survey import MIN_ANSWERS


class DisclosureConfig(Config):
    """Disclosure thresholds (the ESS handbook's defaults); change them at launch if needed."""

    frequency_threshold: int = 3
    p_percent: float = 10.0
    # Seconds the optimiser may spend on one year; after that the year is withheld whole.
    time_limit_s: float = DEFAULT_TIME_LIMIT
    # Choose the published tables inside the optimiser (`tillvaxt.statistics.joint`)
    # instead of by the fixed rule alone: on the sample 150 non-empty cells instead of
    # 136, for statistics steps of 3.3 s instead of 1.7 s (two cores; 4.7 s of CPU);
    # a year it does not finish within `joint_time_limit_s` (the sample's take 1–2 s),
    # or does not improve, keeps the rule's design. `False`: the rule alone.
    joint_design: bool = True
    joint_time_limit_s: float = 20.0


class SurveyConfig(Config):
    """No survey estimate is published on fewer answers than this (SCB's ULF rule)."""

    min_answers: int = MIN_ANSWERS


WITHHELD_DESCRIPTION = (
    "statistics_withheld findings (payout_exceptions' columns): which statistics table "
    "or year is withheld whole, and why; empty when everything is published."
)


def with_withheld(name: str, description: str) -> dict[str, AssetOut]:
    """A statistics table and its `statistics_withheld` findings (`<stem>_withheld`)."""
    stem = name.split("_")[0]
    return {
        name: AssetOut(kinds={"pandas"}, description=description),
        f"{stem}_withheld": AssetOut(kinds={"pandas"}, description=WITHHELD_DESCRIPTION),
    }


@multi_asset(
    outs=with_withheld(
        "support_cells",
        "Every cell of the linked support tables with its true values, primary and "
        "secondary suppression and the reason; internal, never published.",
    ),
    check_specs=[
        AssetCheckSpec(
            "disclosure_audit",
            asset="support_cells",
            blocking=True,
            description=(
                "independent LP audit (outsider and every organisation alone in a withheld "
                "cell): no sensitive cell published, every withheld cell's feasibility "
                "interval wide enough; a year that fails is withheld whole, never published"
            ),
        )
    ],
)
def support_cells(
    context: AssetExecutionContext,
    config: DisclosureConfig,
    payouts: pd.DataFrame,
    profiles: pd.DataFrame,
    population: pd.DataFrame,
):
    try:
        rules = DisclosureRules(config.frequency_threshold, config.p_percent, config.time_limit_s)
    except ValueError as exc:
        context.log.warning(f"disclosure: {exc}; using the defaults")
        rules = DisclosureRules()
    result = protected_support(
        lambda: true_cells(payouts, profiles, population),
        rules,
        sorted({int(y) for y in payouts["year"].dropna()}) if "year" in payouts else [],
        design=lambda cells: crosses_to_publish(cells, rules),
        joint_time_limit=config.joint_time_limit_s if config.joint_design else None,
    )
    cells = result.frame
    counts = cells["suppression_reason"].replace("", "published").value_counts().to_dict()
    withheld = {str(k): v for k, v in result.withheld.items()}
    yield Output(
        cells,
        "support_cells",
        metadata={
            "cells": len(cells),
            **{k: int(v) for k, v in counts.items()},
            "published_non_empty": int(((cells["recipients"] > 0) & ~cells["suppressed"]).sum())
            if len(cells)
            else 0,
            "withheld_years": MetadataValue.json(withheld),
            "table_design": MetadataValue.json(result.design_notes or ["rule-based design"]),
            "seconds": round(result.seconds, 2),
        },
    )
    yield Output(result.findings, "support_withheld", metadata={"rows": len(result.findings)})
    yield AssetCheckResult(
        check_name="disclosure_audit",
        asset_key="support_cells",
        passed=result.under_protected == 0,
        metadata={
            "suppressed_cells_audited": result.audited,
            "under_protected": result.under_protected,
            "withheld_years": MetadataValue.json(withheld),
            "rules": f"frequency < {rules.frequency_threshold}, p = {rules.p_percent} %",
        },
    )


@asset(
    kinds={"pandas"},
    description="Recipients and net SEK by gender × background, education, income and age, disclosure-controlled.",
)
def support_by_group(context: AssetExecutionContext, support_cells: pd.DataFrame) -> pd.DataFrame:
    table, why = guarded_public(support_cells)
    context.add_output_metadata(
        {
            "rows": len(table),
            "published_cells": int((~table["suppressed"]).sum()),
            "suppressed_cells": int(table["suppressed"].sum()),
            **({"withheld_because": why} if why else {}),
        }
    )
    return table


@multi_asset(
    outs=with_withheld(
        "survey_estimates",
        "Weighted survey proportions per indicator, year and group with design-based "
        "95 % intervals (domain degrees of freedom, Korn–Graubard at 0 and 1).",
    ),
)
def survey_estimates(context: AssetExecutionContext, config: SurveyConfig, survey: pd.DataFrame):
    result = guarded_survey(survey, config.min_answers)
    table = result.frame
    yield Output(
        table,
        "survey_estimates",
        metadata={
            "rows": len(table),
            "published_cells": int((~table["suppressed"]).sum()),
            "suppressed_cells": int(table["suppressed"].sum()),
            "indicators": MetadataValue.text(", ".join(sorted(table["indicator"].unique()))),
            "withheld": MetadataValue.json({str(k): v for k, v in result.withheld.items()}),
            # A stratum is typed by a person and may hold a personal number: masked.
            "warnings": MetadataValue.json(result.warnings),
        },
    )
    yield Output(result.findings, "survey_withheld", metadata={"rows": len(result.findings)})
