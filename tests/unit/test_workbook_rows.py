"""`write_rows` renders rows as xlsxwriter would: the same sheet XML, byte for byte, as
writing every cell through `write_string` / `write_number` (its slow path)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.examples import examples
from tillvaxt.report import xlsxrows
from tillvaxt.report.xlsxrows import Column, write_rows

TRICKY_TEXTS = [
    "AB & Co",
    'Sa "citat"',
    "<r>rich</r>",
    "<r>utan slut",
    "a<b>c & d",
    "&amp; redan",
    "inne\nrad",
    "tab\tinne",
    "\u3000ideografiskt",
    "hårt mellanslag\xa0",
    "x\u2029",
    "\x85",
    " ledande",
    "slutande ",
    "rad\nbrytning",
    "kontroll\x01tecken",
    "_x0041_ literal",
    "\ufffe",
    "Åäö ÿ €",
    "",
]
values = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(TRICKY_TEXTS),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(min_value=-(10**12), max_value=10**12, places=2).map(float),
)


def _sheet(tmp: Path, rows: list[list[object]], fast: bool, monkeypatch) -> bytes:
    """The sheets' XML of a workbook: a header, the block, a row after it, then a second
    sheet whose formats are indexed after the block's."""
    if not fast:
        monkeypatch.setattr(xlsxrows, "_fast_ok", lambda *a: False)
    path = tmp / f"{'fast' if fast else 'slow'}.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    formats = [wb.add_format({"num_format": "0.00"}), None, wb.add_format({"bold": True})]
    ws = wb.add_worksheet("a")
    ws.set_column(0, 0, 20)
    ws.write(0, 0, "rubrik", formats[2])
    width = len(rows[0]) if rows else 0
    columns = [
        Column(j, [r[j] for r in rows], [formats[(i + j) % 3] for i in range(len(rows))])
        for j in range(width)
    ]
    after = write_rows(ws, 2, columns)
    ws.write_string(after, 0, "summa", wb.add_format({"italic": True}))
    wb.add_worksheet("b").write_number(0, 0, 1, wb.add_format({"underline": True}))
    wb.close()
    monkeypatch.undo()
    with zipfile.ZipFile(path) as z:
        return b"".join(z.read(n) for n in sorted(z.namelist()) if not n.endswith("core.xml"))


@settings(max_examples=examples(60), deadline=None)
@given(
    st.integers(min_value=0, max_value=4).flatmap(
        lambda w: st.lists(st.lists(values, min_size=w, max_size=w), max_size=6)
    )
)
def test_fast_rows_equal_xlsxwriters_own(tmp_path_factory, rows) -> None:
    tmp = tmp_path_factory.mktemp("rows")
    with pytest.MonkeyPatch.context() as mp:
        fast = _sheet(tmp, rows, True, mp)
    with pytest.MonkeyPatch.context() as mp:
        slow = _sheet(tmp, rows, False, mp)
    assert fast == slow


def test_the_fast_path_is_taken_for_plain_rows(tmp_path: Path, monkeypatch) -> None:
    """Not only its fallback: plain values on a streaming sheet are rendered here."""
    called = []
    monkeypatch.setattr(xlsxrows, "_slow_rows", lambda *a: called.append(a[1]))
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    write_rows(ws, 1, [Column(0, ["a", "b & c", "d"]), Column(1, [1, 2.5, None])])
    assert called == [3]  # only the last row, left open as the API leaves it
    wb.close()


def test_what_the_fast_path_does_not_know_goes_through_the_api(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    ws = wb.add_worksheet()
    assert not xlsxrows._fast_ok(ws, 1, 2, [Column(0, [float("nan"), 1])])
    assert not xlsxrows._fast_ok(ws, 1, 2, [Column(0, [True, 1])])
    assert not xlsxrows._fast_ok(ws, 1, 2, [Column(0, ["x" * 20_000, "y"])])
    ws.set_row(2, 30)
    assert not xlsxrows._fast_ok(ws, 1, 2, [Column(0, ["x", "y"])])
    assert xlsxrows._fast_ok(ws, 3, 2, [Column(0, ["x", "y"])])
    wb.close()
    wb = xlsxwriter.Workbook(str(tmp_path / "y.xlsx"))  # keeps every cell: not streamed
    assert not xlsxrows._fast_ok(wb.add_worksheet(), 1, 2, [Column(0, ["x", "y"])])
    wb.close()
    with pytest.raises(TypeError):  # as write_number itself refuses it
        wb = xlsxwriter.Workbook(str(tmp_path / "z.xlsx"), {"constant_memory": True})
        write_rows(wb.add_worksheet(), 1, [Column(0, [float("nan"), 1.0])])


PYTHONS_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$|^<r>")


@settings(max_examples=examples(300), deadline=None)
@given(st.one_of(st.text(max_size=8), st.sampled_from(TRICKY_TEXTS)))
def test_arrows_test_flags_every_text_xlsxwriter_writes_specially(text: str) -> None:
    flagged = pc.match_substring_regex(pa.array([text]), xlsxrows._SPECIAL_RE2)[0].as_py()
    assert flagged or not PYTHONS_SPECIAL.search(text)


def test_no_whitespace_above_u3000() -> None:
    assert not any(chr(i).isspace() for i in range(0x3001, 0x110000))
