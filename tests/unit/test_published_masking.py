"""`to_published` masks exactly as scrubbing and displaying every value one by one would."""

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from tests.examples import examples
from tillvaxt.masking import display, scrub
from tillvaxt.publish.tables import to_published

PERSON = "8001011234"  # third digit 0: a personal identity number
COMPANY = "5566778899"


def _one_by_one(frame: pd.DataFrame) -> pd.DataFrame:
    """The reference: every text scrubbed and every number displayed, value by value."""
    out = frame.copy()
    for col in frame.columns:
        if col.endswith("_ore"):
            out[col] = (
                frame[col]
                .map(
                    lambda v: (
                        None if pd.isna(v) else (Decimal(int(v)) / 100).quantize(Decimal("0.01"))
                    )
                )
                .astype(object)
            )
        elif col == "org_number":
            out[col] = frame[col].map(lambda v: None if pd.isna(v) else display(str(v)))
        elif pd.api.types.is_string_dtype(frame[col]) or frame[col].dtype == object:
            out[col] = frame[col].map(lambda v: scrub(v) if isinstance(v, str) else v)
    return out.rename(columns={c: c[:-4] + "_sek" for c in frame.columns if c.endswith("_ore")})


def test_to_published_equals_value_by_value_masking() -> None:
    n = 300
    frame = pd.DataFrame(
        {
            "message": pd.Series(
                [
                    f"betalning {i} till {PERSON if i % 7 == 0 else COMPANY}" if i % 5 else None
                    for i in range(n)
                ],
                dtype="str",
            ),
            "note": pd.Series(
                [f"{PERSON[:6]}-{PERSON[6:]}" if i % 11 == 0 else i for i in range(n)], dtype=object
            ),
            "org_number": pd.Series(
                [None if i % 13 == 0 else (PERSON if i % 2 else COMPANY) for i in range(n)],
                dtype="str",
            ),
            "paid_ore": pd.array(
                [None if i % 17 == 0 else i * 12345 - 7 for i in range(n)], "Int64"
            ),
        }
    )
    got = to_published(frame)
    assert_frame_equal(got, _one_by_one(frame))
    assert not got["message"].str.contains(PERSON, na=False).any()
    assert got["message"].str.contains("PNR-", na=False).sum() == sum(
        1 for i in range(n) if i % 5 and i % 7 == 0
    )


_digits_and_separators = st.text(alphabet="0123456789 -+\u00a0\u202fVx", max_size=30)


@settings(max_examples=examples(500), deadline=None)
@given(
    st.lists(
        st.one_of(
            _digits_and_separators,
            st.from_regex(r"(16|18|19|20)?[0-9]{6}[-+ \u00a0\u202f]?[0-9]{4}", fullmatch=True),
            st.from_regex(r"V20[0-9]{2}-[0-9]{6}", fullmatch=True),
            st.sampled_from([f"Betalt till {PERSON}", "ref 800101-1234.", f"19{PERSON}", COMPANY]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_texts_the_prefilter_skips_are_the_texts_scrub_leaves_alone(texts: list[str]) -> None:
    """`to_published` scrubs only texts of a number's shape; every other text is one
    `scrub` would not change, so skipping it can never publish a personal number."""
    from tillvaxt.publish.tables import NUMBER_SHAPED

    published = to_published(pd.DataFrame({"message": pd.Series(texts, dtype="string")}))
    assert published["message"].tolist() == [scrub(t) for t in texts]
    # An object column may hold other values beside its texts: they pass unchanged.
    mixed = pd.Series([*texts, None, 8001011234], dtype=object)
    published = to_published(pd.DataFrame({"message": mixed}))
    assert published["message"].tolist() == [*(scrub(t) for t in texts), None, 8001011234]
    assert published["message"].dtype == object
    shaped = pd.Series(texts, dtype="string").str.contains(NUMBER_SHAPED, regex=True)
    assert all(scrub(t) == t for t, s in zip(texts, shaped, strict=True) if not s)
