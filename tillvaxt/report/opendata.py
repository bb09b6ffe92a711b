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
import pyarrow as pa
import pyarrow.compute as pc
import simplejson

from tillvaxt.instruments import instrument_name
from tillvaxt.money import ore_to_decimal
from tillvaxt.orgnr import is_personal, scrub
from tillvaxt.publish.files import staged_file
from tillvaxt.publish.tables import NUMBER_SHAPED
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


def _amounts(ore: pd.Series) -> list[int | Decimal]:
    """`_amount` of every value: whole kronor as int, the rest as Decimal with two places.

    `Decimal(ore).scaleb(-2)` is `ore_to_decimal(ore)` (exact, exponent -2) in one step.
    """
    return [
        o // 100 if o % 100 == 0 else Decimal(o).scaleb(-2) for o in (int(v) for v in ore.tolist())
    ]


def _among(values: pd.Series, among: pd.Series) -> pd.Series:
    """`values.isin(among)` by one Arrow kernel (pandas converts Arrow values one by one)."""
    arr = pa.array(values, from_pandas=True)
    found = pc.is_in(arr, value_set=pa.array(among.unique(), from_pandas=True).cast(arr.type))
    return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index)


def _scrub_texts(texts: pd.Series) -> list[str]:
    """`scrub` of every text, run only where one could hold a number to mask.

    `scrub` masks nothing in a text without a number's shape (`NUMBER_SHAPED`), so
    one vectorised search picks the few texts it must see.
    """
    values = texts.tolist()
    suspect = texts.str.contains(NUMBER_SHAPED, regex=True).to_numpy(dtype=bool)
    for i in suspect.nonzero()[0].tolist():
        values[i] = scrub(values[i])
    return values


def _iso_dates(dates: pd.Series) -> list[str]:
    return dates.dt.strftime("%Y-%m-%d").tolist()


def _not_personal(org_numbers: pd.Series) -> pd.Series:
    """True for a legal entity's number; `is_personal` decided once per distinct number."""
    personal = [n for n in org_numbers.unique().tolist() if is_personal(n)]
    return ~_among(org_numbers, pd.Series(personal, dtype=object))


def _texts(values: pd.Series, otherwise: pd.Series) -> pd.Series:
    """`values` where they are text, else `otherwise` (a missing name or title)."""
    is_text = values.notna() if isinstance(values.dtype, pd.StringDtype) else values.map(_is_text)
    return values.where(is_text.astype(bool), otherwise).astype(str)


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
    auth = auth[_not_personal(auth["org_number"])]
    paid = payouts[(payouts["year"] == year) & payouts["decision_id"].notna()]
    paid = paid[_not_personal(paid["org_number"])]
    chosen = auth[
        (auth["decision_date"].dt.year == year) | _among(auth["decision_id"], paid["decision_id"])
    ]
    chosen = chosen.sort_values(["decision_date", "decision_id"], kind="stable")
    prefix = f"360G-{_slug(region.name)}"
    # Column by column, not row by row: a million payouts in practice. Every text is
    # scrubbed (`_scrubbed`): a case number, voucher id or title is typed by a person and
    # may hold a personal number even when the recipient is a company. Dates, "SEK" and
    # the amounts cannot hold one.
    paid = paid.sort_values(["booking_date", "voucher_id"], kind="stable")
    by_decision: dict[str, list[dict]] = {}
    disbursed: dict[str, int] = {}
    for did, voucher, day, value, ore in zip(
        paid["decision_id"].tolist(),
        _scrub_texts(paid["voucher_id"]),
        _iso_dates(paid["booking_date"]),
        _amounts(paid["amount_ore"]),
        paid["amount_ore"].tolist(),
        strict=True,
    ):
        by_decision.setdefault(did, []).append(
            {"id": voucher, "transactionDate": day, "currency": "SEK", "value": value}
        )
        disbursed[did] = disbursed.get(did, 0) + ore
    names = {c: instrument_name(c) for c in chosen["instrument"].unique().tolist()}
    programme = chosen["instrument"].map(names)
    recipient = "SE-ON-" + chosen["org_number"]
    text = _texts(chosen["project_name"], programme)
    applicant = _texts(chosen["applicant_name"], recipient)
    described = (
        programme + ", anslag 1:1 Regionala tillväxtåtgärder. Status: " + chosen["status"] + "."
    )
    funder = _scrubbed(funder)
    modified = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    grants = []
    for did, gid, title, description, awarded, day, rid, name, code, ptitle, start, end in zip(
        chosen["decision_id"].tolist(),
        _scrub_texts(prefix + "-" + chosen["decision_id"]),
        _scrub_texts(text),
        _scrub_texts(described.astype(str)),
        _amounts(chosen["granted_ore"]),
        _iso_dates(chosen["decision_date"]),
        _scrub_texts(recipient.astype(str)),
        _scrub_texts(applicant),
        _scrub_texts(chosen["instrument"].astype(str)),
        _scrub_texts(programme.astype(str)),
        _iso_dates(chosen["project_start"]),
        _iso_dates(chosen["project_end"]),
        strict=True,
    ):
        grant = {
            "id": gid,
            "title": title,
            "description": description,
            "currency": "SEK",
            "amountAwarded": awarded,
            "awardDate": day,
            "recipientOrganization": [{"id": rid, "name": name, "addressCountry": "SE"}],
            "fundingOrganization": [funder],
            "grantProgramme": [{"code": code, "title": ptitle}],
            "plannedDates": [{"startDate": start, "endDate": end}],
            "dateModified": modified,
        }
        mine = by_decision.get(did)
        if mine:
            grant["amountDisbursed"] = _amount(disbursed[did])
            grant["disbursementTransaction"] = mine
        grants.append(grant)
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


def _is_text(value: object) -> bool:
    return isinstance(value, str)


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


# Compact and with simplejson's C speedups; Decimal is written as a JSON number digit
# for digit (no float on the way).
_ENCODER = simplejson.JSONEncoder(ensure_ascii=False, use_decimal=True)
_CHUNK = 1000


def write_json(path: Path, package: dict) -> Path:
    """Write beside the final place, then rename; streamed a list item per line.

    Each item is encoded on its own, so the file is written in chunks of `_CHUNK` items,
    never held whole as text, and a reader can still see one grant per line.
    """
    encode = _ENCODER.encode
    with staged_file(path) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.write("{")
        for n, (key, value) in enumerate(package.items()):
            fh.write(f"{',' if n else ''}\n {encode(key)}: ")
            if not isinstance(value, list) or not value:
                fh.write(encode(value))
                continue
            fh.write("[\n  ")
            for i in range(0, len(value), _CHUNK):
                fh.write(",\n  ".join(encode(v) for v in value[i : i + _CHUNK]))
                if i + _CHUNK < len(value):
                    fh.write(",\n  ")
            fh.write("\n ]")
        fh.write("\n}\n")
    return path
