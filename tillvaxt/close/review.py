"""Reviewing restatements: who looked at which change to a certified year, when, and why.

A restatement is a fact about the inputs (a late correction changed a filed figure); it
does not go away until the inputs change back or the year is reopened. What a
controller can do is review it: `tillvaxt review-restatement --year Y --by NAME --note
TEXT` records one row per open restatement of Y in `restatement_reviews`. A review
covers exactly the cells it saw, identified by the certification they differ from and
by table, key, column, certified and new value, so a different new value (or a new
cell) is a new, unreviewed restatement, and the check turns red again.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa

from tillvaxt.close.restate import RESTATEMENT_COLUMNS, canonical
from tillvaxt.masking import scrub
from tillvaxt.publish.warehouse import has_table

# What identifies a reviewed restatement (with the certification it differs from).
IDENTITY = ["year", "table_name", "key", "column_name", "certified_value", "new_value"]
REVIEW_COLUMNS = ["reviewed_by", "reviewed_at", "review_note"]

REVIEWS = sa.Table(
    "restatement_reviews",
    sa.MetaData(),
    sa.Column("year", sa.BigInteger, nullable=False, comment="The certified year."),
    sa.Column(
        "certification",
        sa.Text,
        nullable=False,
        comment="When the year was certified (the certification the cell differs from).",
    ),
    sa.Column("table_name", sa.Text, nullable=False, comment="The published table."),
    sa.Column("key", sa.Text, nullable=False, comment="The row's key, as in restatements."),
    sa.Column("column_name", sa.Text, nullable=False, comment="The column, or '(row)'."),
    sa.Column("certified_value", sa.Text, comment="The certified value reviewed."),
    sa.Column("new_value", sa.Text, comment="The new value reviewed."),
    sa.Column("reviewed_by", sa.Text, nullable=False, comment="Who reviewed it."),
    sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False, comment="When (UTC)."),
    sa.Column("note", sa.Text, nullable=False, comment="Why the change is accepted as it is."),
    comment="Reviews of restatements: who reviewed which changed cell of a certified year, when and why.",
)


class ReviewError(Exception):
    """A review that cannot be recorded; the message is one sentence."""


def read_reviews(conn: sa.Connection) -> pd.DataFrame:
    """Every recorded review, oldest first (empty when there is none)."""
    names = [c.name for c in REVIEWS.columns]
    if not has_table(conn, REVIEWS.name):
        return pd.DataFrame(columns=names)
    rows = conn.execute(
        sa.select(REVIEWS).order_by(REVIEWS.c.reviewed_at, REVIEWS.c.year, REVIEWS.c.table_name)
    ).fetchall()
    return pd.DataFrame(rows, columns=names)


def _identity(frame: pd.DataFrame) -> pd.Series:
    return frame[["certification", *IDENTITY]].apply(
        lambda r: tuple(canonical(v) for v in r), axis=1
    )


def with_reviews(
    conn: sa.Connection, restatements: pd.DataFrame, certified: dict[int, str]
) -> pd.DataFrame:
    """The restatements with who reviewed each, when and why (empty where unreviewed).

    `certified` is each certified year's certification (`certification_text`); the
    latest review of the same cell, against the same certification, counts."""
    out = restatements.reindex(columns=RESTATEMENT_COLUMNS).copy()
    for col in REVIEW_COLUMNS:
        out[col] = pd.Series([None] * len(out), index=out.index, dtype=object)
    reviews = read_reviews(conn)
    if out.empty or reviews.empty:
        return out
    mine = out.assign(certification=out["year"].map(lambda y: certified.get(int(y))))
    latest = {
        ident: (r.reviewed_by, r.reviewed_at, r.note)
        for ident, r in zip(_identity(reviews), reviews.itertuples(), strict=True)
    }
    for idx, ident in zip(mine.index, _identity(mine), strict=True):
        if ident in latest:
            out.loc[idx, REVIEW_COLUMNS] = latest[ident]
    return out


def certification_text(certified_at: object) -> str:
    """A certification as the reviews refer to it: its time, in one text form."""
    return str(canonical(pd.Timestamp(certified_at)))


def review_restatements(
    conn: sa.Connection,
    open_restatements: pd.DataFrame,
    year: int,
    certification: str | None,
    by: str,
    note: str,
    now: dt.datetime | None = None,
) -> int:
    """Record a review of every unreviewed open restatement of `year`; returns how many.

    `open_restatements` is `with_reviews` of the current restatements and
    `certification` the year's (None: not certified), read in the same transaction.
    Name and note are free text and are scrubbed of personal numbers."""
    by, note = scrub(by.strip()), scrub(note.strip())
    if not by or not note:
        raise ReviewError(
            "A review needs the reviewer's name (--by) and a note saying why (--note); "
            "one of them is empty."
        )
    if certification is None:
        raise ReviewError(f"Year {year} is not certified, so it has no restatements to review.")
    of_year = open_restatements[open_restatements["year"].astype("int64") == year]
    todo = of_year[of_year["reviewed_by"].isna()]
    if todo.empty:
        raise ReviewError(
            f"Year {year} has no unreviewed restatement"
            + (f" (all {len(of_year)} are reviewed)" if len(of_year) else "")
            + "; nothing was recorded."
        )
    REVIEWS.create(conn, checkfirst=True)
    at = now or dt.datetime.now(dt.UTC)
    conn.execute(
        REVIEWS.insert(),
        [
            {
                **{c: (None if pd.isna(getattr(r, c)) else getattr(r, c)) for c in IDENTITY},
                "year": int(r.year),
                "certification": certification,
                "reviewed_by": by,
                "reviewed_at": at,
                "note": note,
            }
            for r in todo.itertuples()
        ],
    )
    return len(todo)
