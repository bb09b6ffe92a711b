"""The certification workflow in process: certify 2017, a late correction restates it,
a review turns the restatement check green, a further change turns it red again; and
the certified year's 360Giving export stays the certified package throughout."""

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from dagster import DagsterInstance

from assets.resources import TillvaxtSettings
from pipelines.cli import main
from pipelines.close import CERTIFY_JOB, year_run_config
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from pipelines.settings import settings_from_env
from tillvaxt.publish.warehouse import read_table

defs = build_definitions(settings_from_env())

CHECK = "no_restatements"


def _job(name: str, settings: TillvaxtSettings, **options):
    with DagsterInstance.ephemeral() as instance:
        result = defs.resolve_job_def(name).execute_in_process(
            instance=instance, resources={"settings": settings}, raise_on_error=False, **options
        )
    assert result.success
    return result


def _check(result) -> tuple[bool, dict]:
    [check] = [c for c in result.get_asset_check_evaluations() if c.check_name == CHECK]
    return check.passed, {k: v.value for k, v in check.metadata.items()}


def _set_utv_2017(raw: Path, amount: str) -> None:
    """V2017-00001 (UTV, 1:1, decision RS1) is on one export only: change its amount."""
    path = raw / "payouts" / "utbetalningar_a.csv"
    lines = path.read_bytes().decode("cp1252").split("\r\n")
    [i] = [n for n, line in enumerate(lines) if line.startswith("V2017-00001;")]
    fields = lines[i].split(";")
    fields[6] = amount
    lines[i] = ";".join(fields)
    path.write_bytes("\r\n".join(lines).encode("cp1252"))


def _review(out: Path, note: str) -> int:
    return main(
        [
            "review-restatement",
            "--year",
            "2017",
            "--by",
            "Karin Kontroller",
            "--note",
            note,
            "--processed-dir",
            str(out),
        ]
    )


def _utv_2017_disbursed(out: Path) -> object:
    package = json.loads((out / "360giving_2017.json").read_text(encoding="utf-8"))
    [grant] = [g for g in package["grants"] if g["id"].endswith("-RS1")]
    return grant.get("amountDisbursed")


@pytest.mark.heavy  # four whole runs and a certification
def test_a_reviewed_restatement_passes_and_a_new_one_fails_again(
    small_raw: Path, tmp_path: Path, capsys
) -> None:
    out = tmp_path / "out"
    settings = TillvaxtSettings(raw_dir=str(small_raw), processed_dir=str(out))
    first = _job(PIPELINE_JOB, settings)
    assert _check(first)[0]
    assert _review(out, "nothing to review") == 1
    assert "not certified" in capsys.readouterr().err

    _job(CERTIFY_JOB, settings, run_config=year_run_config(CERTIFY_JOB, 2017))
    certified_json = (out / "360giving_2017.json").read_bytes()
    assert _utv_2017_disbursed(out) == 50000

    _set_utv_2017(small_raw, "60 000,00")
    passed, meta = _check(_job(PIPELINE_JOB, settings))
    assert not passed and meta["unreviewed"] == meta["restatements"] > 0
    restated = pd.read_csv(out / "restatements.csv", dtype=str)
    n_restated = len(restated)
    assert restated["reviewed_by"].isna().all()
    # The certified year's open data is the certified package, not rebuilt with 60 000.
    assert (out / "360giving_2017.json").read_bytes() == certified_json

    assert _review(out, "Sen rättelse av V2017-00001, godkänd för 2017 års siffror") == 0
    assert f"review of {n_restated} restatement(s) of 2017" in capsys.readouterr().out
    assert _review(out, "again") == 1
    assert "no unreviewed restatement (all" in capsys.readouterr().err

    passed, meta = _check(_job(PIPELINE_JOB, settings))
    assert passed and meta["reviewed"] == n_restated and meta["unreviewed"] == 0
    reviewed = pd.read_csv(out / "restatements.csv", dtype=str)
    assert set(reviewed["reviewed_by"]) == {"Karin Kontroller"}
    assert set(reviewed["review_note"]) == {
        "Sen rättelse av V2017-00001, godkänd för 2017 års siffror"
    }

    _set_utv_2017(small_raw, "70 000,00")
    passed, meta = _check(_job(PIPELINE_JOB, settings))
    again = pd.read_csv(out / "restatements.csv", dtype=str)
    utv = again[(again["table_name"] == "appropriation_usage") & again["reviewed_by"].isna()]
    assert not passed and meta["unreviewed"] > 0
    assert utv["new_value"].tolist() == ["70000.00"]
    assert (out / "360giving_2017.json").read_bytes() == certified_json

    engine = sa.create_engine(f"sqlite:///{out / 'warehouse.sqlite'}")
    try:
        reviews = read_table(engine, "restatement_reviews")
    finally:
        engine.dispose()
    assert len(reviews) == n_restated
    assert set(reviews["year"]) == {2017} and set(reviews["reviewed_by"]) == {"Karin Kontroller"}
    usage = reviews[reviews["table_name"] == "appropriation_usage"]
    assert usage[["column_name", "certified_value", "new_value"]].values.tolist() == [
        ["paid_sek", "50000.00", "60000.00"]
    ]
