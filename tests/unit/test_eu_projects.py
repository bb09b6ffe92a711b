"""The EU project register reader: Tillväxtverket's comma-separated export, real and hand-made."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import raw_file
from tillvaxt.region import load_region
from tillvaxt.validate.eu_projects import covers_county, read_eu_projects, validate_eu_projects

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
_NAME = "se_tillvaxtverket_erdf_2014-2020_projects_2016-10-14.csv"
# The real file as published in ../shared; the sample raw tree carries an unchanged copy.
REAL = next(
    (
        p
        for p in (
            SHARED / "data" / "real" / _NAME,
            Path(__file__).resolve().parents[2] / "data" / "raw" / "eu_projects" / _NAME,
        )
        if p.is_file()
    ),
    SHARED / "data" / "real" / _NAME,
)

HEADER = (
    "ärende-id,område,insatsområde,tematiskt_mål,stödmottagare,projektnamn,beviljat_belopp_sek,"
    "projekt_starttid,projekt_sluttid,län,kommuner,projektbeskrivning"
)


@pytest.fixture
def real_register(tmp_path: Path) -> Path:
    if not REAL.is_file():
        pytest.skip(
            f"the real Tillväxtverket register is not at {REAL} (../shared beside the clone)"
        )
    raw = tmp_path / "raw"
    (raw / "eu_projects").mkdir(parents=True)
    (raw / "eu_projects" / REAL.name).write_bytes(REAL.read_bytes())
    return raw


def test_real_register_reads_all_374_projects(real_register: Path) -> None:
    v = validate_eu_projects(read_eu_projects(real_register))
    assert v.rows_read == 374
    assert len(v.valid) == 374 and v.quarantine.empty
    reg = v.valid.set_index("case_id")
    p = reg.loc["20200940"]
    assert p["beneficiary"] == "Arjeplogs kommun"
    assert p["granted_ore"] == 3_929_285_00
    assert p["project_start"] == pd.Timestamp("2017-01-02")
    assert p["project_end"] == pd.Timestamp("2020-04-30")
    assert p["counties"] == "Norrbotten"
    # A quoted field with commas inside.
    assert reg.loc["20201077", "thematic_objective"] == (
        "Att stärka forskning, teknisk utveckling och innovation"
    )
    assert reg.loc["20200339", "project_name"] == "Arena för Grön Tillväxt"
    assert reg.loc["20200339", "granted_ore"] == 6_310_017_00
    assert reg.loc["20200339", "counties"] == "Halland"
    assert reg["granted_ore"].dtype == "int64"


def test_real_register_has_25_projects_covering_halland(real_register: Path) -> None:
    reg = validate_eu_projects(read_eu_projects(real_register)).valid
    region = load_region()
    halland = reg[reg["counties"].map(lambda c: covers_county(c, region))]
    assert len(halland) == 25
    assert {"20200339", "20200843", "20200855", "20201075", "20200485"} <= set(halland["case_id"])
    # "Västra Götaland" alone does not cover Halland; the match is per county, not by substring.
    assert not covers_county("Västra Götaland", region)
    assert covers_county("Halland, Västra Götaland", region)


def test_record_lines_count_the_line_breaks_inside_quoted_fields(tmp_path: Path) -> None:
    eu_projects = """
        20200001,Västsverige,"Axel 1, forskning",Mål 1,"Hallands Läns Landsting","Projekt, ett",1000,2016-01-01,2018-12-31,Halland,"Halmstad, Varberg","Rad ett
        rad två, med komma"
        20200002,Västsverige,Axel 2,Mål 2,Firma AB,Projekt två,12.5,2016-01-01,2018-12-31,Halland,Hylte,kort
        20200003,Västsverige,Axel 2,Mål 2,Firma AB,Projekt tre,500,2016-02-30,2018-12-31,Halland,Hylte,kort
        20200001,Västsverige,Axel 2,Mål 2,Firma AB,Igen,500,2016-01-01,2018-12-31,Halland,Hylte,kort
    """
    raw = raw_file(tmp_path, "eu_projects/projekt.csv", HEADER, eu_projects)
    v = validate_eu_projects(read_eu_projects(raw))
    assert v.rows_read == 4
    assert list(v.valid["case_id"]) == ["20200001"]
    first = v.valid.iloc[0]
    assert (first["source_line"], first["granted_ore"]) == (2, 1000_00)
    assert first["priority_axis"] == "Axel 1, forskning"
    assert first["municipalities"] == "Halmstad, Varberg"
    q = v.quarantine
    assert list(q["source_line"]) == [4, 5, 6]
    assert list(q["source"]) == ["eu_projects"] * 3
    assert "column 'beviljat_belopp_sek': expected a whole number of kronor" in q["reason"].iloc[0]
    assert "column 'projekt_starttid'" in q["reason"].iloc[1]
    assert "listed once" in q["reason"].iloc[2]


def test_register_is_optional(tmp_path: Path) -> None:
    v = validate_eu_projects(read_eu_projects(tmp_path / "raw"))
    assert v.rows_read == 0 and v.valid.empty and v.quarantine.empty
