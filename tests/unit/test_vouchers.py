"""usage_vouchers, the underlag of appropriation_usage, on hand-made frames."""

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.examples import examples
from tillvaxt.instruments import REPORT_ORDER
from tillvaxt.masking import display, mask
from tillvaxt.reconcile.usage import appropriation_usage
from tillvaxt.reconcile.vouchers import usage_differences, usage_vouchers

SOLE_TRADER = "8108151518"  # third digit 0: a personal identity number
COMPANY = "5560360793"


def payouts() -> pd.DataFrame:
    rows = [
        ("V3", "2017-05-02", 2017, "RS1", COMPANY, "Örby Energi AB", "PROJ", 600_000_00, "1:1"),
        ("V1", "2017-03-01", 2017, "RS2", SOLE_TRADER, "Anna Andersson", "UTV", 50_000_50, "1:1"),
        ("V2", "2017-12-01", 2017, None, COMPANY, "Örby Energi AB", "PROJ", 1_000_00, "EGNA"),
        ("V4", "2017-06-01", 2017, "RS1", COMPANY, None, "PROJ", -25_000_00, "1:1"),
        ("V5", "2018-02-01", 2018, "RS2", SOLE_TRADER, "Anna Andersson", "UTV", -5_000_00, "1:1"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "voucher_id",
            "booking_date",
            "year",
            "decision_id",
            "org_number",
            "recipient_name",
            "instrument",
            "amount_ore",
            "appropriation",
        ],
    )
    return frame.assign(
        booking_date=pd.to_datetime(frame["booking_date"]),
        municipality_code="1380",
        source_file="payouts/a.csv",
        source_line=range(2, 2 + len(frame)),
    )


APPROPRIATIONS = pd.DataFrame({"year": [2017, 2018], "appropriation": ["1:1", "1:1"]})


def test_one_row_per_voucher_charged_to_the_appropriation_in_report_order() -> None:
    v = usage_vouchers(payouts(), APPROPRIATIONS)
    # EGNA (own funds) is not usage of 1:1; PROJ comes before UTV in the seed's table.
    assert list(v["voucher_id"]) == ["V3", "V4", "V1", "V5"]
    assert list(v["paid_ore"]) == [600_000_00, -25_000_00, 50_000_50, -5_000_00]
    assert list(v["source_line"]) == [2, 5, 3, 6]
    assert v.loc[0, "recipient_id"] == "556036-0793"
    assert v.loc[0, "recipient_name"] == "Örby Energi AB"


def test_a_sole_traders_number_and_name_are_masked() -> None:
    v = usage_vouchers(payouts(), APPROPRIATIONS).set_index("voucher_id")
    assert v.loc["V1", "recipient_id"] == mask(SOLE_TRADER)
    assert v.loc["V1", "recipient_name"] == mask(SOLE_TRADER)
    text = v.astype(str).to_csv()
    assert SOLE_TRADER not in text and "810815" not in text and "Andersson" not in text


def test_vouchers_sum_to_usage_per_year_and_instrument() -> None:
    p = payouts()
    v = usage_vouchers(p, APPROPRIATIONS)
    usage = appropriation_usage(p, APPROPRIATIONS)
    assert usage_differences(v, usage).empty
    # Recomputed by hand from the rows above.
    sums = v.groupby(["year", "instrument"])["paid_ore"].sum().to_dict()
    assert sums == {(2017, "PROJ"): 575_000_00, (2017, "UTV"): 50_000_50, (2018, "UTV"): -5_000_00}


def test_a_missing_or_changed_voucher_is_a_difference() -> None:
    p = payouts()
    usage = appropriation_usage(p, APPROPRIATIONS)
    v = usage_vouchers(p, APPROPRIATIONS)
    short = v[v["voucher_id"] != "V5"]
    off = v.assign(paid_ore=v["paid_ore"].where(v["voucher_id"] != "V1", 50_000_51))
    [gone] = usage_differences(short, usage).to_dict("records")
    assert gone == {"year": 2018, "instrument": "UTV", "vouchers_ore": 0, "usage_ore": -5_000_00}
    [changed] = usage_differences(off, usage).to_dict("records")
    assert (changed["vouchers_ore"], changed["usage_ore"]) == (50_000_51, 50_000_50)


def test_no_payout_at_all_is_no_difference() -> None:
    """Found by generated trees with 0 payouts: the empty frames' Arrow string keys could
    not be merged, and the step failed (ArrowInvalid)."""
    p = payouts().iloc[0:0].astype({"instrument": "str", "voucher_id": "str"})
    v = usage_vouchers(p, APPROPRIATIONS)
    usage = appropriation_usage(p, APPROPRIATIONS)
    differences = usage_differences(v, usage)
    assert differences.empty
    assert list(differences.columns) == ["year", "instrument", "vouchers_ore", "usage_ore"]


@settings(max_examples=examples(40), deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2016, 2018),
            st.sampled_from(["PROJ", "UTV", "ZZZ", "AAA", "Ö1"]),
            st.dates(dt.date(2017, 1, 1), dt.date(2017, 1, 4)),
            st.sampled_from([COMPANY, SOLE_TRADER, "5560360794"]),
        ),
        max_size=25,
    )
)
def test_the_order_is_pandas_sort_of_the_report_keys(
    rows: list[tuple[int, str, dt.date, str]],
) -> None:
    """Arrow's five-key sort against `sort_values` on the same keys, instruments outside
    the report's order included (after it, by code), ties on everything but the voucher."""
    frame = pd.DataFrame(
        {
            "voucher_id": pd.array([f"V{len(rows) - i:03}" for i in range(len(rows))], "str"),
            "booking_date": pd.to_datetime(pd.Series([r[2] for r in rows], dtype=object)),
            "year": pd.Series([r[0] for r in rows], dtype="int64"),
            "decision_id": None,
            "org_number": pd.array([r[3] for r in rows], "str"),
            "recipient_name": "Namn",
            "instrument": pd.array([r[1] for r in rows], "str"),
            "amount_ore": pd.Series(range(len(rows)), dtype="int64"),
            "appropriation": "1:1",
            "municipality_code": "1380",
            "source_file": "payouts/a.csv",
            "source_line": pd.Series(range(2, 2 + len(rows)), dtype="int64"),
        }
    )
    got = usage_vouchers(frame, APPROPRIATIONS)
    rank = {c: i for i, c in enumerate(REPORT_ORDER)}
    expected = frame.assign(_o=frame["instrument"].map(rank).fillna(len(rank))).sort_values(
        ["year", "_o", "instrument", "booking_date", "voucher_id"]
    )
    assert got["voucher_id"].tolist() == expected["voucher_id"].tolist()
    assert got["paid_ore"].tolist() == expected["amount_ore"].tolist()
    shown = got.set_index("voucher_id")["recipient_id"].to_dict()
    for voucher, number in zip(frame["voucher_id"], frame["org_number"], strict=True):
        assert shown[voucher] == display(number)
