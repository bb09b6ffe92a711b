"""Metadata shared by the assets: counts, money totals and masked previews."""

import pandas as pd
from dagster import Failure, MetadataValue

from tillvaxt.errors import InputError
from tillvaxt.money import format_swedish
from tillvaxt.publish.tables import to_published


def money(ore: int) -> str:
    """A total as a controller reads it."""
    return f"{format_swedish(int(ore), decimals=True)} kr"


def preview(frame: pd.DataFrame, rows: int = 10) -> MetadataValue:
    """A markdown preview, masked and in SEK like the published table."""
    shown = to_published(frame.head(rows))
    return MetadataValue.md(shown.to_markdown(index=False) if len(shown) else "_(no rows)_")


def input_failure(exc: InputError) -> Failure:
    """An input problem as a Dagster failure whose description is the user's sentence."""
    return Failure(
        description=str(exc),
        metadata={"file": str(exc.file), "line": exc.line or 0},
        allow_retries=False,
    )
