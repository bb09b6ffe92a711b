"""Validated: typed tables checked by their pandera models, and the quarantine.

Each source (`assets/sources.py`) yields its validated table and its quarantined rows;
an asset check proves nothing was lost: rows read = rows validated + rows quarantined
(+ identical repeats merged or rows superseded). A source may add outputs and checks of
its own (`Source.extra`: the payout exports' conflicting vouchers).
"""

from collections.abc import Iterator

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetExecutionContext,
    AssetIn,
    AssetsDefinition,
    Output,
    multi_asset,
)

from assets._meta import input_failure
from assets._sources import nothing_lost, nothing_lost_spec, validated_outs
from assets.resources import TillvaxtSettings
from assets.sources import SOURCES, Source
from tillvaxt.errors import InputError
from tillvaxt.validate.quarantine import Validated


def _outputs(source: Source, v: Validated) -> Iterator[Output | AssetCheckResult]:
    name = source.name
    yield Output(v.valid, name, metadata={"rows": len(v.valid), **source.metadata(v)})
    yield Output(v.quarantine, f"{name}_quarantine", metadata={"rows": len(v.quarantine)})
    yield nothing_lost(name, v, merged=v.merged, not_rows=v.not_rows)
    if source.extra is not None:
        yield from source.extra.results(v)


def _validate(source: Source, raw: pd.DataFrame, settings: TillvaxtSettings | None) -> Validated:
    try:
        return source.validated(raw, settings)
    except InputError as exc:
        raise input_failure(exc) from exc


def validated_asset(source: Source) -> AssetsDefinition:
    """The source's multi-asset: `<source>` and `<source>_quarantine`, with `nothing_lost`."""
    extra = source.extra
    spec = dict(
        name=source.name,
        ins={"raw": AssetIn(f"raw_{source.name}")},
        outs={**validated_outs(source.name, source.description), **(extra.outs if extra else {})},
        check_specs=[
            nothing_lost_spec(source.name, source.accounting),
            *(extra.checks if extra else []),
        ],
    )
    if source.needs_region:

        @multi_asset(**spec)
        def _with_region(
            context: AssetExecutionContext, raw: pd.DataFrame, settings: TillvaxtSettings
        ):
            yield from _outputs(source, _validate(source, raw, settings))

        return _with_region

    @multi_asset(**spec)
    def _validated(context: AssetExecutionContext, raw: pd.DataFrame):
        yield from _outputs(source, _validate(source, raw, None))

    return _validated


validated_assets = [validated_asset(s) for s in SOURCES]
# By name, for tests and callers that invoke one directly.
appropriations, payouts, decisions, eu_projects, profiles, survey, population = validated_assets
