"""The vectorised field parsers give exactly what the scalar reference gives.

`fields.amount_ore` parses a whole column in one regex pass (the payout exports hold
a million amounts); it must agree with `money.parse_amount` on every text, valid or not.
"""

from collections.abc import Callable

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.raw import WHITESPACE
from tests.examples import examples
from tillvaxt import rawfiles
from tillvaxt.errors import ParseError
from tillvaxt.money import parse_amount
from tillvaxt.validate import fields

amount_text = st.one_of(
    st.from_regex(r"-?\d{1,3}([ \u00a0\u202f]\d{3}){0,5}(,\d{1,3})?", fullmatch=True),
    st.text(alphabet="0123456789 ,.-\u00a0\u202f", max_size=12),
    # Around the bound of ±10^13 kr, with leading zeros that do not count.
    st.from_regex(r"-?0{0,30}[1-9]\d{12,14}(,\d{1,2})?", fullmatch=True),
    st.sampled_from(["10000000000000", "10000000000000,01", "-10000000000000,00", "0" * 5000]),
    # Where the comma's place and the digits left after the marks decide the öre.
    st.sampled_from([",5", "-", "-0", "0,00", "00,1", "1,", "1,,5", "1-2", "--1", "1\u06632"]),
)


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(amount_text, min_size=1, max_size=20))
def test_vectorised_amounts_agree_with_parse_amount(texts: list[str]) -> None:
    parsed = fields.amount_ore(pd.Series(texts, dtype="string"), "Belopp")
    assert_like_scalar(
        parsed, texts, parse_amount, lambda exc: f"column 'Belopp': expected {exc.expected}"
    )


def assert_like_scalar(parsed, texts, scalar, refused: Callable[[ParseError], str]) -> None:
    """Per text, the vectorised (values, errors) say what `scalar` says: its value and
    no error, or (where it raises) a missing value and an error starting `refused(exc)`."""
    values, errors = parsed
    for text, value, error in zip(texts, values, errors, strict=True):
        try:
            expected = scalar(text)
        except ParseError as exc:
            assert pd.isna(value) and error.startswith(refused(exc))
        else:
            assert value == expected and error == ""


def test_join_errors_only_separates_present_reasons() -> None:
    joined = fields.join_errors(
        pd.Series(["", "a", "", "p"], dtype="string"),
        pd.Series(["x", "b", "", ""], dtype="string"),
        pd.Series(["", "", "c", "q"], dtype="string"),
    )
    assert list(joined) == ["x", "a; b", "c", "p; q"]


@settings(max_examples=examples(600), deadline=None)
@given(st.text(alphabet='ab; "\t', max_size=24))
def test_quote_aware_split_agrees_with_its_rules_on_every_line(line: str) -> None:
    """`split_semicolon_line` takes `str.split` and the C csv reader where it can; both
    must give what the field-by-field rules give (up to the blanks the validators strip)."""
    from tillvaxt.rawfiles import _QuoteError, split_by_rules, split_semicolon_line

    try:
        expected = [f.strip(" \t") for f in split_by_rules(line)]
    except _QuoteError:
        expected = None
    try:
        got = [f.strip(" \t") for f in split_semicolon_line(line)]
    except _QuoteError:
        got = None
    assert got == expected


# Mostly lines of the header's three fields, so the Arrow path, not the loop, reads them.
_plain_line = st.one_of(
    st.from_regex(r"[ab \t\u00e5]{0,3};[ab \t]{0,3};[ab \t\u00e5]{0,3}", fullmatch=True),
    st.text(alphabet=" \t;", max_size=5),
    st.text(alphabet="ab ;\t\u00e5", max_size=12),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_plain_line, max_size=12), st.sampled_from(["\n", "\r\n", "\r"]))
def test_arrow_split_of_a_file_without_quotes_agrees_with_the_line_loop(
    lines: list[str], newline: str
) -> None:
    text = newline.join(["A;B;C", *lines])
    fast = rawfiles.read_delimited_text(text, "f.csv", ["A", "B", "C"])
    original, reader = rawfiles._plain_frame, rawfiles._csv_reader_frame
    try:
        rawfiles._csv_reader_frame = lambda *args: None  # Arrow's split of Python lines
        split = rawfiles.read_delimited_text(text, "f.csv", ["A", "B", "C"])
        rawfiles._plain_frame = lambda *args: None  # the loop, for every line
        loop = rawfiles.read_delimited_text(text, "f.csv", ["A", "B", "C"])
    finally:
        rawfiles._plain_frame, rawfiles._csv_reader_frame = original, reader
    pd.testing.assert_frame_equal(fast, loop)
    pd.testing.assert_frame_equal(split, loop)


def test_csv_reader_reads_a_plain_export_and_leaves_the_rest() -> None:
    """A plain export is read by Arrow's CSV reader with lines 2..; a blank or short line
    sends the file the line-wise way, whose result is then the whole answer."""
    text = "A;B;C\r\nx;1;\u00e5\r\ny;2;z\r\n"
    frame = rawfiles._csv_reader_frame(text, "f.csv", ["A", "B", "C"])
    assert frame is not None
    assert frame["A"].tolist() == ["x", "y"] and frame["C"].tolist() == ["\u00e5", "z"]
    assert frame[rawfiles.LINE_COL].tolist() == [2, 3]
    for other in ("A;B;C\nx;1;2\n\ny;2;3\n", "A;B;C\nx;1\n", "A;B;C\n;;\nx;1;2\n"):
        assert rawfiles._csv_reader_frame(other, "f.csv", ["A", "B", "C"]) is None


# --- the core steps' column-wise paths against the row-wise or merge reference ---------


def _sample_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample's validated payouts and decisions (orphans, overpaid decisions, mismatches)."""
    from pathlib import Path

    from tillvaxt.region import load_region
    from tillvaxt.validate.decisions import read_decisions, validate_decisions
    from tillvaxt.validate.payouts import read_payouts, validate_payouts

    raw = Path(__file__).resolve().parents[2] / "data" / "raw"
    payouts = validate_payouts(read_payouts(raw)).valid
    decisions = validate_decisions(read_decisions(raw), load_region()).valid
    return payouts, decisions


def test_whitespace_class_is_what_python_calls_space() -> None:
    """RE2's class of `WHITESPACE` matches exactly the code points `str.isspace` accepts."""
    import sys

    import pyarrow as pa
    import pyarrow.compute as pc

    chars = [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    hit = pc.match_substring_regex(pa.array(chars), f"^[{WHITESPACE}]$")
    found = {c for c, h in zip(chars, hit.to_pylist(), strict=True) if h}
    assert found == {c for c in chars if c.isspace()}
    assert "\u00a0" in found and "\u200b" not in found


spaced_text = st.text(alphabet="RS 2019/0123-\t\u00a0\u2003\u3000\u200b\u0085\x1c", max_size=14)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(spaced_text, min_size=1, max_size=12))
def test_case_numbers_agree_with_python_whitespace(texts: list[str]) -> None:
    """White space inside a case number becomes one space, as Python's `\\s+` sees it."""
    import re

    got = fields.case_number(pd.Series(texts, dtype="string"))
    for text, value in zip(texts, got, strict=True):
        want = re.sub(r"\s+", " ", text.strip())
        assert (pd.isna(value) and want == "") or value == want


org_text = st.one_of(
    st.from_regex(r"(16|18|19|20)?[0-9]{6}[-+ ]?[0-9]{4}", fullmatch=True),
    st.text(alphabet="0123456789-+ a\u0663", max_size=14),
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(org_text, min_size=1, max_size=12))
def test_org_numbers_agree_with_normalise(texts: list[str]) -> None:
    """The Arrow-parsed ten digits are `orgnr.normalise`'s; what it refuses is missing."""
    from tillvaxt.orgnr import normalise

    parsed = fields.org_number(pd.Series(texts, dtype="string"), "Organisationsnummer")
    assert_like_scalar(parsed, texts, normalise, lambda exc: "column 'Organisationsnummer'")


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(-(10**17), 10**17), st.integers(-(10**4), 10**4)),
        min_size=1,
        max_size=30,
    )
)
def test_kr_texts_agree_with_kr(amounts: list[int]) -> None:
    """The column of amount texts is `kr` of each amount: grouping, öre, sign, zero."""
    from tillvaxt.rules.findings import kr, kr_texts

    got = kr_texts(pd.Series(amounts, index=range(7, 7 + len(amounts))))
    assert list(got.index) == list(range(7, 7 + len(amounts)))
    assert got.tolist() == [kr(a) for a in amounts]


def test_kr_texts_of_fixed_amounts() -> None:
    from tillvaxt.rules.findings import kr_texts

    got = kr_texts(pd.Series([0, 1, -150, 100, 123_456_789_00, -1_000_000_01, 2**63 - 1]))
    assert got.tolist() == [
        "0 kr",
        "0,01 kr",
        "-1,50 kr",
        "1 kr",
        "123 456 789 kr",
        "-1 000 000,01 kr",
        "92 233 720 368 547 758,07 kr",
    ]


def test_day_texts_agree_with_strftime() -> None:
    from tillvaxt.rules.findings import day_texts

    dates = pd.Series(
        pd.to_datetime(["2017-03-01", None, "1999-12-31", "2100-01-01"]).astype("datetime64[s]"),
        index=[4, 2, 9, 1],
        name="booking_date",
    )
    got = day_texts(dates)
    pd.testing.assert_series_equal(got, dates.dt.strftime("%Y-%m-%d").astype(str))
    assert got.isna().tolist() == [False, True, False, False]


def test_with_decision_lookup_is_the_left_merge() -> None:
    """The lookup gives the merge's frame on the sample: columns, types, missing fields."""
    from tillvaxt.rules.matching import DECISION_FIELDS, _merged, current_decisions, with_decision

    payouts, decisions = _sample_tables()
    payouts = payouts.set_axis(range(100, 100 + len(payouts)))  # any index, as a merge
    dec = current_decisions(decisions)[DECISION_FIELDS]
    got, want = with_decision(payouts, decisions), _merged(payouts, dec)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert (~got["matched"]).sum() > 0 and got["matched"].sum() > 0


def test_overpaid_by_positions_is_the_string_version() -> None:
    """Sums, grants, the overpaid decisions and each one's crossing payout agree."""
    from tillvaxt.rules.decisions import _overpaid_by_codes, _overpaid_by_merge
    from tillvaxt.rules.matching import current_decisions

    payouts, decisions = _sample_tables()
    dec = current_decisions(decisions).set_index("decision_id", drop=False)
    totals, granted, over, crossing = _overpaid_by_codes(payouts, decisions, dec)
    t2, g2, o2, c2 = _overpaid_by_merge(payouts, dec)
    assert len(over) > 0
    pd.testing.assert_index_equal(over, o2)
    pd.testing.assert_frame_equal(totals.reindex(over), t2.reindex(over), check_names=False)
    assert granted.reindex(over).tolist() == g2.reindex(over).tolist()
    cols = ["voucher_id", "booking_date", "year"]
    pd.testing.assert_frame_equal(crossing[cols], c2[cols], check_exact=True)


def test_shared_lookups_join_once_and_hand_out_copies() -> None:
    """Within the block the same pair gives the same join; a column set on one caller's
    frame reaches no other caller, and other frames get their own join."""
    from tests.rules_data import clean_decisions, clean_payouts
    from tillvaxt.rules.matching import shared_lookups, with_decision

    payouts, decisions = _sample_tables()
    outside = with_decision(payouts, decisions)
    with shared_lookups():
        first = with_decision(payouts, decisions)
        first["matched"] = False
        second = with_decision(payouts, decisions)
        small = with_decision(clean_payouts(), clean_decisions())
    pd.testing.assert_frame_equal(second, outside)
    assert second["matched"].any() and len(small) == len(clean_payouts())


def test_schema_word_class_is_python_non_space() -> None:
    """The models' `WORD` (literal white-space characters, run by Arrow) gives `\\S+`'s
    verdict on stripped values, and names exactly what `str.isspace` accepts."""
    import re
    import sys

    from schemas.raw import WHITESPACE, WORD

    assert set(WHITESPACE) == {chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()}
    values = ["V1", "a b", "a\u00a0b", "a\u200bb", "", "x\x1cy", "RS 2019/1", "Å\u3000Ö", "ab"]
    got = pd.Series(values, dtype="string").str.match(f"^{WORD}$").tolist()
    assert got == [re.match(r"^\S+$", v) is not None for v in values]
    got = pd.Series(values, dtype="string").str.match(f"^{WORD}( {WORD})*$").tolist()
    assert got == [re.match(r"^\S+( \S+)*$", v) is not None for v in values]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.from_regex(r"[0-9]{10}", fullmatch=True), min_size=1, max_size=40))
def test_luhn_of_many_agrees_with_luhn_ok(numbers: list[str]) -> None:
    from tillvaxt.orgnr import luhn_ok, luhn_ok_many

    assert luhn_ok_many(numbers) == [luhn_ok(n) for n in numbers]
    assert luhn_ok_many(["5566778899", "5566778898", "8112189876"]) == [True, False, True]


def test_sentence_joins_as_plus_does() -> None:
    """One Arrow join gives `+`'s texts, missing where a part is missing, on any index;
    parts it cannot join (another index, object columns) are added as before."""
    from tillvaxt.rules.findings import sentence

    a = pd.Series(["V1", None, "V3"], index=[5, 6, 7]).astype(str)
    b = pd.Series(["1 kr", "2 kr", None], index=[5, 6, 7]).astype(str)
    got = sentence("Payout ", a, " of ", b, ".")
    want = "Payout " + a + " of " + b + "."
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert got.tolist()[0] == "Payout V1 of 1 kr." and got.isna().tolist() == [False, True, True]
    other = pd.Series(["x", "y", "z"], dtype=object)
    assert sentence(other, "!").tolist() == ["x!", "y!", "z!"]


def test_findings_order_by_arrow_is_pandas_stable_sort() -> None:
    """Missing years, lines and vouchers last, ties in their order: as `sort_values`."""
    from tillvaxt.rules.findings import concat_findings, empty_findings

    base = empty_findings()
    rows = pd.DataFrame(
        {
            "year": pd.array([2018, None, 2017, 2017, 2017, 2017], dtype="Int64"),
            "rule": ["b", "a", "b", "a", "a", "zz"],
            "severity": "error",
            "voucher_id": [None, "V2", "V9", None, "Vä", "V1"],
            "decision_id": None,
            "source_file": ["f", "f", "f", "g", "f", "f"],
            "source_line": pd.array([3, 2, None, 1, 1, 1], dtype="Int64"),
            "difference_ore": pd.array([None] * 6, dtype="Int64"),
            "message": list("uvwxyz"),
        }
    ).astype({c: base[c].dtype for c in ("rule", "severity", "source_file", "message")})
    got = concat_findings([rows, rows.iloc[::-1]], order=["a", "b"])
    both = pd.concat([rows, rows.iloc[::-1]], ignore_index=True)
    want = both.assign(_o=both["rule"].map({"a": 0, "b": 1}).fillna(2))
    want = want.sort_values(
        ["year", "_o", "source_file", "source_line", "voucher_id"],
        na_position="last",
        kind="stable",
    )
    pd.testing.assert_frame_equal(got, want.drop(columns="_o").reset_index(drop=True))


case_ids = st.lists(st.one_of(st.none(), st.sampled_from(["RS1", "RS2", "rs1", "Å 3", "", "RS1 "])))


@settings(max_examples=examples(300), deadline=None)
@given(case_ids, case_ids)
def test_decision_positions_by_arrow_are_get_indexer(ids: list, wanted: list) -> None:
    """Each payout's position among unique, present case numbers is pandas' `get_indexer`
    (missing and unknown ids -1); repeated or missing ids are left to pandas."""
    from tillvaxt.rules.matching import _positions_by_arrow

    ids_s = pd.Series(ids, dtype="string", index=range(3, 3 + len(ids)))
    wanted_s = pd.Series(wanted, dtype="string")
    got = _positions_by_arrow(ids_s, wanted_s)
    if ids_s.isna().any() or not ids_s.is_unique:
        assert got is None
    else:
        assert got.tolist() == pd.Index(ids_s).get_indexer(wanted_s).tolist()
    assert _positions_by_arrow(ids_s.astype(object), wanted_s) is None


@settings(max_examples=examples(300), deadline=None)
@given(case_ids)
def test_repeated_values_are_duplicated_keep_false(values: list) -> None:
    """Arrow's count per code marks what `duplicated(keep=False)` marks, missing values
    repeating each other; an object column goes to pandas."""
    from tillvaxt.validate.payouts import repeated_values

    for column in (pd.Series(values, dtype="string"), pd.Series(values, dtype=object)):
        want = column.duplicated(keep=False).to_numpy()
        assert repeated_values(column).tolist() == want.tolist()


def test_places_are_the_mapped_order() -> None:
    """A value's place is its place in the order; values outside it, or missing, come last."""
    from tillvaxt.arrowcols import places_in

    for dtype in (object, "string", "str"):
        rules = pd.Series(["b", "zz", "a", None, "b"], index=[9, 8, 7, 6, 5], dtype=dtype)
        want = rules.astype(object).map({"a": 0, "b": 1}).fillna(2).astype("int64")
        assert places_in(rules, ["a", "b"]).tolist() == want.tolist()
    assert places_in(pd.Series([], dtype=object), ["a"]).tolist() == []
    assert places_in(pd.Series([None, None], dtype=object), []).tolist() == [0, 0]
    # Listed twice: its last place, and the others still after it.
    assert places_in(pd.Series(["a", "zz"]), ["a", "b", "a"]).tolist() == [2, 3]


@settings(max_examples=examples(300), deadline=None)
@given(
    st.lists(
        st.one_of(
            st.dates().map(lambda d: d.isoformat()),
            st.from_regex(r"[0-9]{4}-[01][0-9]-[0-3][0-9]", fullmatch=True),
            st.sampled_from(
                ["0000-01-01", "2017-02-29", "2016-02-29", "", "2017-1-1", " 2017-03-01"]
            ),
        ),
        max_size=8,
    )
)
def test_dates_by_arrow_are_pandas_dates(texts: list[str]) -> None:
    """Arrow's cast gives pandas' days; a text that is no real day (or before year 1)
    sends the column to pandas, which reads it as missing."""
    column = pd.Series(texts, dtype="string", name="Bokföringsdatum")
    got, errors = fields.iso_date(column, "Bokföringsdatum")
    clean = column.str.strip()
    shaped = clean.where(clean.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False))
    want = pd.to_datetime(shaped, format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    pd.testing.assert_series_equal(got, want)
    assert ((errors != "") == (want.isna())).tolist() == [True] * len(texts)
