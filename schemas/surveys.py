"""The validated survey tables: recipient profiles and the weighted population survey."""

import pandera.pandas as pa
from pandera.typing import Series

from tillvaxt.groups import CATEGORIES


def _dim(name: str) -> object:
    return pa.Field(isin=CATEGORIES[name], nullable=True)


class PersonGroups(pa.DataFrameModel):
    """The five group dimensions of the person leading an organisation or answering the
    survey (empty value = not known); shared by both survey tables."""

    kon: Series[str] = _dim("kon")
    bakgrund: Series[str] = _dim("bakgrund")
    utbildning: Series[str] = _dim("utbildning")
    inkomstklass: Series[str] = _dim("inkomstklass")
    aldersgrupp: Series[str] = _dim("aldersgrupp")


class RecipientProfiles(PersonGroups):
    """One row per organisation: the person leading it (empty value = not known)."""

    org_number: Series[str] = pa.Field(str_length={"min_value": 10, "max_value": 10}, unique=True)
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False


class PopulationSurvey(PersonGroups):
    """One row per respondent; `Ind_*` are 0/1 with empty = item non-response.

    The weight is a float because it only ever enters the survey statistics; it is
    parsed from its exact decimal text, never from a guessed format.
    """

    respondent_id: Series[str]
    year: Series[int] = pa.Field(ge=1990, le=2100, metadata={"must": "be a year from 1990 to 2100"})
    municipality_code: Series[str] = pa.Field(
        str_matches=r"^[0-9]{4}$", nullable=True, metadata={"must": "be four digits or empty"}
    )
    stratum: Series[str]
    weight: Series[float] = pa.Field(gt=0)
    indicators: Series[pa.Int64] = pa.Field(
        alias="^Ind_", regex=True, isin=[0, 1], nullable=True, required=False
    )
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
