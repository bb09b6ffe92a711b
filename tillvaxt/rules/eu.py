"""The EU co-financing check: an `EUMED` decision against Tillväxtverket's project bank.

Regional co-financing is only sound for an EU project that exists, covers the
region's county and runs over the co-financing decision's period. Without a
delivered register (`eu_projects is None`) only the missing `EU-ärende` can be seen.
"""

from __future__ import annotations

import pandas as pd

from tillvaxt.region import Region
from tillvaxt.rules.findings import findings
from tillvaxt.rules.matching import current_decisions
from tillvaxt.rules.rule import ERROR, WARNING, rule
from tillvaxt.validate.eu_projects import covers_county

EUMED = "EUMED"


def _eumed(decisions: pd.DataFrame) -> pd.DataFrame:
    dec = current_decisions(decisions)
    return dec[dec["instrument"] == EUMED]


def _base(d: pd.Series) -> dict:
    return {
        "year": d["decision_date"].year,
        "decision_id": d["decision_id"],
        "source_file": d["source_file"],
        "source_line": d["source_line"],
    }


@rule(
    ERROR,
    "an `EUMED` decision names no `EU-ärende`, or (when a register is delivered) one not in the EU project register",
)
def eu_project_unknown(decisions: pd.DataFrame, eu_projects: pd.DataFrame | None) -> pd.DataFrame:
    """An EUMED decision with no EU-ärende, or (register delivered) one the register lacks."""
    known = set(eu_projects["case_id"]) if eu_projects is not None else None
    eumed = _eumed(decisions)
    # Only the decisions the loop below reports, and the columns it reads, become records.
    case = eumed["eu_case_id"]
    maybe = case.isna() if known is None else case.isna() | ~case.isin(known)
    eumed = eumed[["decision_date", "decision_id", "source_file", "source_line", "eu_case_id"]]
    records = []
    for d in eumed[maybe.to_numpy(dtype=bool, na_value=True)].to_dict("records"):
        case = d["eu_case_id"]
        if pd.isna(case):
            why = "names no EU project (EU-ärende is empty)"
        elif known is not None and case not in known:
            why = f"names EU project {case}, which is not in Tillväxtverket's project register"
        else:
            continue
        records.append(
            _base(d)
            | {
                "message": f"Co-financing decision {d['decision_id']} {why}, so it cannot be "
                "shown to co-finance an approved EU project."
            }
        )
    return findings(eu_project_unknown, records)


@rule(
    WARNING,
    "the EU project does not cover the region's county, or its period does not contain the co-financing decision's period",
)
def eu_project_mismatch(
    decisions: pd.DataFrame, eu_projects: pd.DataFrame | None, region: Region
) -> pd.DataFrame:
    """The named EU project does not cover the county, or its period does not hold the decision's."""
    if eu_projects is None or eu_projects.empty:
        return findings(eu_project_mismatch, [])
    register = eu_projects.set_index("case_id")
    records = []
    for d in _eumed(decisions).to_dict("records"):
        case = d["eu_case_id"]
        if pd.isna(case) or case not in register.index:
            continue
        p = register.loc[case]
        problems = []
        if not covers_county(p["counties"], region):
            problems.append(f"covers {p['counties'] or 'no county'}, not {region.county_name}")
        if not (p["project_start"] <= d["project_start"] and d["project_end"] <= p["project_end"]):
            problems.append(
                f"runs {p['project_start']:%Y-%m-%d} to {p['project_end']:%Y-%m-%d}, which does "
                f"not contain the decision's period {d['project_start']:%Y-%m-%d} to "
                f"{d['project_end']:%Y-%m-%d}"
            )
        if problems:
            records.append(
                _base(d)
                | {
                    "message": f"Co-financing decision {d['decision_id']} names EU project "
                    f"{case}, which " + " and ".join(problems) + "."
                }
            )
    return findings(eu_project_mismatch, records)
