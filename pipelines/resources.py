"""Configuration, in one place: where raw files are, where output goes, which database.

Every setting comes from an environment variable with a default that works on a
fresh clone. Relative paths from the environment are taken from the working
directory; the defaults are anchored at the project root so `dagster dev` and the
CLI agree wherever they are started.
"""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource

from tillvaxt.region import Region, load_region

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENV_RAW_DIR = "TILLVAXT_RAW_DIR"
ENV_PROCESSED_DIR = "TILLVAXT_PROCESSED_DIR"
ENV_DATABASE_URL = "TILLVAXT_DATABASE_URL"
ENV_REGION_FILE = "TILLVAXT_REGION_FILE"


class TillvaxtSettings(ConfigurableResource):
    """Paths, warehouse and region for a run."""

    raw_dir: str
    processed_dir: str
    database_url: str = ""
    region_file: str = ""

    @property
    def raw_path(self) -> Path:
        return Path(self.raw_dir)

    @property
    def processed_path(self) -> Path:
        path = Path(self.processed_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def url(self) -> str:
        """The warehouse URL; by default an SQLite file in the processed directory."""
        return (
            self.database_url
            or f"sqlite:///{(Path(self.processed_dir) / 'warehouse.sqlite').resolve()}"
        )

    def engine(self) -> sa.Engine:
        self.processed_path  # noqa: B018 - make sure the default SQLite's directory exists
        return sa.create_engine(self.url)

    def region(self) -> Region:
        return load_region(self.region_file or None)


def settings_from_env(env: dict[str, str] | None = None) -> TillvaxtSettings:
    """The settings as the environment gives them (the only place that reads it)."""
    env = dict(os.environ) if env is None else env
    return TillvaxtSettings(
        raw_dir=env.get(ENV_RAW_DIR) or str(PROJECT_ROOT / "data" / "raw"),
        processed_dir=env.get(ENV_PROCESSED_DIR) or str(PROJECT_ROOT / "data" / "processed"),
        database_url=env.get(ENV_DATABASE_URL, ""),
        region_file=env.get(ENV_REGION_FILE, ""),
    )
