"""Publishing one finished table to the warehouse and to CSV, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.close.certify import hold
from tillvaxt.publish.columns import column_comments
from tillvaxt.publish.csvfiles import staged_csv
from tillvaxt.publish.tables import DESCRIPTIONS, to_published
from tillvaxt.publish.warehouse import write_table


def publish_table(
    name: str, frame: pd.DataFrame, engine: sa.Engine, processed_dir: Path
) -> pd.DataFrame:
    """Mask, convert money, then write the CSV aside, commit the SQL table, rename the CSV.

    If the CSV cannot be written the database is not touched; if the database write
    fails the CSV is not replaced. Either way both stay as they were. Rows of a
    certified year are published as certified, and what the inputs would change is
    written to `restatements` in the same transaction (`tillvaxt.close.certify.hold`).
    """
    published = to_published(frame)
    with engine.connect() as conn:
        trans = conn.begin()
        try:
            published = hold(conn, name, published)
            with staged_csv(published, Path(processed_dir) / f"{name}.csv"):
                write_table(
                    conn,
                    name,
                    published,
                    comment=DESCRIPTIONS.get(name),
                    column_comments=column_comments(name, list(published.columns)),
                )
                trans.commit()
        finally:
            if trans.is_active:
                trans.rollback()
    return published
