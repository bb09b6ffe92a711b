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
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import simplejson
from simplejson.encoder import encode_basestring

from tillvaxt.instruments import instrument_name
from tillvaxt.orgnr import is_personal, scrub
from tillvaxt.publish.files import staged_file
from tillvaxt.publish.tables import NUMBER_SHAPED
from tillvaxt.region import Region

SCHEMA_VERSION = "1.4"
_DECISION_COLUMNS = (
    "decision_id", "decision_date", "instrument", "org_number", "applicant_name",
    "project_name", "granted_ore", "project_start", "project_end", "status", "authoritative",
)  # fmt: skip
_PAYOUT_COLUMNS = (
    "voucher_id", "booking_date", "year", "decision_id", "org_number", "amount_ore",
)  # fmt: skip
# Organisation numbers of the funders (regions are public bodies: not personal data).
FUNDER_ORG_NUMBERS = {"Region Halland": "2321000115"}


def org_id(ten_digits: str) -> str:
    """`SE-ON-5560360793` for a legal entity."""
    return f"SE-ON-{ten_digits}"


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


def _quoted(texts: pa.Array) -> pa.Array:
    """Each text as a JSON string literal, as simplejson writes it (`ensure_ascii=False`).

    A text with nothing to escape is only put in quotes (one Arrow kernel); the few that
    hold a quote, a backslash or a control character go through simplejson's own C escaper.
    """
    texts = texts.cast(pa.string())
    quoted = pc.binary_join_element_wise('"', texts, '"', "")
    needs = pc.match_substring_regex(texts, _NEEDS_ESCAPE).to_numpy(zero_copy_only=False)
    if needs.any():
        values = quoted.to_pylist()
        raw = texts.to_pylist()
        for i in needs.nonzero()[0].tolist():
            values[i] = encode_basestring(raw[i])
        quoted = pa.array(values, type=pa.string())
    return quoted


def _json_texts(texts: pd.Series) -> pa.Array:
    """Each text as a JSON string, scrubbed first: every text in the file is one a
    sole trader's personal number could have been typed into."""
    return _quoted(pa.array(_scrub_texts(texts), type=pa.string(), from_pandas=True))


def _json_amounts(ore: pd.Series | np.ndarray) -> pa.Array:
    """Each öre amount as the exact JSON number `_amount` makes of it, by Arrow kernels.

    Whole kronor as an integer (`1500`), else kronor and two decimals (`-0.50`): the text
    simplejson writes for `int(d)` or `Decimal(ore).scaleb(-2)`; integer arithmetic only.
    """
    values = np.asarray(ore, dtype=np.int64)
    whole, rest = np.divmod(np.abs(values), 100)
    kronor = pc.cast(pa.array(whole), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(rest), pa.string()), 2, "0")
    decimals = pc.if_else(pa.array(rest == 0), "", pc.binary_join_element_wise(".", cents, ""))
    sign = pc.if_else(pa.array(values < 0), "-", "")
    return pc.binary_join_element_wise(sign, kronor, decimals, "")


def _json_dates(dates: pd.Series) -> pa.Array:
    """Each date as a JSON string `"YYYY-MM-DD"`; a missing one as `null`."""
    days = pa.array(dates, from_pandas=True).cast(pa.date32()).cast(pa.string())
    return pc.fill_null(pc.binary_join_element_wise('"', days, '"', ""), "null")


def _joined(*parts: pa.Array | str) -> pa.Array:
    """The element-wise concatenation of string columns and constant texts."""
    return pc.binary_join_element_wise(*parts, "")


class Encoded(list):
    """Items already encoded as JSON texts (one grant each); `write_json` writes them as is."""


def encoded_grants_360(
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    region: Region,
    year: int,
    now: dt.datetime | None = None,
) -> dict:
    """The 360Giving package for `year`, its grants already encoded (`Encoded` JSON texts).

    Built column by column with Arrow string kernels, never a dict per grant or
    transaction: at a million payouts building and encoding those objects one by one was
    most of the export's time. The texts are what simplejson writes for `grants_360`'s
    objects (`", "` and `": "` separators, amounts exact).
    """
    now = now or dt.datetime.now(dt.UTC)
    auth, paid = _exported(decisions, payouts, [year])
    return _encoded(auth, paid, region, year, now)


def _exported(
    decisions: pd.DataFrame, payouts: pd.DataFrame, years: list[int]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The authoritative decisions to legal entities, and the payouts of `years` on a
    decision to a legal entity: the rows the export of those years can show."""
    # Only the columns the export reads are copied by the filters below.
    decisions, payouts = export_frames(decisions, payouts)
    auth = decisions[decisions["authoritative"]].drop_duplicates("decision_id")
    auth = auth[_not_personal(auth["org_number"])]
    in_years = (payouts["year"] == years[0]) if len(years) == 1 else payouts["year"].isin(years)
    paid = payouts[in_years & payouts["decision_id"].notna()]
    paid = paid[_not_personal(paid["org_number"])]
    return auth, paid


def _encoded(
    auth: pd.DataFrame, paid: pd.DataFrame, region: Region, year: int, now: dt.datetime
) -> dict:
    """`encoded_grants_360` of the year's rows (`_exported`)."""
    funder_number = FUNDER_ORG_NUMBERS.get(region.name)
    funder = {
        "id": org_id(funder_number) if funder_number else f"XI-{_slug(region.name)}",
        "name": region.name,
    }
    chosen = auth[
        (auth["decision_date"].dt.year == year) | _among(auth["decision_id"], paid["decision_id"])
    ]
    chosen = chosen.sort_values(["decision_date", "decision_id"], kind="stable")
    prefix = f"360G-{_slug(region.name)}"
    # Every text is scrubbed (`_scrub_texts`): a case number, voucher id or title is typed
    # by a person and may hold a personal number even when the recipient is a company.
    # Dates, "SEK" and the amounts cannot hold one.
    paid = paid.sort_values(["booking_date", "voucher_id"], kind="stable")
    transactions = _joined(
        '{"id": ',
        _json_texts(paid["voucher_id"]),
        ', "transactionDate": ',
        _json_dates(paid["booking_date"]),
        ', "currency": "SEK", "value": ',
        _json_amounts(paid["amount_ore"]),
        "}",
    )
    # One group per decision in order of first payment, each keeping the payments' order
    # (single-threaded grouping keeps the input order).
    per_decision = (
        pa.table(
            {
                "decision_id": pa.array(paid["decision_id"], type=pa.string(), from_pandas=True),
                "transaction": transactions,
                "ore": pa.array(paid["amount_ore"].to_numpy(dtype=np.int64)),
            }
        )
        .group_by("decision_id", use_threads=False)
        .aggregate([("transaction", "list"), ("ore", "sum")])
    )
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
    ids = pa.array(chosen["decision_id"], type=pa.string(), from_pandas=True)
    where = pc.index_in(ids, value_set=per_decision["decision_id"].combine_chunks())
    has_paid = pc.is_valid(where)
    lists = per_decision["transaction_list"].combine_chunks()
    sums = per_decision["ore_sum"].combine_chunks()
    taken = pc.fill_null(where, 0)
    disbursed = pa.array([""] * len(chosen), type=pa.string())
    if per_decision.num_rows:
        disbursed = pc.if_else(
            has_paid,
            _joined(
                ', "amountDisbursed": ',
                _json_amounts(pc.take(sums, taken).to_numpy(zero_copy_only=False)),
                ', "disbursementTransaction": [',
                pc.binary_join(pc.take(lists, taken), ", "),
                "]",
            ),
            "",
        )
    grants = _joined(
        '{"id": ',
        _json_texts(prefix + "-" + chosen["decision_id"]),
        ', "title": ',
        _json_texts(text),
        ', "description": ',
        _json_texts(described.astype(str)),
        ', "currency": "SEK", "amountAwarded": ',
        _json_amounts(chosen["granted_ore"]),
        ', "awardDate": ',
        _json_dates(chosen["decision_date"]),
        ', "recipientOrganization": [{"id": ',
        _json_texts(recipient.astype(str)),
        ', "name": ',
        _json_texts(applicant),
        ', "addressCountry": "SE"}], "fundingOrganization": [',
        _ENCODER.encode(funder),
        '], "grantProgramme": [{"code": ',
        _json_texts(chosen["instrument"].astype(str)),
        ', "title": ',
        _json_texts(programme.astype(str)),
        '}], "plannedDates": [{"startDate": ',
        _json_dates(chosen["project_start"]),
        ', "endDate": ',
        _json_dates(chosen["project_end"]),
        '}], "dateModified": ',
        _ENCODER.encode(modified),
        disbursed,
        "}",
    )
    return {
        "grants": Encoded(grants.to_pylist()),
        "version": SCHEMA_VERSION,
        "title": f"{region.name}: bidrag från anslag 1:1 {year}",
        "description": "Beslut och utbetalningar till juridiska personer; enskilda firmor (personnummer) ingår inte.",
        "issued": now.date().isoformat(),
        "modified": modified,
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "publisher": {"identifier": funder["id"], "name": funder["name"]},
    }


def grants_360(
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    region: Region,
    year: int,
    now: dt.datetime | None = None,
) -> dict:
    """The 360Giving package for `year` as objects (amounts as exact int or `Decimal`).

    Decoded from `encoded_grants_360`'s texts, so the objects and the published file can
    never differ.
    """
    package = encoded_grants_360(decisions, payouts, region, year, now)
    grants = [simplejson.loads(g, use_decimal=True) for g in package["grants"]]
    return {**package, "grants": grants}


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
# What simplejson escapes in a string (RE2): a quote, a backslash, control characters
# (and U+2028/U+2029, which it may escape): such texts go through its escaper.
_NEEDS_ESCAPE = r'["\\\x00-\x1f\x{2028}\x{2029}]'


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
                chunk = value[i : i + _CHUNK]
                fh.write(",\n  ".join(chunk if isinstance(value, Encoded) else map(encode, chunk)))
                if i + _CHUNK < len(value):
                    fh.write(",\n  ")
            fh.write("\n ]")
        fh.write("\n}\n")
    return path


def export_frames(
    decisions: pd.DataFrame, payouts: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Only the columns the export reads: what a worker process is sent."""
    return (
        decisions[[c for c in _DECISION_COLUMNS if c in decisions.columns]],
        payouts[list(_PAYOUT_COLUMNS)],
    )


def write_open_data(
    run_dir: Path,
    files: dict[int, str],
    decisions: pd.DataFrame,
    payouts: pd.DataFrame,
    region: Region,
) -> dict[str, int]:
    """Each year's package (`files`: year -> file name) built, written into `run_dir` and
    let go; the files written with their number of grants (a year with none has no file).

    A module-level function of plain arguments, so a worker process can run it
    (`tillvaxt.report.worker`) while the caller writes the other reports.
    """
    written = {}
    if not files:
        return written
    # The decisions and the years' payouts are filtered once, the payouts split by year
    # in one pass (each year's rows in their order), not once per year.
    auth, paid = _exported(decisions, payouts, list(files))
    by_year = dict(tuple(paid.groupby("year", sort=False)))
    for year, name in files.items():
        rows = by_year.get(year, paid.iloc[0:0])
        package = _encoded(auth, rows, region, year, dt.datetime.now(dt.UTC))
        if package["grants"]:
            write_json(run_dir / name, package)
            written[name] = len(package["grants"])
        del package, rows
    return written
