"""The validated appropriation table (regleringsbrev): one row per year and appropriation."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.raw import WORD, raw_column


class Appropriations(pa.DataFrameModel):
    """What the state allocated, with the credit and savings limits."""

    year: Series[int] = pa.Field(
        ge=1990, le=2100, metadata=raw_column("År", must="be a year from 1990 to 2100")
    )
    appropriation: Series[str] = pa.Field(
        str_matches=f"^{WORD}$", metadata=raw_column("Anslag", must="be a code without spaces")
    )
    allocated_ore: Series[int] = pa.Field(ge=0, metadata=raw_column("Tilldelat belopp"))
    credit_limit_ore: Series[int] = pa.Field(ge=0, metadata=raw_column("Anslagskredit"))
    max_savings_ore: Series[pa.Int64] = pa.Field(
        nullable=True, ge=0, metadata=raw_column("Högsta anslagssparande", optional=True)
    )
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
