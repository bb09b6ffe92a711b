"""The validated decision register: every snapshot's rows, the newest one marked authoritative."""

import pandera.pandas as pa
from pandera.typing import Series

DECISION_STATUSES = ["Beviljad", "Avslutad", "Återkallad"]


class Decisions(pa.DataFrameModel):
    """Grant decisions from the case-management system."""

    decision_id: Series[str] = pa.Field(
        str_matches=r"^\S+$", metadata={"must": "be a case number without spaces"}
    )
    decision_date: Series[pa.DateTime]
    instrument: Series[str] = pa.Field(
        str_matches=r"^[A-ZÅÄÖ0-9_]+$",
        metadata={"must": "be a code of capital letters, digits and '_'"},
    )
    org_number: Series[str] = pa.Field(str_length={"min_value": 10, "max_value": 10})
    applicant_name: Series[str] = pa.Field(nullable=True)
    project_name: Series[str] = pa.Field(nullable=True)
    granted_ore: Series[int] = pa.Field(ge=0)
    cofinancing_ore: Series[int] = pa.Field(ge=0)
    project_start: Series[pa.DateTime]
    project_end: Series[pa.DateTime]
    priority_text: Series[str] = pa.Field(nullable=True)
    priority_code: Series[str] = pa.Field(nullable=True)
    status: Series[str] = pa.Field(isin=DECISION_STATUSES)
    eu_case_id: Series[str] = pa.Field(nullable=True)
    snapshot_date: Series[pa.DateTime]
    authoritative: Series[bool]
    source_file: Series[str]
    source_line: Series[int] = pa.Field(ge=2)

    class Config:
        strict = True
        coerce = False
