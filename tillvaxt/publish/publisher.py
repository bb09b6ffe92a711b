"""Publishing one finished table to the warehouse and to CSV, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.close.certify import hold
from tillvaxt.publish.columns import column_comments
from tillvaxt.publish.csvfiles import write_csv
from tillvaxt.publish.tables import DESCRIPTIONS, to_published
from tillvaxt.publish.warehouse import write_table


def publish_table(
    name: str, frame: pd.DataFrame, engine: sa.Engine, processed_dir: Path
) -> pd.DataFrame:
    """Mask, convert money, write the SQL table (one transaction) and then the CSV (atomic rename).

    The CSV is only replaced after the database commit, so a failed write leaves both
    as they were. Rows of a certified year are published as certified, and what the
    inputs would change is written to `restatements` in the same transaction
    (`tillvaxt.close.certify.hold`).
    """
    published = to_published(frame)
    with engine.begin() as conn:
        published = hold(conn, name, published)
        write_table(
            conn,
            name,
            published,
            comment=DESCRIPTIONS.get(name),
            column_comments=column_comments(name, list(published.columns)),
        )
    write_csv(published, Path(processed_dir) / f"{name}.csv")
    return published
