"""The committed sample raw tree is reproducible and carries the 2017 report's figures.

The figures are checked with a deliberately tiny reader written here (csv +
Decimal), independent of both the generator and the pipeline's readers, so a
bug in either cannot hide a wrong sample.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tools.sample_data import generate, planted

REPO = Path(__file__).resolve().parents[2]
RAW = REPO / "data" / "raw"
FINDINGS_DOC = REPO / "docs" / "findings.md"


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else the finance system's Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every non-empty data row; header names trimmed."""
    reader = csv.reader(io.StringIO(decode(path.read_bytes()), newline=""), delimiter=";")
    header = [h.strip() for h in next(reader)]
    return [(reader.line_num, dict(zip(header, row, strict=True))) for row in reader if any(row)]


def amount(text: str) -> Decimal:
    if "." in text:
        raise ValueError(text)
    return Decimal(text.replace(" ", "").replace("\u00a0", "").replace(",", "."))


def org10(text: str) -> str:
    digits = text.replace("-", "")
    return digits[2:] if len(digits) == 12 else digits


def payouts() -> dict[str, dict[str, str]]:
    """Readable payout rows by voucher; a voucher repeated across exports must be identical."""
    by_voucher: dict[str, dict[str, str]] = {}
    for path in sorted((RAW / "payouts").glob("*.csv")):
        for _, row in read_rows(path):
            try:
                amount(row["Belopp"])
            except ValueError:
                continue
            seen = by_voucher.setdefault(row["Verifikationsnummer"], row)
            assert seen == row, f"voucher {row['Verifikationsnummer']} differs between exports"
    return by_voucher


@pytest.fixture(scope="module")
def rows() -> dict[str, dict[str, str]]:
    return payouts()


def test_regenerates_byte_identical(tmp_path: Path) -> None:
    generate.generate(tmp_path)
    assert files_under(tmp_path) == files_under(RAW)


def test_2017_usage_per_instrument(rows: dict[str, dict[str, str]]) -> None:
    paid: dict[str, Decimal] = {}
    for row in rows.values():
        if row["Anslag"] == "1:1" and row["Bokföringsdatum"].startswith("2017-"):
            paid[row["Insats"]] = paid.get(row["Insats"], Decimal(0)) + amount(row["Belopp"])
    assert paid == {
        "ENERGI": Decimal(14_700),
        "FOU": Decimal(467_357),
        "PROJ": Decimal(2_441_719),
        "EUMED": Decimal(2_970_638),
        "UTV": Decimal(5_030_934),
    }
    total = sum(paid.values(), Decimal(0))
    assert total == Decimal(10_925_348)
    allocation = {
        r["År"]: amount(r["Tilldelat belopp"])
        for _, r in read_rows(RAW / "appropriations" / "anslag_1_1.csv")
    }
    assert allocation["2017"] - total == Decimal(-114_348)


def test_80_utvecklingscheck_recipients(rows: dict[str, dict[str, str]]) -> None:
    net: dict[str, Decimal] = {}
    for row in rows.values():
        if (
            row["Anslag"] == "1:1"
            and row["Insats"] == "UTV"
            and row["Bokföringsdatum"].startswith("2017-")
        ):
            key = org10(row["Organisationsnummer"])
            net[key] = net.get(key, Decimal(0)) + amount(row["Belopp"])
    assert sum(1 for v in net.values() if v > 0) == 80
    assert any(v == 0 for v in net.values()), "the fully repaid cheque should be in the sample"


def test_nine_fou_cheques_granted_2017() -> None:
    sheet = load_workbook(RAW / "decisions" / "beslut_20190110.xlsx", read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(h).strip() for h in values[0]]
    orgs = set()
    statuses = set()
    for raw in values[1:]:
        row = dict(zip(header, raw, strict=True))
        if row["Insats"] == "FOU" and str(row["Beslutsdatum"]).startswith("2017-"):
            statuses.add(row["Status"])
            if row["Status"] != "Återkallad":
                orgs.add(org10(str(row["Organisationsnummer"])))
    assert len(orgs) == 9
    assert "Återkallad" in statuses, "the revoked FoU cheque should be in the sample"


def test_serv_drift_payment_outside_the_appropriation(rows: dict[str, dict[str, str]]) -> None:
    serv = [r for r in rows.values() if r["Anslag"] == "SERV"]
    assert len(serv) == 1
    (row,) = serv
    assert amount(row["Belopp"]) == Decimal(300_000)
    assert (row["Insats"], row["Mottagare"], row["Kommun"]) == (
        "DRIFT",
        "Handlar'n i Ätran",
        "1382",
    )
    assert row["Bokföringsdatum"].startswith("2017-")
    assert any(r["Anslag"] == "EGNA" for r in rows.values())


def test_exactly_one_unreadable_payout_row() -> None:
    bad = []
    for path in sorted((RAW / "payouts").glob("*.csv")):
        for line, row in read_rows(path):
            try:
                amount(row["Belopp"])
            except ValueError:
                bad.append(
                    (path.name, line, row["Belopp"], row["Anslag"], row["Bokföringsdatum"][:4])
                )
    assert len(bad) == 1
    assert bad[0][0] == "utbetalningar_2018.csv"
    assert bad[0][2:] == ("1.250", "1:1", "2018")


def test_org_numbers_have_valid_check_digits_except_the_planted_one(
    rows: dict[str, dict[str, str]],
) -> None:
    def luhn_ok(number: str) -> bool:
        total = 0
        for i, ch in enumerate(number[:9]):
            product = int(ch) * (2 if i % 2 == 0 else 1)
            total += product // 10 + product % 10
        return (10 - total % 10) % 10 == int(number[9])

    invalid = [v for v, r in rows.items() if not luhn_ok(org10(r["Organisationsnummer"]))]
    assert len(invalid) == 1


def test_docs_table_of_planted_findings_is_the_generated_one() -> None:
    """docs/findings.md shows `PLANTED` as `--table` prints it: regenerate it, never edit it."""
    text = FINDINGS_DOC.read_text(encoding="utf-8")
    start, end = "<!-- planted:start -->\n", "<!-- planted:end -->"
    committed = text[text.index(start) + len(start) : text.index(end)]
    assert committed == planted.planted_table()
    assert committed.count("\n| `") == len(planted.PLANTED) == 16


@pytest.mark.parametrize(
    "change",
    [
        lambda decl: decl[:-1],  # a plant nobody declared
        lambda decl: (
            *decl,
            planted.Planted("cap_exceeded", "decisions/x.xlsx", 2, "", None, "RS1"),
        ),
        lambda decl: (replace(decl[0], line=decl[0].line + 1), *decl[1:]),  # on another line
    ],
    ids=["undeclared", "not-planted", "moved"],
)
def test_generator_refuses_plants_that_differ_from_the_declaration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change
) -> None:
    monkeypatch.setattr(planted, "PLANTED", change(planted.PLANTED))
    with pytest.raises(RuntimeError, match=r"differ from planted\.PLANTED"):
        generate.generate(tmp_path / "raw")
    assert not (tmp_path / "raw").exists()
