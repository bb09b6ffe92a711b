"""The finance system's payout exports: three overlapping files in two encodings and layouts."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from datetime import date

from tools.sample_data.common import NBSP, encode_csv, sv_amount
from tools.sample_data.contract import PAYOUT_COLUMNS
from tools.sample_data.model import Ledger, Payment

PAYOUT_FILE_1 = "payouts/utbetalningar_20170101_20170831.csv"


PAYOUT_FILE_2 = "payouts/utbetalningar_20170601_20171231.csv"


PAYOUT_FILE_2018 = "payouts/utbetalningar_2018.csv"


OVERLAP = (date(2017, 6, 1), date(2017, 8, 31))


def payout_row(p: Payment, amount_text: str) -> dict[str, str]:
    return {
        "Verifikationsnummer": p.voucher,
        "Bokföringsdatum": p.date.isoformat(),
        "Diarienummer": p.case_id,
        "Organisationsnummer": p.org_text,
        "Mottagare": p.org.name,
        "Insats": p.instrument,
        "Belopp": amount_text,
        "Anslag": p.anslag,
        "Kommun": p.org.kommun,
    }


def write_payouts(
    ledger: Ledger, rng: random.Random
) -> tuple[dict[str, bytes], dict[tuple[str, str], int]]:
    """Three overlapping finance exports with different encodings and layouts.

    Rows repeated in the second 2017 export keep exactly the first export's text,
    so the overlap is the same payment, not a conflict.
    """
    files: dict[str, bytes] = {}
    lines: dict[tuple[str, str], int] = {}
    first_text: dict[str, str] = {}

    def table(name: str, header: list[str], payments: Iterable[Payment], fmt: Callable[[Payment], str]) -> list[list[str]]:  # fmt: skip
        rows = [header]
        columns = [h.strip() for h in header]
        for p in payments:
            record = payout_row(p, fmt(p))
            rows.append([record[c] for c in columns])
            lines[(name, p.voucher)] = len(rows)
        return rows

    y17 = [p for p in ledger.payments if p.date.year == 2017]
    f1 = [p for p in y17 if p.date <= OVERLAP[1]]
    f2 = [p for p in y17 if p.date >= OVERLAP[0]]
    y18 = [p for p in ledger.payments if p.date.year == 2018]

    def fmt1(p: Payment) -> str:
        first_text[p.voucher] = sv_amount(p.amount, " ", "always")
        return first_text[p.voucher]

    def fmt2(p: Payment) -> str:
        if p.voucher in first_text:
            return first_text[p.voucher]
        return sv_amount(
            p.amount, *rng.choice(((NBSP, "always"), (NBSP, "minimal"), ("", "minimal")))
        )

    def fmt18(p: Payment) -> str:
        if p.raw_amount is not None:
            return p.raw_amount
        return sv_amount(p.amount, *rng.choice(((" ", "always"), (NBSP, "minimal"), ("", "minimal"), (" ", "minimal"))))  # fmt: skip

    header1 = list(PAYOUT_COLUMNS)
    header2 = ["Bokföringsdatum", "Verifikationsnummer", "Mottagare", "Organisationsnummer", "Diarienummer", "Anslag", "Insats", "Kommun", "Belopp"]  # fmt: skip
    header18 = [" Verifikationsnummer ", "Diarienummer ", " Bokföringsdatum", "Mottagare  ", " Organisationsnummer", "Kommun ", " Insats ", "Anslag", " Belopp "]  # fmt: skip
    rows1 = table(PAYOUT_FILE_1, header1, f1, fmt1)
    rows2 = table(PAYOUT_FILE_2, header2, f2, fmt2)
    rows18 = table(PAYOUT_FILE_2018, header18, y18, fmt18)
    files[PAYOUT_FILE_1] = encode_csv(rows1, "cp1252", "\r\n", trailing_blank=True)
    files[PAYOUT_FILE_2] = encode_csv(rows2, "utf-8-sig", "\n", trailing_blank=False)
    files[PAYOUT_FILE_2018] = encode_csv(rows18, "cp1252", "\r\n", trailing_blank=True)
    return files, lines
