"""The Word draft of the appropriation section: the sample's 2017 figures, as sentences and
as the table, read back with python-docx.

The document is built from the sample's tables as the pipeline computes and publishes
them (validated, reconciled, `to_published`); the expected figures are recomputed here
from the raw files with the deliberately tiny reader of test_sample_data, so a slip in
the pipeline or in the draft shows up as a wrong sentence.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.unit.test_sample_data import RAW, amount, org10, payouts, read_rows
from tillvaxt.publish.tables import to_published
from tillvaxt.reconcile.appropriation import reconcile_appropriations
from tillvaxt.reconcile.usage import appropriation_usage, recipients_by_instrument
from tillvaxt.report.word import count_words, write_docx

NBSP = "\u00a0"


def grouped(value: Decimal) -> str:
    """The test's own Swedish grouping (plain spaces; the document's are normalised)."""
    sign = "−" if value < 0 else ""
    return sign + f"{abs(int(value)):,}".replace(",", " ")


@pytest.fixture(scope="module")
def published(sample_sources) -> dict[str, pd.DataFrame]:
    pays, decs, apps = (
        sample_sources.payouts,
        sample_sources.decisions,
        sample_sources.appropriations,
    )
    quarantine = pd.concat([pays.quarantine, decs.quarantine, apps.quarantine], ignore_index=True)
    return {
        "appropriation_usage": to_published(appropriation_usage(pays.valid, apps.valid)),
        "appropriation_reconciliation": to_published(
            reconcile_appropriations(apps.valid, pays.valid, quarantine)
        ),
        "recipients_by_instrument": to_published(
            recipients_by_instrument(pays.valid, decs.valid, sample_sources.region)
        ),
    }


@pytest.fixture(scope="module")
def expected() -> dict[str, object]:
    """The 2017 facts from the raw files: allocation, 1:1 per instrument, firms, other funds."""
    rows = [r for r in payouts().values() if r["Bokföringsdatum"].startswith("2017-")]
    paid: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    cheques: dict[str, Decimal] = {}
    for r in rows:
        bucket = paid if r["Anslag"] == "1:1" else other
        bucket[r["Insats"]] = bucket.get(r["Insats"], Decimal(0)) + amount(r["Belopp"])
        if r["Anslag"] == "1:1" and r["Insats"] == "UTV":
            key = org10(r["Organisationsnummer"])
            cheques[key] = cheques.get(key, Decimal(0)) + amount(r["Belopp"])
    allocated = {
        r["År"]: amount(r["Tilldelat belopp"])
        for _, r in read_rows(RAW / "appropriations" / "anslag_1_1.csv")
    }["2017"]
    sheet = load_workbook(RAW / "decisions" / "beslut_20190110.xlsx", read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(h).strip() for h in values[0]]
    fou = {
        org10(str(d["Organisationsnummer"]))
        for d in (dict(zip(header, v, strict=True)) for v in values[1:])
        if d["Insats"] == "FOU"
        and str(d["Beslutsdatum"]).startswith("2017-")
        and d["Status"] != "Återkallad"
    }
    total = sum(paid.values(), Decimal(0))
    return {
        "allocated": allocated,
        "paid": paid,
        "total": total,
        "kvar": allocated - total,
        "utv_firms": sum(1 for v in cheques.values() if v > 0),
        "fou_firms": len(fou),
        "other": {k: v for k, v in other.items() if v},
    }


@pytest.fixture(scope="module")
def document(published, tmp_path_factory) -> docx.document.Document:
    path = tmp_path_factory.mktemp("word") / "aterrapportering_2017.docx"
    write_docx(path, 2017, published, "Region Halland", "Utkast")
    return docx.Document(str(path))


def _text(paragraph) -> str:
    return paragraph.text.replace(NBSP, " ")


def test_the_sentences_carry_the_published_figures(document, expected) -> None:
    body = [_text(p) for p in document.paragraphs]
    text = "\n".join(body)
    assert expected["allocated"] == Decimal(10_811_000)  # the seed report's figure
    assert (
        f"Regeringen har för 2017 tilldelat Region Halland {grouped(expected['allocated'])} "
        "kronor för regionala tillväxtåtgärder." in text
    )
    assert f"betalat ut {grouped(expected['total'])} kronor från anslaget" in text
    for code, name in (("UTV", "utvecklingscheckar"), ("FOU", "FoU-checkar")):
        assert f"{grouped(expected['paid'][code])} kronor till {name}" in text
    assert f"Kvar av 2017 års anslag är därmed {grouped(expected['kvar'])} kronor." in text
    assert "Underskottet finansieras av 2018 års anslag." in text
    utv, fou = expected["utv_firms"], expected["fou_firms"]
    assert (utv, fou) == (80, 9)
    assert (
        f"Under året har {utv} företag fått utvecklingscheckar och {count_words(fou)} företag "
        "har beviljats FoU-checkar i länet." in text
    )
    assert "och nio företag har beviljats FoU-checkar" in text  # in words, as the seed writes it
    other = expected["other"]
    assert other.get("DRIFT") == Decimal(300_000)
    assert f"{grouped(other['DRIFT'])} kronor till särskilt driftstöd" in text
    outside = sum(other.values(), Decimal(0))
    assert f"betalat ut {grouped(outside)} kronor med andra medel" in text


def test_the_table_is_the_seed_table_in_a_word_style(document, expected) -> None:
    (table,) = document.tables
    assert table.style.name == "Light List Accent 1"
    rows = [[c.text.replace(NBSP, " ") for c in r.cells] for r in table.rows]
    names = {
        "ENERGI": "Energikartläggningscheckar",
        "FOU": "FoU-checkar",
        "PROJ": "Utvecklingsprojekt",
        "EUMED": "Medfinansiering EU-projekt",
        "UTV": "Utvecklingscheckar",
    }
    want = [[names[c], grouped(expected["paid"][c])] for c in names]
    want += [
        ["Anslag 2017", grouped(expected["allocated"])],
        ["Utbetalt 2017", grouped(expected["total"])],
        ["Kvar av 2017 års anslag1", grouped(expected["kvar"])],
    ]
    assert rows == want
    mark = table.rows[-1].cells[0].paragraphs[0].runs[-1]
    assert mark.text == "1" and mark.font.superscript
    foot = [p for p in document.paragraphs if _text(p).startswith("1 ")]
    assert [_text(p) for p in foot] == ["1 Underskottet finansieras av 2018 års anslag."]


def test_counts_up_to_ten_are_words() -> None:
    assert [count_words(n) for n in (1, 2, 9, 10)] == ["ett", "två", "nio", "tio"]
    assert count_words(11) == "11" and count_words(1234) == f"1{NBSP}234"


def test_written_whole_or_not_at_all(published, tmp_path: Path) -> None:
    path = write_docx(tmp_path / "a.docx", 2017, published, "Region Halland")
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]  # no staging file left behind
    assert docx.Document(str(path)).paragraphs[0].text.startswith("Användningen av medel")
