"""`publish_run(describe=...)`: what is kept of each table is made from the published
frame (masked, in kronor), and the frames themselves are not held."""

from decimal import Decimal
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from tillvaxt.publish.publisher import publish_run


def test_describe_sees_each_published_frame_and_frames_are_released(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'w.sqlite'}")
    tables = {
        name: pd.DataFrame(
            {
                "year": [2017] * n,
                "org_number": ["8001011234"] * n,
                "paid_ore": pd.Series(range(1, n + 1), dtype="int64") * 150,
            }
        )
        for name, n in (("a", 3), ("b", 5))
    }

    def describe(name: str, published: pd.DataFrame) -> dict:
        return {
            "rows": len(published),
            "paid": sum(published["paid_sek"]),
            "masked": not published["org_number"].str.contains("8001011234").any(),
        }

    pub = publish_run(tables, engine, tmp_path / "out", "r1", describe=describe)
    assert pub.tables == {}
    assert pub.described == {
        "a": {"rows": 3, "paid": Decimal("9.00"), "masked": True},
        "b": {"rows": 5, "paid": Decimal("22.50"), "masked": True},
    }
    assert (tmp_path / "out" / "b.csv").exists()
