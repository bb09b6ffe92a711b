"""The validated population baseline: people leading a business, per group."""

import pandera.pandas as pa
from pandera.typing import Series

from tillvaxt.groups import CATEGORIES


def _dim(name: str) -> object:
    return pa.Field(isin=CATEGORIES[name], nullable=True)


class Population(pa.DataFrameModel):
    """Statistics Sweden's counts per year, municipality and group (empty value = not known)."""

    year: Series[int] = pa.Field(ge=1990, le=2100, metadata={"must": "be a year from 1990 to 2100"})
    municipality_code: Series[str] = pa.Field(
        str_matches=r"^[0-9]{4}$", nullable=True, metadata={"must": "be four digits or empty"}
    )
    kon: Series[str] = _dim("kon")
    bakgrund: Series[str] = _dim("bakgrund")
    utbildning: Series[str] = _dim("utbildning")
    aldersgrupp: Series[str] = _dim("aldersgrupp")
    count: Series[int] = pa.Field(ge=0)
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
