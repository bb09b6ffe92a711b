"""The Word draft `aterrapportering_<year>.docx`: the appropriation section as prose.

Report authors write återrapportering in Word. The section "Användningen av medel
från anslag 1:1" is prose around a table, and every fact in it is a published figure:
what the government allocated, what was paid per instrument, what is left and how a
deficit is financed, how many firms received cheques, and what was paid beside the
appropriation. Generated here from the publication's own tables (certified years as
certified), in the register of the region's filed report, so nobody retypes a figure.
The author edits the words, not the numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import docx
import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tillvaxt.instruments import instrument_name
from tillvaxt.publish.files import staged_file
from tillvaxt.report.tables import MARGIN, funding_gap, swedish, usage_table

SECTION = "Användningen av medel från anslag 1:1 Regionala tillväxtåtgärder"
TABLE_STYLE = "Light List Accent 1"
# Swedish style guides (Språkrådet) write small counts as words.
NUMBER_WORDS = ["inga", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio"]


def count_words(n: int) -> str:
    """A count of firms (neuter, "ett företag") as the text writes it: up to ten in words."""
    return NUMBER_WORDS[n] if 0 <= n <= 10 else swedish(n)


def kronor(amount: Decimal) -> str:
    """`10 811 000 kronor` with non-breaking spaces, so a figure never breaks over a line."""
    return f"{swedish(amount)}\u00a0kronor"


def _running(name: str) -> str:
    """An instrument's name inside a sentence: `Utvecklingscheckar` → `utvecklingscheckar`."""
    word = name.split()[0]
    return name[0].lower() + name[1:] if word[1:] == word[1:].lower() else name


def _listing(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def _county_row(recipients: pd.DataFrame, year: int, code: str) -> pd.Series | None:
    rows = recipients[
        (recipients["year"].astype("int64") == year)
        & (recipients["instrument"] == code)
        & (recipients["municipality"] == MARGIN)
    ]
    return None if rows.empty else rows.iloc[0]


def _count(row: pd.Series | None, column: str) -> int | None:
    if row is None or column not in row or pd.isna(row[column]):
        return None
    return int(row[column])


def section_paragraphs(
    year: int, tables: Mapping[str, pd.DataFrame], region_name: str
) -> list[str]:
    """The section's paragraphs, each a few sentences, figures as published."""
    usage, rec = tables["appropriation_usage"], tables["appropriation_reconciliation"]
    table = usage_table(usage, rec, year)
    mine = rec[(rec["year"].astype("int64") == year) & (rec["appropriation"] == "1:1")]
    paras = []
    if len(mine):
        r = mine.iloc[0]
        allocated = Decimal(r["allocated_sek"])
        text = (
            f"Regeringen har för {year} tilldelat {region_name} {kronor(allocated)} för "
            "regionala tillväxtåtgärder."
        )
        opening = Decimal(r["opening_balance_sek"]) if "opening_balance_sek" in r else Decimal(0)
        if opening < 0:
            text += (
                f" Från {year - 1} kvarstod ett underskott på {kronor(-opening)}, som "
                f"finansieras av {year} års anslag."
            )
        elif opening > 0:
            text += f" Från {year - 1} fördes {kronor(opening)} över till {year}."
        paras.append(text)
    lines = [x for x in table.lines if not x.total]
    if lines:
        paid = sum((x.amount for x in lines), Decimal(0))
        parts = [
            f"{kronor(x.amount)} till {_running(x.label)}"
            for x in sorted(lines, key=lambda x: -x.amount)
        ]
        paras.append(
            f"Under {year} har {region_name} betalat ut {kronor(paid)} från anslaget: "
            f"{_listing(parts)}."
        )
    kvar = [x for x in table.lines if x.total and x.label.startswith("Kvar")]
    if kvar:
        text = f"{kvar[0].label} är därmed {kronor(kvar[0].amount)}."
        if kvar[0].amount < 0:
            text += f" Underskottet finansieras av {year + 1} års anslag."
        closing = mine.iloc[0].get("closing_balance_sek") if len(mine) else None
        if closing is not None and not pd.isna(closing) and Decimal(closing) != kvar[0].amount:
            text += (
                f" Med det som fördes över från {year - 1} är det utgående saldot "
                f"{kronor(Decimal(closing))}."
            )
        paras.append(text)
    if "recipients_by_instrument" in tables:
        recipients = tables["recipients_by_instrument"]
        utv = _count(_county_row(recipients, year, "UTV"), "recipients")
        fou = _count(_county_row(recipients, year, "FOU"), "granted_recipients")
        facts = []
        if utv is not None:
            facts.append(f"{count_words(utv)} företag fått utvecklingscheckar")
        if fou is not None:
            facts.append(f"{count_words(fou)} företag har beviljats FoU-checkar")
        if facts:
            paras.append(f"Under året har {' och '.join(facts)} i länet.")
        gap = funding_gap(recipients, usage, year)
        outside = [(c, d) for c, d in gap.outside if d > 0]
        if outside:
            total = sum((d for _, d in outside), Decimal(0))
            parts = [f"{kronor(d)} till {_running(instrument_name(c))}" for c, d in outside]
            paras.append(
                f"Utöver anslag 1:1 har {region_name} under {year} betalat ut {kronor(total)} "
                f"med andra medel: {_listing(parts)}. De ingår inte i tabellen."
            )
    return paras


def _swedish_language(document) -> None:
    """Mark the text as Swedish, so Word checks spelling in the right language."""
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "sv-SE")
    rpr.append(lang)


def _plain_first_row(table) -> None:
    """The seed's table has no header row: the style's header look would bold its first line."""
    pr = table._tbl.tblPr
    look = pr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        pr.append(look)
    for key, value in (("firstRow", "0"), ("lastRow", "0"), ("firstColumn", "0"), ("noVBand", "1")):
        look.set(qn(f"w:{key}"), value)
    look.attrib.pop(qn("w:val"), None)


def draft(year: int, tables: Mapping[str, pd.DataFrame], region_name: str, stamp: str = ""):
    """The Word document (python-docx) for `year`; `stamp` says where the figures come from."""
    document = docx.Document()
    _swedish_language(document)
    document.core_properties.title = f"Återrapportering {year}: {SECTION}"
    document.core_properties.language = "sv-SE"
    if stamp:
        note = document.add_paragraph()
        note.add_run(stamp).italic = True
    document.add_heading(SECTION, level=2)
    for text in section_paragraphs(year, tables, region_name):
        document.add_paragraph(text)
    t = usage_table(tables["appropriation_usage"], tables["appropriation_reconciliation"], year)
    caption = document.add_paragraph()
    caption.add_run(f"Tabell: {t.title}").bold = True
    grid = document.add_table(rows=0, cols=2)
    grid.style = document.styles[TABLE_STYLE]
    _plain_first_row(grid)
    for line in t.lines:
        cells = grid.add_row().cells
        label = cells[0].paragraphs[0]
        label.add_run(line.label).bold = line.total
        if line.note:
            mark = label.add_run(line.note)
            mark.font.superscript = True
            mark.bold = line.total
        amount = cells[1].paragraphs[0]
        amount.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        amount.add_run(swedish(line.amount)).bold = line.total
    for text in t.footnotes:
        mark, _, rest = text.partition(" ")
        foot = document.add_paragraph()
        sup = foot.add_run(mark)
        sup.font.superscript = True
        foot.add_run(f" {rest}").italic = True
    return document


def write_docx(
    path: Path, year: int, tables: Mapping[str, pd.DataFrame], region_name: str, stamp: str = ""
) -> Path:
    """Write the draft beside its final place, then rename (never half a file)."""
    with staged_file(path, suffix=".docx") as tmp:
        draft(year, tables, region_name, stamp).save(str(tmp))
    return path
