"""The validated payout table: one row per distinct voucher."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.raw import WORD, raw_column


class Payouts(pa.DataFrameModel):
    """Payouts from the finance system, typed, de-duplicated by voucher."""

    voucher_id: Series[str] = pa.Field(
        str_matches=f"^{WORD}$",
        metadata=raw_column("Verifikationsnummer", must="be one word without spaces"),
    )
    booking_date: Series[pa.DateTime] = pa.Field(metadata=raw_column("Bokföringsdatum"))
    year: Series[int] = pa.Field(
        ge=1990, le=2100, metadata={"must": "be in a budget year from 1990 to 2100"}
    )
    decision_id: Series[str] = pa.Field(nullable=True, metadata=raw_column("Diarienummer"))
    org_number: Series[str] = pa.Field(
        str_length={"min_value": 10, "max_value": 10}, metadata=raw_column("Organisationsnummer")
    )
    recipient_name: Series[str] = pa.Field(nullable=True, metadata=raw_column("Mottagare"))
    instrument: Series[str] = pa.Field(
        str_matches=r"^[A-ZÅÄÖ0-9_]+$",
        metadata=raw_column("Insats", must="be a code of capital letters, digits and '_'"),
    )
    amount_ore: Series[int] = pa.Field(metadata=raw_column("Belopp"))
    appropriation: Series[str] = pa.Field(metadata=raw_column("Anslag"))
    municipality_code: Series[str] = pa.Field(
        str_matches=r"^[0-9]{4}$", metadata=raw_column("Kommun", must="be four digits")
    )
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
