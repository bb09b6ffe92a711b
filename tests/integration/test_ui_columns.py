"""The UI shows every published column with its declared type, nullability and description.

Asked of a running `dagster dev` (the fixture of `tests/integration/test_ui_graphql.py`): the
asset definitions carry the declared column schema, so the columns tab is filled
before anything is materialized. Before, `TableColumn`s were built without
descriptions, and only in a materialization's metadata.
"""

from __future__ import annotations

import pandas as pd
from dagster import AssetKey

from assets._schema import published_table_metadata
from tests.integration.test_ui_graphql import _graphql, dagster_dev  # noqa: F401 - the fixture
from tillvaxt.publish.schema import TABLES

COLUMNS_QUERY = """
{
  assetNodes {
    assetKey { path }
    metadataEntries {
      label
      ... on TableSchemaMetadataEntry {
        schema { columns { name type description constraints { nullable } } }
      }
    }
  }
}
"""


def test_every_published_table_shows_its_columns_with_descriptions(dagster_dev: int) -> None:  # noqa: F811
    nodes = _graphql(dagster_dev, COLUMNS_QUERY)["assetNodes"]
    shown = {
        "/".join(n["assetKey"]["path"]): next(
            (e["schema"]["columns"] for e in n["metadataEntries"] if "schema" in e), None
        )
        for n in nodes
    }
    for table in TABLES.values():
        columns = shown[f"published/{table.name}"]
        assert columns is not None, table.name
        assert [c["name"] for c in columns] == table.column_names
        for col, decl in zip(columns, table.columns, strict=True):
            assert col["description"] == decl.description
            assert col["type"] == decl.kind.value
            assert col["constraints"]["nullable"] == decl.nullable
    recon = {c["name"]: c for c in shown["published/appropriation_reconciliation"]}
    assert recon["paid_sek"]["description"].startswith("Net amount paid in SEK")
    assert recon["paid_sek"]["type"] == "decimal(18,2)"


def test_a_materialization_describes_its_columns_from_the_declaration() -> None:
    """The metadata of each publication: declared descriptions, not empty ones."""
    published = pd.DataFrame(
        {"year": [2017], "appropriation": ["1:1"], "instrument": ["UTV"]}
        | {"instrument_name": ["Utvecklingscheck"], "paid_sek": [None]}
    )
    meta = published_table_metadata(published, published, AssetKey("appropriation_usage"))
    columns = {c.name: c for c in meta["dagster/column_schema"].columns}
    assert columns["instrument_name"].description == "Instrument name as the report shows it."
    assert columns["paid_sek"].type == "decimal(18,2)"
    assert columns["year"].constraints.nullable is False


def test_every_published_table_is_declared() -> None:
    """The publish step's tables and the declaration are the same set, so no table is
    published with guessed types (the publish step could take its list from TABLES)."""
    from assets.published import PUBLISHED_TABLES

    assert sorted(PUBLISHED_TABLES) == sorted(TABLES)
