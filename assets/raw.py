"""Raw: every file of each source folder, read as text with file and line (one asset per
source in `assets/sources.py`)."""

import pandas as pd
from dagster import AssetExecutionContext, AssetsDefinition, asset

from assets._sources import raw_metadata, read_raw
from assets.resources import TillvaxtSettings
from assets.sources import SOURCES, Source


def raw_asset(source: Source) -> AssetsDefinition:
    """`raw_<source>`: the source's files as delivered, every row as text."""

    @asset(
        name=f"raw_{source.name}",
        kinds=set(source.kinds),
        description=source.raw_description,
        metadata={
            "folder": f"{source.files.folder}/",
            "files": ", ".join(source.files.patterns),
            "required_headers": ", ".join(source.files.required),
        },
    )
    def _raw(context: AssetExecutionContext, settings: TillvaxtSettings) -> pd.DataFrame:
        frame = read_raw(source.read, settings.raw_path)
        context.add_output_metadata(raw_metadata(frame))
        return frame

    return _raw


raw_assets = [raw_asset(s) for s in SOURCES]
