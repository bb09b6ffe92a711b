"""No personal identity number reaches anything under the processed directory, or the log.

Sole traders' numbers are planted in the raw tree in every spelling the source
systems use, in places where the rules must talk about them (a recipient mismatch,
a wrong check digit, an unreadable row); after a full run every file under the
processed directory (the CSVs and a text dump of the SQLite warehouse) and the
run's output are searched for every spelling of every one of them.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.cli import PNR, PNR_SPELLINGS, run_cli
from tests.conftest import DECISION_HEADER, PAYOUT_HEADER, REPO, write
from tillvaxt.orgnr import mask
from tillvaxt.rawfiles import decode

# 12- or 10-digit numbers, the parts joined by a hyphen, plus, space or nothing, not
# inside a longer run of digits.
_NUMBER = re.compile(r"(?<!\d)(?:16|18|19|20)?(\d{6})[-+ \u00a0]?(\d{4})(?!\d)")


def _raw_text(path: Path) -> str:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            return "\n".join(
                ";".join("" if v is None else str(v) for v in row)
                for ws in wb.worksheets
                for row in ws.iter_rows(values_only=True)
            )
        finally:
            wb.close()
    return decode(path, path.read_bytes(), str(path))


def personal_numbers(raw: Path) -> set[str]:
    """Every 10-digit normalised number in the raw files whose third digit is below 2."""
    found = set()
    for path in sorted(raw.rglob("*")):
        if path.suffix.lower() not in (".csv", ".xlsx"):
            continue
        for a, b in _NUMBER.findall(_raw_text(path)):
            if int(a[2]) < 2:
                found.add(a + b)
    return found


def spellings(ten: str) -> set[str]:
    """The ways a source system may spell a personal identity number."""
    forms = {ten} | {f"{ten[:6]}{sep}{ten[6:]}" for sep in "-+ \u00a0"}
    return forms | {p + f for f in forms for p in ("16", "18", "19", "20")}


def processed_text(processed: Path) -> dict[str, str]:
    """Every file under the processed directory as text; SQLite databases as their SQL dump."""
    out = {}
    for path in sorted(p for p in processed.rglob("*") if p.is_file()):
        if path.suffix in (".sqlite", ".db"):
            con = sqlite3.connect(path)
            try:
                out[str(path)] = "\n".join(con.iterdump())
            finally:
                con.close()
        elif path.suffix == ".xlsx":
            # A workbook is a zip of XML parts: scan the parts, not the compressed bytes.
            with zipfile.ZipFile(path) as zf:
                out[str(path)] = "\n".join(
                    zf.read(n).decode("utf-8", errors="replace") for n in zf.namelist()
                )
        else:
            out[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return out


def assert_no_leak(raw_numbers: set[str], texts: dict[str, str]) -> None:
    """No spelling of any of the numbers in any of the texts."""
    leaks = [
        (where, form)
        for where, text in texts.items()
        for ten in raw_numbers
        for form in spellings(ten)
        if form in text
    ]
    assert leaks == []


def test_no_personal_identity_number_in_processed_output(small_raw: Path, tmp_path: Path) -> None:
    write(
        small_raw / "payouts" / "utbetalningar_c.csv",
        [
            PAYOUT_HEADER,
            # A sole trader's cheque, spelled three ways over three payments.
            "V2017-00010;2017-05-02;RS10;811218-9876;Anna Andersson;ENERGI;10 000;1:1;1315",
            "V2017-00011;2017-06-02;RS10;8112189876;Anna Andersson;ENERGI;10 000;1:1;1315",
            "V2017-00012;2017-07-03;RS10;198112189876;Anna Andersson;ENERGI;10 000;1:1;1315",
            # A company's decision paid to a sole trader: recipient_mismatch.
            "V2017-00013;2017-05-02;RS1;19730505-1232;Bertil Berg;UTV;5 000;1:1;1380",
            # A sole trader with a wrong check digit and no decision: invalid_org_number, orphan.
            "V2017-00014;2017-05-02;;800101-1234;Cecilia Ceder;UTV;2 000;1:1;1380",
            # An unreadable row of a sole trader: the quarantine and unreadable_row.
            "V2017-00015;2017-05-02;RS10;7001011238;Anna Andersson;ENERGI;1.250;1:1;1315",
        ],
        encoding="cp1252",
    )
    write(
        small_raw / "decisions" / "beslut_20180101.csv",
        [
            DECISION_HEADER,
            "RS1;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Avslutad;",
            "RS2;2017-02-01;PROJ;5560360793;Örby Energi AB;Energi i Halland; 2 000 000 ;;2017-02-01;2018-12-31;SV3.1;Beviljad;",
            # Over the cap, too little co-financing, unknown priority: decision findings on a person.
            "RS10;2017-04-01;ENERGI;19811218-9876;Anna Andersson;Energikartläggning;60 000;1 000;2017-04-01;2017-12-31;Turism;Beviljad;",
        ],
    )
    raw_numbers = personal_numbers(small_raw)
    assert raw_numbers == {"8112189876", "7305051232", "8001011234", "7001011238"}

    processed = tmp_path / "out"
    proc = run_cli(small_raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]

    texts = processed_text(processed)
    assert any(p.endswith("warehouse.sqlite") for p in texts)
    assert any(p.endswith("payout_exceptions.csv") for p in texts)
    texts["stdout"] = proc.stdout
    texts["stderr"] = proc.stderr
    assert_no_leak(raw_numbers, texts)

    # The test has teeth: findings about these people exist, with their numbers masked.
    findings = texts[str(processed / "payout_exceptions.csv")]
    for rule in (
        "recipient_mismatch",
        "invalid_org_number",
        "unreadable_row",
        "cap_exceeded",
        "cofinancing_too_low",
        "unknown_priority",
    ):
        assert f",{rule}," in findings, rule
    assert findings.count("PNR-") >= 2


def test_no_personal_identity_number_after_a_run_on_the_sample_data(tmp_path: Path) -> None:
    raw = REPO / "data" / "raw"
    if not (raw / "payouts").is_dir():
        pytest.skip("no sample data in data/raw")
    raw_numbers = personal_numbers(raw)
    assert len(raw_numbers) >= 5  # the sample has sole traders
    processed = tmp_path / "out"
    proc = run_cli(raw, processed)
    assert proc.returncode == 0, proc.stderr[-3000:]
    texts = processed_text(processed) | {"stdout": proc.stdout, "stderr": proc.stderr}
    assert_no_leak(raw_numbers, texts)
    assert "PNR-" in texts[str(processed / "decision_balances.csv")]


# An amount field takes the spellings that are not amounts: `8108151518` alone is a
# well-formed amount (8 108 151 518 kr) and is read as one.
AMOUNT_SPELLINGS = [s for s in PNR_SPELLINGS if not s.isdigit()]


def _planted(header: str, template: str, columns: list[str], spellings: list[str]) -> list[str]:
    """One row per (column, spelling): `template` with that column's value replaced."""
    names = header.split(";")
    base = template.split(";")
    rows = []
    for c in columns:
        for k, spelling in enumerate(spellings):
            values = list(base)
            values[names.index(c)] = spelling
            values[0] = values[0] if c == names[0] else f"{values[0]}{names.index(c)}x{k}"
            rows.append(";".join(values))
    return rows


class Plant(NamedTuple):
    """A raw file with personal numbers planted into a template row's columns (named as
    in the header, joined by `;`): the text columns, and the amount and date columns."""

    file: str
    header: str
    kept: list[str]
    template: str
    text_columns: str
    amount_columns: str

    def rows(self) -> list[str]:
        def names(columns: str) -> list[str]:
            return columns.split(";") if columns else []

        return [
            self.header,
            *self.kept,
            *_planted(self.header, self.template, names(self.text_columns), PNR_SPELLINGS),
            *_planted(self.header, self.template, names(self.amount_columns), AMOUNT_SPELLINGS),
        ]


def test_a_personal_number_typed_into_any_text_or_amount_field_never_leaks(
    small_raw: Path, tmp_path: Path
) -> None:
    """Issue 13: `810815 1518` in a free-text or amount field was published unmasked in
    quarantine.csv, payout_exceptions.csv, the warehouse and the Dagster event log."""
    payout = "V2017-00050;2017-05-02;RS1;556677-8899;Åkes Snickeri AB;UTV;1 000;1:1;1380"
    decision = (
        "RS50;2017-02-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;10 000;10 000;"
        "2017-02-01;2017-12-31;SV3.5;Beviljad;"
    )
    appropriation_header = "År;Anslag;Tilldelat belopp;Anslagskredit;Högsta anslagssparande"
    profile_header = "Organisationsnummer;Kön;Bakgrund;Utbildning;Inkomstklass;Åldersgrupp"
    survey_header = (
        "Löpnummer;År;Kommun;Kön;Bakgrund;Utbildning;Inkomstklass;Åldersgrupp;Stratum;Vikt;Ind_A"
    )
    survey_row = "20170001;2017;1315;M;Svensk bakgrund;Gymnasial;4;-29;1315-A;29,32;1"
    population_header = "År;Kommun;Kön;Bakgrund;Utbildning;Åldersgrupp;Antal"
    population_row = "2017;1315;K;Svensk bakgrund;Gymnasial;-29;12"
    # Per file: its header, rows kept as they are, the row the numbers are planted into,
    # the columns that get a personal number, and those that get one in an amount's place.
    plants = [
        Plant(
            "payouts/utbetalningar_pnr.csv",
            PAYOUT_HEADER,
            [],
            payout,
            "Verifikationsnummer;Diarienummer;Organisationsnummer;Mottagare;Insats;Anslag;Kommun",
            "Belopp;Bokföringsdatum",
        ),
        Plant(
            "decisions/beslut_20190101.csv",
            DECISION_HEADER,
            [
                "RS1;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Avslutad;"
            ],
            decision,
            "Diarienummer;Insats;Organisationsnummer;Sökande;Projektnamn;Prioritering;Status;"
            "EU-ärende",
            "Beviljat belopp;Medfinansiering;Beslutsdatum;Projektstart",
        ),
        Plant(
            "appropriations/anslag_pnr.csv",
            appropriation_header,
            [],
            "2019;X;1 000;;",
            "Anslag",
            "År;Tilldelat belopp;Anslagskredit;Högsta anslagssparande",
        ),
        Plant(
            "surveys/mottagarprofil_2017.csv",
            profile_header,
            ["5566778899;K;Svensk bakgrund;Gymnasial;4;45-64"],
            "5560360793;K;Svensk bakgrund;Gymnasial;4;45-64",
            profile_header,  # every column
            "",
        ),
        Plant(
            "surveys/befolkningsenkat_2017.csv",
            survey_header,
            [survey_row],
            survey_row,
            "Löpnummer;Kommun;Kön;Stratum;Ind_A",
            "År;Vikt",
        ),
        Plant(
            "population/befolkning_2017.csv",
            population_header,
            [population_row],
            population_row,
            "Kommun;Kön",
            "År;Antal",
        ),
    ]
    for plant in plants:
        write(small_raw / plant.file, plant.rows())
    eu_header = "ärende-id,område,insatsområde,tematiskt_mål,stödmottagare,projektnamn,beviljat_belopp_sek,projekt_starttid,projekt_sluttid,län,kommuner"
    eu_row = "20200940,Västsverige,Axel 1,Mål 1,Åkes AB,Projekt,3929285,2017-01-02,2020-04-30,Halland,Halmstad"
    eu_rows = []
    for c in [
        "ärende-id",
        "stödmottagare",
        "projektnamn",
        "beviljat_belopp_sek",
        "län",
        "kommuner",
    ]:
        for _k, spelling in enumerate(
            AMOUNT_SPELLINGS if c == "beviljat_belopp_sek" else PNR_SPELLINGS
        ):
            values = dict(zip(eu_header.split(","), eu_row.split(","), strict=True))
            values["ärende-id"] = f"2020{len(eu_rows):04d}"
            values[c] = spelling
            eu_rows.append(",".join(values.values()))
    write(small_raw / "eu_projects" / "register.csv", [eu_header, eu_row, *eu_rows])

    assert PNR in personal_numbers(small_raw)
    processed, home = tmp_path / "out", tmp_path / "dagster_home"
    home.mkdir()
    proc = run_cli(small_raw, processed, home=home)
    assert proc.returncode == 0, proc.stderr[-3000:]

    texts = processed_text(processed) | {"stdout": proc.stdout, "stderr": proc.stderr}
    # The run's event log and compute logs (step outputs under storage/ are the publish
    # side's to mask or remove: organisation numbers stand there in clear by design).
    texts |= {
        k: v
        for k, v in processed_text(home).items()
        if not Path(k).relative_to(home).as_posix().startswith("storage/")
    }
    assert any(k.endswith(".db") for k in texts), sorted(texts)
    assert_no_leak({PNR}, texts)
    # The test has teeth: the planted rows are in the outputs, masked.
    quarantine = texts[str(processed / "quarantine.csv")]
    assert quarantine.count(mask(PNR)) >= 20
    findings = texts[str(processed / "payout_exceptions.csv")]
    assert mask(PNR) in findings
