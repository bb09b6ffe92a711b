"""What every source's assets share: reading the raw folder, the validated outputs, and
the "nothing lost" check (rows read = validated + quarantined + merged or superseded).

One definition here, so a new source gets the same error handling, metadata and
invariant as the others by construction.
"""

from collections.abc import Callable
from pathlib import Path

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec, AssetOut, MetadataValue

from assets._meta import input_failure
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import FILE_COL
from tillvaxt.validate.quarantine import Validated


def read_raw(reader: Callable[[Path], pd.DataFrame], raw_path: Path) -> pd.DataFrame:
    """Run a source's reader; an unreadable file becomes a Dagster failure with the user's sentence."""
    try:
        return reader(raw_path)
    except InputError as exc:
        raise input_failure(exc) from exc


def raw_metadata(frame: pd.DataFrame) -> dict:
    """Rows read and rows per file, for the ingest assets."""
    counts = frame[FILE_COL].value_counts().sort_index()
    return {
        "rows_read": len(frame),
        "files": MetadataValue.md(
            "\n".join(f"- `{f}`: {n} rows" for f, n in counts.items()) or "_(none delivered)_"
        ),
    }


def validated_outs(name: str, description: str) -> dict[str, AssetOut]:
    """A source's validated table and its quarantine, as the outputs of one multi-asset."""
    return {
        name: AssetOut(description=description, kinds={"pandas"}),
        f"{name}_quarantine": AssetOut(
            description=f"Rows of the {name} source that could not be read, with file, line and reason.",
            kinds={"pandas"},
        ),
    }


def nothing_lost_spec(
    name: str, description: str = "rows read = validated + quarantined"
) -> AssetCheckSpec:
    """The declaration of a source's "nothing lost" check."""
    return AssetCheckSpec("nothing_lost", asset=name, description=description)


def nothing_lost(name: str, v: Validated, merged: int = 0, not_rows: int = 0) -> AssetCheckResult:
    """Every raw row is accounted for: validated, quarantined, or merged into another row.

    `not_rows` are quarantine records that stand for no raw row (a missing year).
    """
    quarantined = len(v.quarantine) - not_rows
    return AssetCheckResult(
        asset_key=name,
        check_name="nothing_lost",
        passed=len(v.valid) + quarantined + merged == v.rows_read,
        severity=AssetCheckSeverity.ERROR,
        metadata={
            "rows_read": v.rows_read,
            "validated": len(v.valid),
            "quarantined": quarantined,
            "merged_or_superseded": merged,
            **({"missing_years": not_rows} if not_rows else {}),
        },
    )
