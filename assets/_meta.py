"""Metadata shared by the assets: counts, money totals and masked previews.

Money in the UI reads as a controller writes it (`10 811 000,00 kr`), never as the
float a markdown renderer makes of a Decimal (`1.0811e+07`); totals are per year,
since a sum across budget years is a figure nobody uses.
"""

from decimal import Decimal

import pandas as pd
from dagster import Failure, MetadataValue

from tillvaxt.errors import InputError
from tillvaxt.money import decimal_to_ore, format_swedish
from tillvaxt.publish.tables import SEK_SUFFIX, to_published
from tillvaxt.sums import sums_by_year


def money(ore: int) -> str:
    """A total as a controller reads it."""
    return f"{format_swedish(int(ore), decimals=True)} kr"


def kronor(value: object) -> object:
    """A published amount (exact `Decimal` kronor) as Swedish text; empty stays empty."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return money(decimal_to_ore(value))
    return value


def swedish_money(published: pd.DataFrame) -> pd.DataFrame:
    """A published frame with its money columns as Swedish text, for showing only."""
    out = published.copy()
    for col in out.columns:
        if str(col).endswith(SEK_SUFFIX):
            out[col] = out[col].map(kronor).astype(object)
    return out


def preview(frame: pd.DataFrame, rows: int = 10) -> MetadataValue:
    """A markdown preview, masked and in SEK like the published table, money in Swedish."""
    shown = swedish_money(to_published(frame.head(rows)))
    return MetadataValue.md(shown.to_markdown(index=False) if len(shown) else "_(no rows)_")


def paid_by_year(frame: pd.DataFrame, column: str = "paid_ore") -> MetadataValue:
    """An amount per budget year ({"2017": "10 925 348,00 kr"}), from öre or published kronor."""
    totals = {}
    if len(frame) and column in frame.columns:
        for year, total in sorted(sums_by_year(frame["year"], frame[column]).items()):
            totals[str(year)] = money(int(total)) if column.endswith("_ore") else kronor(total)
    return MetadataValue.json(totals)


def input_failure(exc: InputError) -> Failure:
    """An input problem as a Dagster failure whose description is the user's sentence."""
    return Failure(
        description=str(exc),
        metadata={"file": str(exc.file), "line": exc.line or 0},
        allow_retries=False,
    )
