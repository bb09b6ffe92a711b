"""The validated decision register: every snapshot's rows, the newest one marked authoritative."""

import pandera.pandas as pa
from pandera.typing import Series

from schemas.raw import WORD, raw_column

DECISION_STATUSES = ["Beviljad", "Avslutad", "Återkallad"]


class Decisions(pa.DataFrameModel):
    """Grant decisions from the case-management system."""

    decision_id: Series[str] = pa.Field(
        str_matches=f"^{WORD}( {WORD})*$",
        metadata=raw_column(
            "Diarienummer", must="be a case number (white space inside read as one space)"
        ),
    )
    decision_date: Series[pa.DateTime] = pa.Field(metadata=raw_column("Beslutsdatum"))
    instrument: Series[str] = pa.Field(
        str_matches=r"^[A-ZÅÄÖ0-9_]+$",
        metadata=raw_column("Insats", must="be a code of capital letters, digits and '_'"),
    )
    org_number: Series[str] = pa.Field(
        str_length={"min_value": 10, "max_value": 10}, metadata=raw_column("Organisationsnummer")
    )
    applicant_name: Series[str] = pa.Field(nullable=True, metadata=raw_column("Sökande"))
    project_name: Series[str] = pa.Field(nullable=True, metadata=raw_column("Projektnamn"))
    granted_ore: Series[int] = pa.Field(ge=0, metadata=raw_column("Beviljat belopp"))
    cofinancing_ore: Series[int] = pa.Field(ge=0, metadata=raw_column("Medfinansiering"))
    project_start: Series[pa.DateTime] = pa.Field(metadata=raw_column("Projektstart"))
    project_end: Series[pa.DateTime] = pa.Field(metadata=raw_column("Projektslut"))
    priority_text: Series[str] = pa.Field(nullable=True, metadata=raw_column("Prioritering"))
    priority_code: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=DECISION_STATUSES, metadata=raw_column("Status"))
    eu_case_id: Series[str] = pa.Field(
        nullable=True, metadata=raw_column("EU-ärende", optional=True)
    )
    snapshot_date: Series[pa.DateTime]
    authoritative: Series[bool]
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
