"""Quarantine: raw rows that could not be read, with where they came from and why."""

import pandera.pandas as pa
from pandera.typing import Series


class Quarantine(pa.DataFrameModel):
    """One row per unreadable raw row (`unreadable_row`), or per year missing between two
    on an appropriation file (`missing_year`). Reasons have personal numbers masked."""

    source: Series[str] = pa.Field(
        isin=["appropriations", "payouts", "decisions", "surveys", "population", "eu_projects"]
    )
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=1)
    year: Series[pa.Int64] = pa.Field(nullable=True)
    appropriation: Series[str] = pa.Field(nullable=True)
    rule: Series[str] = pa.Field(isin=["unreadable_row", "missing_year"])
    reason: Series[str]

    class Config:
        strict = True
