"""The resources the assets use: the run's settings and, from them, its warehouse.

`TillvaxtSettings` says where a run reads and writes: raw tree, processed directory,
warehouse URL, region file, masking key. It reads no environment itself (that is
`pipelines/settings.py`, the one place that does); the definitions are built from one
(`pipelines.definitions.build_definitions`).

A national deployment sets `regions_root`: one raw tree per region, each a partition.
A run's settings are then its region's: the resource resolves itself from the run's
partition (`for_region`), so the assets read `settings.raw_path` and write
`settings.processed_path` the same way for one region or many.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource, EnvVar, InitResourceContext

from tillvaxt.publish.warehouse import Warehouse
from tillvaxt.region import (
    REGION_FILE_NAME,
    REGIONS_ROOT_SETTING,
    Region,
    RegionsError,
    load_region,
    region_ids,
    regional_database_url,
)

# Dagster's run tag holding the partition (the region) a run materialises.
PARTITION_TAG = "dagster/partition"


def secret_value(value: str) -> str:
    """A setting's value whether given as text or as `EnvVar` (resolved here, never shown)."""
    return (value.get_value() or "") if isinstance(value, EnvVar) else value


class TillvaxtSettings(ConfigurableResource):
    """Paths, warehouse, region and masking key for a run."""

    raw_dir: str
    processed_dir: str
    database_url: str = ""
    region_file: str = ""
    # The key personal identity numbers are masked with; a secret, given as EnvVar.
    masking_key: str = ""
    # National deployment only: the root of the per-region raw trees, and the region
    # these settings have been resolved for (empty until a run's partition is known).
    regions_root: str = ""
    region_id: str = ""
    db_schema: str = ""

    def region_keys(self) -> list[str] | None:
        """The regions (partition keys) of a national deployment; None for one region."""
        return region_ids(Path(self.regions_root)) if self.regions_root else None

    def for_region(self, region_id: str) -> TillvaxtSettings:
        """These settings for one region of the national root.

        Raw tree `<root>/<region_id>/`, output `<processed>/<region_id>/`, its own
        warehouse (see `regional_database_url`; by default an SQLite file in its output
        folder), and its own `region.toml` when the raw tree has one (Halland's otherwise,
        or the configured region file).
        """
        if not self.regions_root:
            raise RegionsError(f"no regions: {REGIONS_ROOT_SETTING} is not set")
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
            masking_key=self.masking_key,
            regions_root=self.regions_root,
            region_id=region_id,
            db_schema=schema or "",
        )

    def create_resource(self, context: InitResourceContext) -> TillvaxtSettings:
        """In a national deployment, the settings of the run's region (its partition)."""
        tags = context.dagster_run.tags if context.dagster_run is not None else {}
        region_id = tags.get(PARTITION_TAG)
        if self.regions_root and region_id and not self.region_id:
            return self.for_region(region_id)
        return self

    def _resolved(self) -> TillvaxtSettings:
        """These settings if they name one region's tree; refuses the national root itself,
        so nothing is read or written national-wide by accident (e.g. `data/raw`)."""
        if self.regions_root and not self.region_id:
            raise RegionsError(
                f"{REGIONS_ROOT_SETTING} is set: this run needs a region; run one partition "
                "(region) of the job"
            )
        return self

    @property
    def raw_path(self) -> Path:
        return Path(self._resolved().raw_dir)

    @property
    def processed_path(self) -> Path:
        path = Path(self._resolved().processed_dir)
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def url(self) -> str:
        """The warehouse URL; by default an SQLite file in the processed directory."""
        return (
            self._resolved().database_url
            or f"sqlite:///{(Path(self.processed_dir) / 'warehouse.sqlite').resolve()}"
        )

    def warehouse(self) -> Warehouse:
        """The region's warehouse (its schema created on PostgreSQL); close it after use."""
        self.processed_path  # noqa: B018 - make sure the default SQLite's directory exists
        return Warehouse(self.url, self.db_schema)

    def engine(self) -> sa.Engine:
        """A new engine on the region's warehouse; the caller disposes of it."""
        return self.warehouse().engine

    def region(self) -> Region:
        return load_region(self._resolved().region_file or None)
