"""A national deployment: one raw tree per region under one root, one partition each.

The runs happen in this process, on definitions built from the national settings
(`build_definitions`); only the tests of the `dagster` and `tillvaxt` commands start one.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from dagster import DagsterInstance, SensorResult, build_sensor_context, define_asset_job
from dagster import StaticPartitionsDefinition as Static

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import NATIONAL_JOB
from pipelines.sensors import changed_regions, raw_files_changed_sensor
from pipelines.settings import settings_from_env
from tests.cli import run_command
from tests.conftest import (
    APPROPRIATION_HEADER,
    DECISION_HEADER,
    PAYOUT_HEADER,
    write,
)
from tillvaxt.region import RegionsError, region_ids, regional_database_url

pytest_plugins = ["tests.pg"]  # the pg_url fixture

KRONOBERG_TOML = """\
name = "Region Kronoberg"
county_code = "07"
county_name = "Kronobergs län"
county_short = "Kronoberg"

[municipalities]
"0764" = "Alvesta"
"0780" = "Växjö"
"0781" = "Ljungby"

[national_priorities]
NP1 = "Innovation och företagande"

[[strategic_choices]]
code = "K1"
name = "Kronoberg, ett innovativt näringsliv"
goal = "Hållbar tillväxt"
national_priority = "NP1"
priorities = ["Smart specialisering"]
"""


def write_kronoberg(raw: Path) -> Path:
    """A second region: another county, other amounts, one year, its own region.toml."""
    write(raw / "region.toml", KRONOBERG_TOML.splitlines())
    write(
        raw / "appropriations" / "anslag.csv",
        [APPROPRIATION_HEADER, "2017;1:1;2 500 000;250 000;"],
        encoding="cp1252",
    )
    write(
        raw / "payouts" / "utbetalningar_2017.csv",
        [
            PAYOUT_HEADER,
            "V2017-00001;2017-05-02;KR1;556901-2346;Växjö Glas AB;UTV;123 456,78;1:1;0780",
            "V2017-00002;2017-09-15;KR2;5567890123;Ljungby Trä AB;PROJ;1 000 000;1:1;0781",
        ],
        encoding="cp1252",
        newline="\r\n",
    )
    write(
        raw / "decisions" / "beslut_20171231.csv",
        [
            DECISION_HEADER,
            "KR1;2017-03-01;UTV;5569012346;Växjö Glas AB;Export;150 000;150 000;2017-03-01;2017-12-31;K1.1;Beviljad;",
            "KR2;2017-04-01;PROJ;5567890123;Ljungby Trä AB;Trähus;1 500 000;;2017-04-01;2018-12-31;Smart specialisering;Beviljad;",
        ],
        encoding="utf-8-sig",
    )
    return raw


@pytest.fixture
def national_root(small_raw: Path, tmp_path: Path) -> Path:
    """`<root>/halland/` (the conftest tree, no region.toml) and `<root>/kronoberg/`."""
    root = tmp_path / "regions"
    shutil.copytree(small_raw, root / "halland")
    write_kronoberg(root / "kronoberg")
    return root


def _env(root: Path, processed: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TILLVAXT_")}
    env["TILLVAXT_MASKING_KEY"] = os.environ.get("TILLVAXT_MASKING_KEY", "test-key")
    return {
        **env,
        "TILLVAXT_REGIONS_ROOT": str(root),
        "TILLVAXT_PROCESSED_DIR": str(processed),
        **extra,
    }


def _drive(env: dict[str, str], *regions: str) -> dict:
    """Run each region's partition of `tillvaxt_national` in process, on definitions built
    from the national settings; the partitions and jobs seen and each run's success."""
    settings = settings_from_env({k: v for k, v in env.items() if k != "TILLVAXT_MASKING_KEY"})
    defs = build_definitions(settings)
    job = defs.resolve_job_def(NATIONAL_JOB)
    results = {}
    with DagsterInstance.ephemeral() as instance:
        for region in regions:
            result = job.execute_in_process(
                instance=instance, partition_key=region, raise_on_error=False
            )
            results[region] = result.success
    return {
        "partitions": job.partitions_def.get_partition_keys(),
        "jobs": sorted(j.name for j in defs.resolve_all_job_defs()),
        "executor": job.executor_def.name,
        "success": results,
    }


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _allocated_by_year(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    return {r["year"]: Decimal(r["allocated_sek"]) for r in rows}


def _paid_by_year(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    return {r["year"]: Decimal(r["paid_sek"]) for r in rows}


# --- the settings of one region --------------------------------------------------------


def test_region_ids_are_the_folders_sorted_hidden_ignored(tmp_path: Path) -> None:
    for name in ("skane", "halland", ".git"):
        (tmp_path / name).mkdir()
    (tmp_path / "README.txt").write_text("not a region")
    assert region_ids(tmp_path) == ["halland", "skane"]


def test_region_ids_refuse_names_that_are_no_plain_identifiers(tmp_path: Path) -> None:
    (tmp_path / "Västra Götaland").mkdir()
    with pytest.raises(RegionsError, match=r"lowercase letters.*Västra Götaland"):
        region_ids(tmp_path)
    with pytest.raises(RegionsError, match="is not a directory"):
        region_ids(tmp_path / "missing")


def test_for_region_resolves_raw_processed_warehouse_and_region_file(
    national_root: Path, tmp_path: Path
) -> None:
    national = settings_from_env(
        {"TILLVAXT_REGIONS_ROOT": str(national_root), "TILLVAXT_PROCESSED_DIR": str(tmp_path / "p")}
    )
    kronoberg = national.for_region("kronoberg")
    assert kronoberg.raw_path == national_root / "kronoberg"
    assert kronoberg.processed_path == tmp_path / "p" / "kronoberg"
    assert kronoberg.url == f"sqlite:///{(tmp_path / 'p' / 'kronoberg' / 'warehouse.sqlite')}"
    assert kronoberg.region().county_code == "07"
    assert kronoberg.region().municipality_name("0780") == "Växjö"
    # no region.toml in halland/: the default region, Halland
    assert national.for_region("halland").region().county_code == "13"
    with pytest.raises(RegionsError, match="no region folder 'skane'"):
        national.for_region("skane")


def test_unresolved_national_settings_refuse_to_touch_any_path(national_root: Path) -> None:
    national = settings_from_env({"TILLVAXT_REGIONS_ROOT": str(national_root)})
    with pytest.raises(RegionsError, match="this run needs a region"):
        national.raw_path  # noqa: B018
    with pytest.raises(RegionsError, match="this run needs a region"):
        national.engine()


def test_single_region_settings_are_as_before(tmp_path: Path) -> None:
    single = settings_from_env({"TILLVAXT_RAW_DIR": str(tmp_path / "raw")})
    assert single.regions_root == ""
    assert single.raw_path == tmp_path / "raw"
    assert single.url.endswith("data/processed/warehouse.sqlite")


def test_warehouse_url_per_region() -> None:
    assert regional_database_url("sqlite:////srv/wh_{region}.sqlite", "skane") == (
        "sqlite:////srv/wh_skane.sqlite",
        None,
    )
    url, schema = regional_database_url("postgresql+psycopg://u:pw@db:5432/tillvaxt", "skane")
    assert schema == "tillvaxt_skane"
    assert sa.make_url(url).query == {"options": "-csearch_path=tillvaxt_skane"}
    assert sa.make_url(url).password == "pw"
    with pytest.raises(RegionsError, match="must contain \\{region\\}"):
        regional_database_url("sqlite:////srv/one.sqlite", "skane")


# --- the sensor ---------------------------------------------------------------------------


def test_sensor_requests_a_run_only_for_the_region_that_changed(
    national_root: Path, tmp_path: Path
) -> None:
    regions = Static(["halland", "kronoberg"])
    job = define_asset_job("national_test", partitions_def=regions)
    sensor = raw_files_changed_sensor(job, regions)
    settings = TillvaxtSettings(
        raw_dir="", processed_dir=str(tmp_path / "p"), regions_root=str(national_root)
    )

    def tick(cursor: str | None) -> SensorResult:
        with DagsterInstance.ephemeral() as instance:
            context = build_sensor_context(
                instance=instance, cursor=cursor, resources={"settings": settings}
            )
            return sensor(context)

    first = tick(None)
    assert sorted(r.partition_key for r in first.run_requests) == ["halland", "kronoberg"]
    write(
        national_root / "kronoberg" / "payouts" / "utbetalningar_sen.csv",
        [PAYOUT_HEADER, "V2017-00003;2017-12-01;KR1;5569012346;Växjö Glas AB;UTV;1 000;1:1;0780"],
    )
    second = tick(first.cursor)
    assert [r.partition_key for r in second.run_requests] == ["kronoberg"]
    assert changed_regions({"halland/a.csv": "1"}, {"halland/a.csv": "1", "skane/b.csv": "2"}) == [
        "skane"
    ]


# --- two regions run as partitions ------------------------------------------------------


def test_two_regions_run_as_partitions_and_keep_their_own_tables(
    national_root: Path, tmp_path: Path
) -> None:
    processed = tmp_path / "processed"
    seen = _drive(_env(national_root, processed), "halland", "kronoberg")
    assert seen["partitions"] == ["halland", "kronoberg"]
    assert "tillvaxt_national" in seen["jobs"]
    assert seen["executor"] == "multiprocess"
    assert seen["success"] == {"halland": True, "kronoberg": True}

    # Nothing national-wide is written: each region has its own folder and warehouse.
    assert sorted(p.name for p in processed.iterdir()) == ["halland", "kronoberg"]

    halland = _csv(processed / "halland" / "appropriation_reconciliation.csv")
    kronoberg = _csv(processed / "kronoberg" / "appropriation_reconciliation.csv")
    assert _allocated_by_year(halland) == {
        "2017": Decimal("1000000.00"),
        "2018": Decimal("1000000.00"),
    }
    assert _paid_by_year(halland) == {"2017": Decimal("1100000.00"), "2018": Decimal("-5000.00")}
    assert _allocated_by_year(kronoberg) == {"2017": Decimal("2500000.00")}
    assert _paid_by_year(kronoberg) == {"2017": Decimal("1123456.78")}

    # Municipality names come from each region's own configuration.
    h_recipients = _csv(processed / "halland" / "recipients_by_instrument.csv")
    k_recipients = _csv(processed / "kronoberg" / "recipients_by_instrument.csv")
    assert {"Växjö", "Ljungby"} & {v for r in h_recipients for v in r.values()} == set()
    assert {"Växjö", "Ljungby"} <= {v for r in k_recipients for v in r.values()}

    # The warehouses agree with the CSVs and hold only their region's figures.
    for region, expected in (("halland", halland), ("kronoberg", kronoberg)):
        engine = sa.create_engine(f"sqlite:///{processed / region / 'warehouse.sqlite'}")
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT year, paid_sek FROM appropriation_reconciliation ORDER BY year")
            ).all()
        engine.dispose()
        assert [(str(y), Decimal(str(p))) for y, p in rows] == sorted(
            _paid_by_year(expected).items()
        )


@pytest.mark.postgres
def test_on_postgresql_each_region_publishes_into_its_own_schema(
    pg_url: str,
    national_root: Path,
    tmp_path: Path,
) -> None:
    env = _env(national_root, tmp_path / "processed", TILLVAXT_DATABASE_URL=pg_url)
    assert _drive(env, "halland", "kronoberg")["success"] == {"halland": True, "kronoberg": True}
    engine = sa.create_engine(pg_url)
    try:
        with engine.connect() as conn:
            paid = {
                schema: conn.execute(
                    sa.text(
                        f"SELECT year, paid_sek FROM {schema}.appropriation_reconciliation ORDER BY year"
                    )
                ).all()
                for schema in ("tillvaxt_halland", "tillvaxt_kronoberg")
            }
            public = conn.execute(
                sa.text(
                    "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert paid["tillvaxt_halland"] == [(2017, Decimal("1100000.00")), (2018, Decimal("-5000.00"))]
    assert paid["tillvaxt_kronoberg"] == [(2017, Decimal("1123456.78"))]
    assert public == 0


def test_a_region_runs_with_the_multiprocess_executor(national_root: Path, tmp_path: Path) -> None:
    """`tillvaxt_national` as the CLI runs it: each step in its own process (forked from
    a preloaded forkserver), each resolving the region from the run's partition tag."""
    processed = tmp_path / "processed"
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {**_env(national_root, processed), "DAGSTER_HOME": str(home)}
    done = run_command(
        [
            "dagster",
            "job",
            "execute",
            "-m",
            "pipelines.definitions",
            "-j",
            "tillvaxt_national",
            "--tags",
            json.dumps({"dagster/partition": "kronoberg"}),
        ],
        env,
        timeout=900,
    )
    log = done.stdout + done.stderr
    assert done.returncode == 0, log[-3000:]
    assert "Multiprocess executor: parent process exiting" in log
    assert "RUN_SUCCESS" in log
    assert sorted(p.name for p in processed.iterdir()) == ["kronoberg"]
    kronoberg = _csv(processed / "kronoberg" / "appropriation_reconciliation.csv")
    assert _paid_by_year(kronoberg) == {"2017": Decimal("1123456.78")}


def test_cli_runs_one_region_or_refuses_to_certify_without_one(
    national_root: Path, tmp_path: Path
) -> None:
    env = _env(national_root, tmp_path / "processed")

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_command([sys.executable, "-m", "pipelines.cli", *args], env)

    run = cli("run", "--region", "kronoberg")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "region kronoberg: raw" in run.stdout
    chain = [line.split() for line in run.stdout.splitlines() if line.startswith("2017 1:1")]
    assert chain == [
        ["2017", "1:1", "0", "2", "500", "000", "1", "123", "456", "1", "376", "543", "ok"]
    ]
    assert not (tmp_path / "processed" / "halland").exists()
    certify = cli("certify", "--year", "2017")
    assert certify.returncode == 2
    assert "certify needs --region in a national deployment" in certify.stderr
    missing = cli("run", "--region", "skane")
    assert missing.returncode == 2
    assert "no region folder 'skane'" in missing.stderr
