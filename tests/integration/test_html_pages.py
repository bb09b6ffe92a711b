"""The sample's 2017 HTML report prints on at most 12 A4 pages in headless Chromium (41 on the
first version of the page, 13 before the print stylesheet), and no column is cut at 1 300 px.

Heavy: one `tillvaxt run` of the sample in a subprocess, then Chromium prints the page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.cli import run_cli
from tests.conftest import REPO
from tests.integration.test_html_report import CHROMIUM, chromium

MAX_PAGES = 12

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("TILLVAXT_REQUIRE_CHROMIUM") != "1",
    reason="chromium is not installed (apt-get install -y chromium; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "data" / "raw" / "payouts").is_dir():
        pytest.skip("no sample data in data/raw")
    root = tmp_path_factory.mktemp("pages")
    (root / "home").mkdir()
    proc = run_cli(REPO / "data" / "raw", root / "processed", home=root / "home")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root / "processed"


def pdf_pages(pdf: bytes) -> int:
    """Page objects in a PDF (`/Type /Page`, not the `/Pages` tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_page_counter_counts_pages_not_the_page_tree() -> None:
    pdf = b"<< /Type /Pages /Count 2 >> << /Type /Page >> << /Type/Page /Parent 1 0 R >>"
    assert pdf_pages(pdf) == 2


@pytest.mark.parametrize("year", [2017, 2018])
def test_the_years_report_prints_on_at_most_twelve_a4_pages(
    processed: Path, tmp_path: Path, year: int
) -> None:
    page = (processed / f"aterrapportering_{year}.html").resolve()
    pdf = tmp_path / f"aterrapportering_{year}.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    data = pdf.read_bytes()
    pages = pdf_pages(data)
    print(f"aterrapportering_{year}.html: {pages} A4 pages")  # the figure, for the log
    assert 1 <= pages <= MAX_PAGES
    # A4 portrait in PostScript points (595 × 842), as the stylesheet's @page asks.
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data))
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}


def test_no_column_is_cut_at_1300_px(processed: Path, tmp_path: Path) -> None:
    """The page laid out in a 1 300 px window is no wider than the window.

    A copy of the page gets a script that writes the document's width into the DOM
    (the published page has no scripts); Chromium dumps the DOM after running it.
    """
    page = (processed / "aterrapportering_2017.html").read_text(encoding="utf-8")
    probe = (
        "<script>document.body.setAttribute('data-widths', "
        "document.documentElement.scrollWidth + ' ' + document.documentElement.clientWidth)"
        "</script></body>"
    )
    copy = tmp_path / "probe.html"
    copy.write_text(page.replace("</body>", probe), encoding="utf-8")
    dom = chromium(tmp_path, "--window-size=1300,2000", "--dump-dom", copy.as_uri()).stdout
    scroll, client = map(int, re.search(r'data-widths="(\d+) (\d+)"', dom).groups())
    assert scroll <= client, f"the page is {scroll} px wide in a {client} px window"
