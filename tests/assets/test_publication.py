"""A publication that fails half-way leaves every table and file of the previous run.

Each `published/*` asset once committed its own transaction, so a run that failed on
its third table left the first two tables and their CSVs from the new run beside the
rest (and the workbook) from the old one.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa
from dagster import DagsterInstance

import tillvaxt.publish.publisher as publisher_module
from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env
from tests.conftest import PAYOUT_HEADER, write
from tillvaxt.publish.warehouse import read_table

# The suite's settings (tests/conftest.py); a test gives its own as the run's resource.
defs = build_definitions(settings_from_env())

TABLES = ["appropriation_reconciliation", "appropriation_usage", "recipients_by_instrument"]


def _run(raw: Path, out: Path):
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(out))
    with DagsterInstance.ephemeral() as instance:
        return defs.resolve_job_def(PIPELINE_JOB).execute_in_process(
            instance=instance, resources={"settings": settings}, raise_on_error=False
        )


def _seen(out: Path) -> tuple[dict, dict]:
    engine = sa.create_engine(f"sqlite:///{out / 'warehouse.sqlite'}")
    try:
        tables = {t: read_table(engine, t).astype(str).values.tolist() for t in TABLES}
    finally:
        engine.dispose()
    files = {
        p.name: p.read_bytes()
        for p in sorted(out.iterdir())
        if p.is_file() and p.suffix in (".csv", ".xlsx", ".html", ".json")
    }
    return tables, files


@pytest.mark.heavy  # three whole pipeline runs
def test_a_publication_failing_on_its_third_table_publishes_nothing(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert _run(small_raw, out).success
    old = _seen(out)
    write(
        small_raw / "payouts" / "utbetalningar_c.csv",
        [PAYOUT_HEADER, "V2018-00002;2018-03-01;RS2;5560360793;Örby Energi AB;PROJ;7 000;1:1;1383"],
    )
    real = publisher_module.write_table
    calls: list[str] = []

    def third_fails(conn, name, *args, **kwargs):
        calls.append(name)
        if len(calls) == 3:
            raise ValueError("the disk went away")
        return real(conn, name, *args, **kwargs)

    monkeypatch.setattr(publisher_module, "write_table", third_fails)
    result = _run(small_raw, out)
    assert not result.success
    assert _seen(out) == old
    monkeypatch.setattr(publisher_module, "write_table", real)
    assert _run(small_raw, out).success
    new = _seen(out)
    assert new[0]["appropriation_reconciliation"] != old[0]["appropriation_reconciliation"]
    assert new[1]["appropriation_usage.csv"] != old[1]["appropriation_usage.csv"]
