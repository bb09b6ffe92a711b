"""Open data: the year's grants to legal entities in the 360Giving Data Standard (JSON).

One grant per authoritative decision to a legal entity that was decided in the year
or received payments in it; the year's payments are its disbursement transactions.
Organisations are identified as `SE-ON-<10 digits>` (org-id.guide's Swedish list).
A recipient whose number is a personal identity number (a sole trader) is left out
entirely: neither the number nor a masked token is open data. Payments with no
decision are not grants and are not exported.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import simplejson

from tillvaxt.instruments import instrument_name
from tillvaxt.money import ore_to_decimal
from tillvaxt.orgnr import is_personal, scrub
from tillvaxt.publish.files import staged_file
from tillvaxt.region import Region

SCHEMA_VERSION = "1.4"
# Organisation numbers of the funders (regions are public bodies: not personal data).
FUNDER_ORG_NUMBERS = {"Region Halland": "2321000115"}


def org_id(ten_digits: str) -> str:
    """`SE-ON-5560360793` for a legal entity."""
    return f"SE-ON-{ten_digits}"


def _amount(ore: int) -> int | Decimal:
    """A JSON number with the exact öre: whole kronor as integers, else the shortest decimal."""
    d: Decimal = ore_to_decimal(int(ore))
    return int(d) if d == d.to_integral_value() else d


def _slug(text: str) -> str:
    return re.sub(
        r"[^a-z0-9]+", "-", text.casefold().replace("ö", "o").replace("ä", "a").replace("å", "a")
    ).strip("-")


def grants_360(
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    region: Region,
    year: int,
    now: dt.datetime | None = None,
) -> dict:
    """The 360Giving package for `year` (a dict ready for `json.dumps`)."""
    now = now or dt.datetime.now(dt.UTC)
    funder_number = FUNDER_ORG_NUMBERS.get(region.name)
    funder = {
        "id": org_id(funder_number) if funder_number else f"XI-{_slug(region.name)}",
        "name": region.name,
    }
    auth = decisions[decisions["authoritative"]].drop_duplicates("decision_id")
    auth = auth[~auth["org_number"].map(is_personal).astype(bool)]
    paid = payouts[(payouts["year"] == year) & payouts["decision_id"].notna()]
    paid = paid[~paid["org_number"].map(is_personal).astype(bool)]
    paid_ids = set(paid["decision_id"])
    chosen = auth[(auth["decision_date"].dt.year == year) | auth["decision_id"].isin(paid_ids)]
    prefix = f"360G-{_slug(region.name)}"
    # One pass over the payouts, not one filter per decision (a million payouts in practice).
    by_decision: dict[str, list[dict]] = {}
    columns = ["decision_id", "voucher_id", "booking_date", "amount_ore"]
    for rec in paid.sort_values(["booking_date", "voucher_id"])[columns].to_dict("records"):
        by_decision.setdefault(rec["decision_id"], []).append(rec)
    grants = []
    for d in chosen.sort_values(["decision_date", "decision_id"]).itertuples():
        mine = by_decision.get(d.decision_id, [])
        grant = {
            "id": f"{prefix}-{d.decision_id}",
            "title": d.project_name
            if isinstance(d.project_name, str)
            else instrument_name(d.instrument),
            "description": f"{instrument_name(d.instrument)}, anslag 1:1 Regionala tillväxtåtgärder. Status: {d.status}.",
            "currency": "SEK",
            "amountAwarded": _amount(d.granted_ore),
            "awardDate": d.decision_date.date().isoformat(),
            "recipientOrganization": [
                {
                    "id": org_id(d.org_number),
                    "name": d.applicant_name
                    if isinstance(d.applicant_name, str)
                    else org_id(d.org_number),
                    "addressCountry": "SE",
                }
            ],
            "fundingOrganization": [funder],
            "grantProgramme": [{"code": d.instrument, "title": instrument_name(d.instrument)}],
            "plannedDates": [
                {
                    "startDate": d.project_start.date().isoformat(),
                    "endDate": d.project_end.date().isoformat(),
                }
            ],
            "dateModified": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        if mine:
            grant["amountDisbursed"] = _amount(sum(int(p["amount_ore"]) for p in mine))
            grant["disbursementTransaction"] = [
                {
                    "id": p["voucher_id"],
                    "transactionDate": p["booking_date"].date().isoformat(),
                    "currency": "SEK",
                    "value": _amount(p["amount_ore"]),
                }
                for p in mine
            ]
        grants.append(_scrubbed(grant))
    return {
        "grants": grants,
        "version": SCHEMA_VERSION,
        "title": f"{region.name}: bidrag från anslag 1:1 {year}",
        "description": "Beslut och utbetalningar till juridiska personer; enskilda firmor (personnummer) ingår inte.",
        "issued": now.date().isoformat(),
        "modified": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"identifier": funder["id"], "name": funder["name"]},
    }


def _scrubbed(value: object) -> object:
    """Every text in a grant with personal numbers masked: a case number, voucher id or
    title is typed by a person and may hold one even when the recipient is a company."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


def write_json(path: Path, package: dict) -> Path:
    """Write beside the final place, then rename."""
    with staged_file(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        # simplejson writes Decimal as a JSON number digit for digit (no float on the way).
        simplejson.dump(package, fh, ensure_ascii=False, indent=1, use_decimal=True)
    return path
