"""Publishing one finished table to the warehouse and to CSV, whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.publish.csvfiles import write_csv
from tillvaxt.publish.tables import DESCRIPTIONS, to_published
from tillvaxt.publish.warehouse import replace_table


def publish_table(
    name: str, frame: pd.DataFrame, engine: sa.Engine, processed_dir: Path
) -> pd.DataFrame:
    """Mask, convert money, write the SQL table (one transaction) and then the CSV (atomic rename).

    The CSV is only replaced after the database commit, so a failed write leaves both
    as they were.
    """
    published = to_published(frame)
    replace_table(engine, name, published, comment=DESCRIPTIONS.get(name))
    write_csv(published, Path(processed_dir) / f"{name}.csv")
    return published
