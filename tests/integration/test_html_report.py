"""The HTML report: self-contained, the seed's table, charts that render in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tests.unit.test_workbook import seed_tables
from tillvaxt.report.charts import report_charts
from tillvaxt.report.html import report_html, swedish, write_html
from tillvaxt.report.workbook import RunInfo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _tables() -> dict[str, pd.DataFrame]:
    """The seed's 2017 usage with a small kön × bakgrund table and a survey table."""
    tables = seed_tables()
    tables["support_by_group"] = _group_rows()
    tables["survey_estimates"] = _survey_rows()
    return tables


def chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    """Headless Chromium with its own profile under `tmp`; fails with its stderr."""
    assert CHROMIUM, "chromium is required (TILLVAXT_REQUIRE_CHROMIUM=1) but not installed"
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={tmp / 'profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def _page(tmp_path: Path) -> Path:
    tables = _tables()
    run = RunInfo("2026-11-01 02:00:00", "git abc123", "/raw", {"payouts/a.csv": "ab" * 32})
    text = report_html(2017, tables, run, report_charts(tables, 2017), LABELS)
    return write_html(tmp_path / "aterrapportering_2017.html", text)


def test_swedish_numbers() -> None:
    assert swedish(10_811_000) == "10\u00a0811\u00a0000"
    assert swedish(-114_348) == "−114\u00a0348"
    assert swedish(0.25, 2) == "0,25"


def test_page_is_self_contained_with_the_seed_table(tmp_path: Path) -> None:
    text = _page(tmp_path).read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", text)
    assert "<script" not in text
    assert 'Kvar av 2017 års anslag<sup>1</sup></td><td class="num">−114\u00a0348' in text
    assert "1 Underskottet finansieras av 2018 års anslag." in text
    assert '<td class="num">..</td>' in text  # a withheld cell of support_by_group
    assert text.count("<svg") == 3  # paid per instrument; paid and representation by group


@pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("TILLVAXT_REQUIRE_CHROMIUM") != "1",
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)
def test_page_renders_tables_and_chart_in_headless_chromium(tmp_path: Path) -> None:
    page = _page(tmp_path)
    proc = chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = proc.stdout
    assert '<table id="appropriation_usage">' in dom
    assert "10&nbsp;925&nbsp;348" in dom  # serialised non-breaking spaces
    assert '<table class="cross" id="support_bakgrund">' in dom
    svg = dom[dom.index("<svg") : dom.index("</svg>")]
    assert "Utbetalt per insats och år" in svg
    assert svg.count("<path") > 5  # the bars were drawn


def _group_rows() -> pd.DataFrame:
    rows = []
    cells = {
        ("K", "Totalt"): (40, 1_000_000),
        ("M", "Totalt"): (50, 2_000_000),
        ("Totalt", "Svensk bakgrund"): (70, 2_400_000),
        ("Totalt", "Utrikes född"): (None, None),  # withheld
        ("K", "Svensk bakgrund"): (30, 700_000),
        ("K", "Utrikes född"): (None, None),
        ("M", "Svensk bakgrund"): (None, None),
        ("Totalt", "Totalt"): (90, 3_000_000),
    }
    for (kon, bak), (n, paid) in cells.items():
        rows.append(
            {"year": 2017, "instrument": "Alla", "kon": kon, "bakgrund": bak}
            | dict.fromkeys(["utbildning", "inkomstklass", "aldersgrupp"], "Totalt")
            | {
                "recipients": n,
                "paid_sek": paid,
                "representation_ratio": None if n is None else n / 45,
                "suppressed": n is None,
            }
        )
    return pd.DataFrame(rows)


def _survey_rows() -> pd.DataFrame:
    rows = []
    for kon, bak, n, est in (
        ("Totalt", "Totalt", 400, 0.5),
        ("K", "Totalt", 200, 0.25),
        ("M", "Totalt", 200, 0.75),
        ("K", "Utrikes född", 30, None),  # under 41 answers: withheld
        ("M", "Utrikes född", 60, 0.125),
        ("Totalt", "Utrikes född", 90, 0.2),
    ):
        rows.append(
            {"year": 2017, "indicator": "GottHalsotillstand", "kon": kon, "bakgrund": bak}
            | dict.fromkeys(["utbildning", "inkomstklass", "aldersgrupp"], "Totalt")
            | {
                "n": n,
                "estimate": est,
                "ci_low": None if est is None else est - 0.05,
                "ci_high": None if est is None else est + 0.05,
                "suppressed": est is None,
            }
        )
    return pd.DataFrame(rows)


LABELS = {"GottHalsotillstand": "Andel med gott hälsotillstånd"}


def _labels(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_group_charts_draw_every_published_cell_with_decimal_commas() -> None:
    from tillvaxt.report.charts import group_svg

    for value in ("paid_sek", "representation_ratio"):
        labels = _labels(group_svg(_group_rows(), 2017, value, "Utbetalt"))
        # Every published cell: the kön and bakgrund margins and the published cross cell;
        # not the grand total, not the three withheld cells.
        bars = [t for t in labels if not t[0].isdigit() and t[0] != "−" and t != "Utbetalt"]
        assert bars == [
            "Kvinnor",
            "Män",
            "Svensk bakgrund",
            "Kvinnor, Svensk bakgrund",
            "(3 skyddade eller tomma celler visas inte)",
        ]
        ticks = [t for t in labels if t[0].isdigit()]
        assert ticks and not [t for t in ticks if re.fullmatch(r"\d+\.\d+", t)], ticks
    ratio = _labels(group_svg(_group_rows(), 2017, "representation_ratio", "R"))
    assert any(re.fullmatch(r"\d+,\d+", t) for t in ratio), ratio  # e.g. 0,4 on the axis


def _row(html: str, table_id: str, label: str) -> list[str]:
    """The cells of the row whose text starts with `label` in the table `table_id`."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[table.index("<tbody>") : table.index("</table>")]
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", table):
        cells = [
            re.sub(r"<[^>]+>", "|", c).strip("|")
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr)
        ]
        if label in cells:
            return cells[cells.index(label) + 1 :]
    raise AssertionError(f"no row {label!r} in {table_id}")


def test_statistics_are_cross_tables_with_a_sentence_on_dots(tmp_path: Path) -> None:
    html = _page(tmp_path).read_text(encoding="utf-8")
    nb = "\u00a0"
    # kön down the side, bakgrund across: Svensk bakgrund, Utrikes född, Totalt.
    assert _row(html, "support_bakgrund", "Kvinnor") == ["Mottagare", "30", "..", "40"]
    assert _row(html, "support_bakgrund", "Män") == ["Mottagare", "..", "", "50"]
    totals = _row(html, "support_bakgrund", "Totalt")
    assert totals == ["Mottagare", "70", "..", "90"]
    cells = _group_rows()
    withheld = int(cells["suppressed"].sum())
    note = html[html.index('id="support_bakgrund_note"') :].split("</p>")[0]
    assert f"({withheld} av {len(cells)} celler)" in note
    assert "frekvensregeln" in note and "p%-regeln" in note and "sekundärt skydd" in note
    assert "färre än 3 mottagare" in note and "inom 10 %" in note
    # The survey in per cent with decimal commas and the region's indicator label.
    row = _row(html, "survey_bakgrund", "Andel med gott hälsotillstånd")
    assert row[:3] == ["Kvinnor", "..", "25,0|20,0–30,0"]
    assert _row(html, "survey_bakgrund", "Män")[:2] == ["12,5|7,5–17,5", "75,0|70,0–80,0"]
    snote = html[html.index('id="survey_bakgrund_note"') :].split("</p>")[0]
    assert "färre än 41 svar" in snote and "1 av 6 celler" in snote
    assert "GottHalsotillstand" not in html
    assert nb not in "".join(row[1:2])  # no grouping inside a percentage


def test_the_page_says_why_two_tables_differ_in_funding(tmp_path: Path) -> None:
    tables = _tables()
    paid_1_1 = {
        c: int(p)
        for c, p in zip(
            tables["appropriation_usage"]["instrument"],
            tables["appropriation_usage"]["paid_sek"],
            strict=True,
        )
    }
    every = paid_1_1 | {"PROJ": paid_1_1["PROJ"] + 75_000, "DRIFT": 300_000}
    tables["recipients_by_instrument"] = pd.DataFrame(
        {
            "year": 2017,
            "instrument": list(every),
            "instrument_name": list(every),
            "municipality": "Totalt",
            "recipients": 1,
            "granted_recipients": 1,
            "decisions": 1,
            "paid_sek": [Decimal(v) for v in every.values()],
        }
    )
    run = RunInfo("t", "v", "/raw", {})
    html = report_html(2017, tables, run, {}).replace("\u00a0", " ")
    note = html[html.index('id="recipients_paid_note"') :].split("</p>")[0]
    assert f"{swedish(sum(every.values()))} kr".replace("\u00a0", " ") in note
    assert "10 925 348 kr" in note and "skillnaden på 375 000 kr" in note
    assert "Utvecklingsprojekt 75 000 kr" in note and "300 000 kr" in note
    assert _row(html, "recipients_paid", "Summa")[-1] == swedish(sum(every.values())).replace(
        "\u00a0", " "
    )
