"""Publishing one finished table to the warehouse and to CSV, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.publish.csvfiles import staged_csv
from tillvaxt.publish.tables import DESCRIPTIONS, to_published
from tillvaxt.publish.warehouse import replace_table


def publish_table(
    name: str, frame: pd.DataFrame, engine: sa.Engine, processed_dir: Path
) -> pd.DataFrame:
    """Mask, convert money, then write the CSV aside, commit the SQL table, rename the CSV.

    If the CSV cannot be written the database is not touched; if the database write
    fails the CSV is not replaced. Either way both stay as they were.
    """
    published = to_published(frame)
    with staged_csv(published, Path(processed_dir) / f"{name}.csv"):
        replace_table(engine, name, published, comment=DESCRIPTIONS.get(name))
    return published
