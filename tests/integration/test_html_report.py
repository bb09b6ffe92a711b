"""The HTML report: self-contained, the seed's table, charts that render in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from tests.unit.test_workbook import seed_tables
from tillvaxt.report.charts import report_charts
from tillvaxt.report.html import report_html, swedish, write_html
from tillvaxt.report.workbook import RunInfo

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _page(tmp_path: Path) -> Path:
    tables = seed_tables()
    run = RunInfo("2026-11-01 02:00:00", "git abc123", "/raw", {"payouts/a.csv": "ab" * 32})
    text = report_html(2017, tables, run, report_charts(tables, 2017))
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
    assert '<td class="num">..</td>' in text  # the suppressed cell of support_by_group
    assert (
        text.count("<svg") == 1
    )  # paid per instrument (the group chart has only suppressed/margin-less rows)


@pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("TILLVAXT_REQUIRE_CHROMIUM") != "1",
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)
def test_page_renders_tables_and_chart_in_headless_chromium(tmp_path: Path) -> None:
    assert CHROMIUM, "chromium is required (TILLVAXT_REQUIRE_CHROMIUM=1) but not installed"
    page = _page(tmp_path)
    proc = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = proc.stdout
    assert '<table id="appropriation_usage">' in dom
    assert "10&nbsp;925&nbsp;348" in dom  # serialised non-breaking spaces
    assert '<table id="support_by_group">' in dom
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


def test_group_charts_draw_every_published_cell_and_the_page_explains_dots() -> None:
    from tillvaxt.report.charts import group_svg
    from tillvaxt.report.html import statistics_note

    for value in ("paid_sek", "representation_ratio"):
        svg = group_svg(_group_rows(), 2017, value, "Utbetalt")
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
        # Every published cell: the kön and bakgrund margins and the published cross cell;
        # not the grand total, not the three withheld cells.
        bars = [t for t in labels if not t[0].isdigit() and t != "Utbetalt"]
        assert bars == [
            "K",
            "M",
            "Svensk bakgrund",
            "K, Svensk bakgrund",
            "(3 skyddade eller tomma celler visas inte)",
        ]
    note = statistics_note("support_by_group", _group_rows())
    assert note.startswith("..") and "3 av 8 celler" in note
    assert "frekvensregeln" in note and "p%-regeln" in note and "sekundär" in note
