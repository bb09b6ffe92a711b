"""Reading the source files: encodings, headers, and clear errors for bad input."""

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.errors import InputError
from tillvaxt.rawfiles import read_csv_file, read_xlsx_file
from tillvaxt.validate.decisions import REQUIRED as DECISION_COLUMNS
from tillvaxt.validate.payouts import REQUIRED, validate_payouts

ROW = "V1;2017-01-05;RS1;556036-0793;Ålö Ädelträ AB;UTV;1 000;1:1;1380"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_swedish_letters_survive_every_encoding(
    tmp_path: Path, encoding: str, newline: str
) -> None:
    path = write(tmp_path / "p.csv", [PAYOUT_HEADER, ROW, ""], encoding=encoding, newline=newline)
    frame = read_csv_file(path, "payouts/p.csv", REQUIRED)
    assert list(frame["Mottagare"]) == ["Ålö Ädelträ AB"]
    assert list(frame["_line"]) == [2]


def test_headers_are_trimmed_and_order_is_free(tmp_path: Path) -> None:
    cols = PAYOUT_HEADER.split(";")
    vals = ROW.split(";")
    header = ";".join(f"  {c} " for c in reversed(cols))
    path = write(tmp_path / "p.csv", [header, ";".join(reversed(vals))])
    frame = read_csv_file(path, "p.csv", REQUIRED)
    assert frame.loc[0, "Belopp"] == "1 000" and frame.loc[0, "Kommun"] == "1380"


def _error(path: Path, reader=read_csv_file, required=REQUIRED) -> InputError:
    with pytest.raises(InputError) as exc:
        reader(path, path.name, required)
    return exc.value


def test_missing_column_names_file_expected_and_found(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", [PAYOUT_HEADER.replace(";Belopp", ""), "x"])
    err = _error(path)
    assert err.line == 1 and "'Belopp'" in err.expected and "Verifikationsnummer" in err.found
    assert str(err).startswith("p.csv, line 1: expected column(s) 'Belopp'")


def test_comma_separated_file_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", [PAYOUT_HEADER.replace(";", ","), ROW.replace(";", ",")])
    assert "separated by something other than ';'" in str(_error(path))


def test_unknown_encoding(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes((PAYOUT_HEADER + "\n").encode("cp1252") + b"V1;\x81\x8d;\n")
    err = _error(path)
    assert "unknown encoding" in err.found and err.line == 2


def test_utf16_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes((PAYOUT_HEADER + "\n").encode("utf-16"))
    assert "UTF-16" in _error(path).found


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"")
    assert _error(path).found == "an empty file"


def test_a_file_that_is_not_csv(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00binary")
    assert "ZIP" in _error(path).found


def test_xlsx_without_header_row(tmp_path: Path) -> None:
    wb = Workbook()
    wb.active.append(["RS1", "2017-01-01", "UTV"])
    path = tmp_path / "beslut_20180101.xlsx"
    wb.save(path)
    err = _error(path, read_xlsx_file, DECISION_COLUMNS)
    assert "header row" in err.expected and "'RS1'" in err.found


def test_bad_date_is_quarantined_with_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.csv", [PAYOUT_HEADER, ROW, ROW.replace("V1;2017-01-05", "V2;2017-13-01")]
    )
    v = validate_payouts(read_csv_file(path, "payouts/p.csv", REQUIRED))
    assert len(v.valid) == 1
    q = v.quarantine.iloc[0]
    assert (q["source_file"], q["source_line"], q["rule"], q["year"]) == (
        "payouts/p.csv",
        3,
        "unreadable_row",
        2017,
    )
    assert (
        q["reason"]
        == "column 'Bokföringsdatum': expected an ISO date YYYY-MM-DD, found '2017-13-01'"
    )


def test_short_record_is_quarantined_not_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", [PAYOUT_HEADER, ROW, "V9;2017-02-02;RS1"])
    v = validate_payouts(read_csv_file(path, "p.csv", REQUIRED))
    assert len(v.valid) + len(v.quarantine) == v.rows_read == 2
    assert "expected 9 fields separated by ';', found 3" in v.quarantine.iloc[0]["reason"]


def test_a_stray_quote_does_not_swallow_the_lines_after_it(tmp_path: Path) -> None:
    rows = [ROW.replace("V1;", f"V{i};") for i in range(2, 6)]
    rows[0] = rows[0].replace("Ålö Ädelträ AB", 'Ålö "Ädelträ AB')
    rows[2] = rows[2].replace("Ålö Ädelträ AB", '"Ålö Ädelträ AB')  # opened, never closed
    path = write(
        tmp_path / "p.csv",
        [PAYOUT_HEADER, *rows, '"V9";2017-01-05;RS1;556036-0793;"A; B";UTV;1;1:1;1380'],
    )
    v = validate_payouts(read_csv_file(path, "p.csv", REQUIRED))
    assert sorted(v.valid["voucher_id"]) == ["V2", "V3", "V5", "V9"]
    # A quote inside an unquoted field is text; a quoted field keeps its separator.
    assert v.valid.set_index("voucher_id").loc["V2", "recipient_name"] == 'Ålö "Ädelträ AB'
    assert v.valid.set_index("voucher_id").loc["V9", "recipient_name"] == "A; B"
    # The open quote costs its own line (4), not the lines after it.
    assert list(v.quarantine["source_line"]) == [4]
    assert v.quarantine.iloc[0]["reason"] == (
        "not a readable CSV record: field 5 opens a double quote that is not closed on this line"
    )


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"])
def test_quoted_fields_with_separator_and_quotes_are_read_exactly(
    tmp_path: Path, encoding: str, newline: str
) -> None:
    """Issue 13: a name holding `;` was cut into 10 fields and 91 680,92 went missing."""
    lines = [
        PAYOUT_HEADER,
        'V1;2017-03-01;RS1;556036-0793;"„;MEDIKOM-SOTSIAL” LTD";UTV;91 680,92;1:1;1380',
        'V2;2017-03-02;RS2;556036-0793;"Bygg; Måleri ""Nya"" AB";UTV;"1 250,50";1:1;1380',
        '"V3";"2017-03-03";"RS3";"556036-0793";"Plain AB";"UTV";"10";"1:1";"1380"',
        'V4;2017-03-04;RS4;556036-0793; "Padded; AB" ;UTV;5;1:1;1380',
        'V5;2017-03-05;RS5;556036-0793;"";UTV;7;1:1;1380',
    ]
    path = write(tmp_path / "p.csv", lines, encoding=encoding, newline=newline)
    v = validate_payouts(read_csv_file(path, "payouts/p.csv", REQUIRED))
    assert v.quarantine.empty
    names = v.valid.set_index("voucher_id")["recipient_name"]
    assert names["V1"] == "„;MEDIKOM-SOTSIAL” LTD"
    assert names["V2"] == 'Bygg; Måleri "Nya" AB'
    assert names["V3"] == "Plain AB"
    assert names["V4"] == "Padded; AB"
    assert pd.isna(names["V5"])
    assert v.valid.set_index("voucher_id")["amount_ore"].to_dict() == {
        "V1": 9_168_092,
        "V2": 125_050,
        "V3": 1_000,
        "V4": 500,
        "V5": 700,
    }
    assert list(v.valid.sort_values("voucher_id")["source_line"]) == [2, 3, 4, 5, 6]


def test_text_after_a_closing_quote_quarantines_only_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.csv",
        [
            PAYOUT_HEADER,
            'V1;2017-01-05;RS1;556036-0793;"A"B;UTV;1;1:1;1380',
            ROW.replace("V1", "V2"),
        ],
    )
    v = validate_payouts(read_csv_file(path, "p.csv", REQUIRED))
    assert list(v.valid["voucher_id"]) == ["V2"]
    assert list(v.quarantine["source_line"]) == [2]
    assert "field 5 has text after its closing double quote" in v.quarantine.iloc[0]["reason"]


def test_a_quoted_header_is_read(tmp_path: Path) -> None:
    header = ";".join(f'"{h}"' for h in PAYOUT_HEADER.split(";"))
    frame = read_csv_file(write(tmp_path / "p.csv", [header, ROW]), "p.csv", REQUIRED)
    assert list(frame["Mottagare"]) == ["Ålö Ädelträ AB"]


def test_a_nul_byte_anywhere_in_the_file_is_refused(tmp_path: Path) -> None:
    """Issue 13: NUL bytes were looked for only in the first 4 KB."""
    rows = [ROW.replace("V1;", f"V{i};") for i in range(200)]
    path = tmp_path / "p.csv"
    path.write_bytes(("\n".join([PAYOUT_HEADER, *rows]) + "\n").encode() + b"V9\x00;x\n")
    assert path.stat().st_size > 4096
    with pytest.raises(InputError, match="binary content"):
        read_csv_file(path, "p.csv", REQUIRED)


def test_a_missing_source_folder_is_an_input_error(tmp_path: Path) -> None:
    from tillvaxt.validate.payouts import read_payouts

    (tmp_path / "raw").mkdir()
    with pytest.raises(InputError) as exc:
        read_payouts(tmp_path / "raw")
    assert str(exc.value) == "payouts: expected at least one *.csv export, found no such folder"
    with pytest.raises(InputError, match="no such directory"):
        read_payouts(tmp_path / "nowhere")


def test_upper_case_file_names_are_read(tmp_path: Path) -> None:
    from tillvaxt.validate.payouts import read_payouts

    write(tmp_path / "raw" / "payouts" / "EXPORT.CSV", [PAYOUT_HEADER, ROW])
    assert list(read_payouts(tmp_path / "raw")["Verifikationsnummer"]) == ["V1"]


def test_a_formula_cell_without_a_cached_value_is_named_as_such(tmp_path: Path) -> None:
    """Issue 13: it was reported as "found nothing"."""
    from tests.conftest import DECISION_HEADER
    from tillvaxt.region import load_region
    from tillvaxt.validate.decisions import validate_decisions

    wb = Workbook()
    ws = wb.active
    ws.append(DECISION_HEADER.split(";"))
    row = "RS1;2017-01-15;UTV;556677-8899;Åkes AB;Ny hemsida;100 000;100 000;2017-02-01;2017-12-31;SV3.5;Beviljad;"
    ws.append(row.split(";"))
    ws.append(row.replace("RS1", "RS2").split(";"))
    ws["G3"] = "=50000*2"  # written by a program: a formula, no value computed yet
    path = tmp_path / "decisions" / "beslut_20180101.xlsx"
    path.parent.mkdir()
    wb.save(path)
    frame = read_xlsx_file(path, "decisions/beslut_20180101.xlsx", DECISION_COLUMNS)
    v = validate_decisions(frame, load_region())
    assert list(v.valid["decision_id"]) == ["RS1"]
    assert v.quarantine.iloc[0]["reason"] == (
        "column 'Beviljat belopp': expected a value, found a formula without a cached value "
        "(=50000*2); open and save the file in Excel"
    )
