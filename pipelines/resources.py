"""Configuration, in one place: where raw files are, where output goes, which database.

Every setting comes from an environment variable with a default that works on a
fresh clone. Relative paths from the environment are taken from the working
directory; the defaults are anchored at the project root so `dagster dev` and the
CLI agree wherever they are started.

A national deployment sets `TILLVAXT_REGIONS_ROOT` to a folder holding one raw tree
per region (`<root>/<region_id>/`). The assets are then partitioned by region
(`pipelines/partitions.py`), and a run's settings are its region's: the resource
resolves itself from the run's partition (`TillvaxtSettings.for_region`), so the
assets read `settings.raw_path` and write `settings.processed_path` as they always do.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource, InitResourceContext

from tillvaxt.region import Region, load_region

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENV_RAW_DIR = "TILLVAXT_RAW_DIR"
ENV_PROCESSED_DIR = "TILLVAXT_PROCESSED_DIR"
ENV_DATABASE_URL = "TILLVAXT_DATABASE_URL"
ENV_REGION_FILE = "TILLVAXT_REGION_FILE"
ENV_REGIONS_ROOT = "TILLVAXT_REGIONS_ROOT"

# A region's id is its folder name under the root; it becomes a partition key, a
# directory name and (on PostgreSQL) part of a schema name, so it is kept plain.
REGION_ID = re.compile(r"[a-z][a-z0-9_]*")
REGION_FILE_NAME = "region.toml"
# Dagster's run tag holding the partition a single-partition run materialises, and
# ours for runs that are not partitioned (certify_year, reopen_year) but act on a region.
PARTITION_TAG = "dagster/partition"
REGION_TAG = "tillvaxt/region"


class RegionsError(ValueError):
    """The regions root is not usable as configured; the message says what to change."""


def region_ids(root: Path) -> list[str]:
    """The regions under a national root: its sub-folders, sorted; hidden ones ignored."""
    if not root.is_dir():
        raise RegionsError(f"{ENV_REGIONS_ROOT}={root} is not a directory")
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    bad = [n for n in names if not REGION_ID.fullmatch(n)]
    if bad:
        raise RegionsError(
            f"{ENV_REGIONS_ROOT}={root}: region folder names must be lowercase letters, "
            f"digits and _ starting with a letter (e.g. vastra_gotaland); found {bad}"
        )
    if not names:
        raise RegionsError(f"{ENV_REGIONS_ROOT}={root} holds no region folders")
    return names


def regional_database_url(database_url: str, region_id: str) -> tuple[str, str | None]:
    """The warehouse URL for one region, and the PostgreSQL schema to create, if any.

    `{region}` in the URL is replaced by the region id (a database or SQLite file per
    region). A PostgreSQL URL without it keeps one database with a schema per region,
    `tillvaxt_<region_id>`, chosen through libpq's `options=-csearch_path=...`, so every
    unqualified table name (publishing, certifying, the reports) lands in that schema.
    Any other URL would put every region's tables into one place, which is refused.
    """
    if "{region}" in database_url:
        return database_url.replace("{region}", region_id), None
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        schema = f"tillvaxt_{region_id}"
        return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        ), schema
    raise RegionsError(
        f"{ENV_DATABASE_URL} must contain {{region}} (or be PostgreSQL, one schema per region) "
        f"when {ENV_REGIONS_ROOT} is set; otherwise every region would overwrite the same tables"
    )


class TillvaxtSettings(ConfigurableResource):
    """Paths, warehouse and region for a run."""

    raw_dir: str
    processed_dir: str
    database_url: str = ""
    region_file: str = ""
    # National deployment only: the root of the per-region raw trees, and the region
    # these settings have been resolved for (empty until a run's partition is known).
    regions_root: str = ""
    region_id: str = ""
    db_schema: str = ""

    def for_region(self, region_id: str) -> TillvaxtSettings:
        """These settings for one region of the national root.

        Raw tree `<root>/<region_id>/`, output `<processed>/<region_id>/`, its own
        warehouse (see `regional_database_url`; by default an SQLite file in its output
        folder), and its own `region.toml` when the raw tree has one (Halland's otherwise,
        or `TILLVAXT_REGION_FILE`).
        """
        if not self.regions_root:
            raise RegionsError(f"no regions: {ENV_REGIONS_ROOT} is not set")
        if region_id not in region_ids(Path(self.regions_root)):
            raise RegionsError(f"no region folder {region_id!r} under {self.regions_root}")
        raw = Path(self.regions_root) / region_id
        url, schema = (
            regional_database_url(self.database_url, region_id) if self.database_url else ("", None)
        )
        own_file = raw / REGION_FILE_NAME
        return TillvaxtSettings(
            raw_dir=str(raw),
            processed_dir=str(Path(self.processed_dir) / region_id),
            database_url=url,
            region_file=str(own_file) if own_file.is_file() else self.region_file,
            regions_root=self.regions_root,
            region_id=region_id,
            db_schema=schema or "",
        )

    def create_resource(self, context: InitResourceContext) -> TillvaxtSettings:
        """In a national deployment, the settings of the run's region (its partition)."""
        tags = context.dagster_run.tags if context.dagster_run is not None else {}
        region_id = tags.get(REGION_TAG) or tags.get(PARTITION_TAG)
        if self.regions_root and region_id and not self.region_id:
            return self.for_region(region_id)
        return self

    def _require_region(self) -> None:
        """Refuse to read or write anything national-wide by accident (e.g. `data/raw`)."""
        if self.regions_root and not self.region_id:
            raise RegionsError(
                f"{ENV_REGIONS_ROOT} is set: this run needs a region; run one partition of "
                f"the job, or give a close job the tag {REGION_TAG}=<region_id>"
            )

    @property
    def raw_path(self) -> Path:
        self._require_region()
        return Path(self.raw_dir)

    @property
    def processed_path(self) -> Path:
        self._require_region()
        path = Path(self.processed_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def url(self) -> str:
        """The warehouse URL; by default an SQLite file in the processed directory."""
        self._require_region()
        return (
            self.database_url
            or f"sqlite:///{(Path(self.processed_dir) / 'warehouse.sqlite').resolve()}"
        )

    def engine(self) -> sa.Engine:
        self.processed_path  # noqa: B018 - make sure the default SQLite's directory exists
        engine = sa.create_engine(self.url)
        if self.db_schema:
            with engine.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{self.db_schema}"'))
        return engine

    def region(self) -> Region:
        self._require_region()
        return load_region(self.region_file or None)


def settings_from_env(env: dict[str, str] | None = None) -> TillvaxtSettings:
    """The settings as the environment gives them (the only place that reads it)."""
    env = dict(os.environ) if env is None else env
    return TillvaxtSettings(
        raw_dir=env.get(ENV_RAW_DIR) or str(PROJECT_ROOT / "data" / "raw"),
        processed_dir=env.get(ENV_PROCESSED_DIR) or str(PROJECT_ROOT / "data" / "processed"),
        database_url=env.get(ENV_DATABASE_URL, ""),
        region_file=env.get(ENV_REGION_FILE, ""),
        regions_root=env.get(ENV_REGIONS_ROOT, ""),
    )
