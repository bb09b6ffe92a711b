"""Survey and population readers: typed rows, exact weights, quarantine with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import raw_file
from tillvaxt.validate.population import read_population, validate_population
from tillvaxt.validate.surveys import (
    read_profiles,
    read_survey,
    validate_profiles,
    validate_survey,
)

PROFILE_HEADER = "Organisationsnummer;Kön;Bakgrund;Utbildning;Inkomstklass;Åldersgrupp"
SURVEY_HEADER = "Löpnummer;År;Kommun;Kön;Bakgrund;Utbildning;Inkomstklass;Åldersgrupp;Stratum;Vikt;Ind_Sysselsatt;Ind_GottHalsotillstand"
POP_HEADER = "År;Kommun;Kön;Bakgrund;Utbildning;Åldersgrupp;Antal"


def test_profiles_keep_the_newest_row_and_quarantine_unknown_labels(tmp_path: Path) -> None:
    surveys = """
        556677-8899;K;Utrikes född;Gymnasial;3;30-44
        5560360793;Kvinna;Svensk bakgrund;;;
    """
    raw = raw_file(tmp_path, "surveys/mottagarprofil_2017.csv", PROFILE_HEADER, surveys, "cp1252")
    surveys = """
        5566778899;K;Utrikes född;Eftergymnasial ≥3 år;4;30-44
    """
    raw = raw_file(tmp_path, "surveys/mottagarprofil_2018.csv", PROFILE_HEADER, surveys)
    v = validate_profiles(read_profiles(raw))
    assert v.rows_read == 3 and v.superseded == 1
    assert v.valid[["org_number", "utbildning", "inkomstklass"]].values.tolist() == [
        ["5566778899", "Eftergymnasial ≥3 år", "4"]
    ]
    q = v.quarantine.iloc[0]
    assert (q["source_file"], q["source_line"]) == ("surveys/mottagarprofil_2017.csv", 3)
    assert "column 'Kön': expected one of 'K', 'M' or empty, found 'Kvinna'" in q["reason"]
    assert len(v.valid) + len(v.quarantine) + v.superseded == v.rows_read


def test_survey_weights_are_read_from_decimal_comma_and_dots_are_refused(tmp_path: Path) -> None:
    surveys = """
        1;2018;1380;K;Svensk bakgrund;Gymnasial;2;45-64;S1;35,42;1;
        2;2018;1380;M;;;;;S1;1 204,5;0;1
        3;2018;1380;M;;;;;S1;35.42;0;1
        4;2018;1380;M;;;;;S2;12;2;1
        1;2018;1381;M;;;;;S2;12;0;1
    """
    raw = raw_file(tmp_path, "surveys/befolkningsenkat_2018.csv", SURVEY_HEADER, surveys)
    v = validate_survey(read_survey(raw))
    assert v.valid["weight"].tolist() == [35.42, 1204.5]
    assert v.valid["Ind_GottHalsotillstand"].tolist()[0] is not None
    assert v.valid["Ind_GottHalsotillstand"].isna().tolist() == [True, False]
    reasons = dict(zip(v.quarantine["source_line"], v.quarantine["reason"], strict=True))
    assert (
        reasons[4]
        == "column 'Vikt': expected a weight with decimal comma like '35,42', found '35.42'"
    )
    assert reasons[5] == "column 'Ind_Sysselsatt': expected 0, 1 or empty, found '2'"
    assert "unique in 2018, found '1' already on line 2" in reasons[6]
    assert len(v.valid) + len(v.quarantine) + v.duplicates_merged == v.rows_read


def test_population_counts_and_labels(tmp_path: Path) -> None:
    population = """
        2018;1380;K;Utrikes född;Gymnasial;30-44;1 204
        2018;1380;M;;Gymnasial;30-44;17
        2018;1380;M;Svensk;Gymnasial;30-44;17
        2018;1380;M;Svensk bakgrund;Gymnasial;30-44;1,5
    """
    raw = raw_file(tmp_path, "population/scb.csv", POP_HEADER, population)
    v = validate_population(read_population(raw))
    assert v.valid["count"].tolist() == [1204, 17]
    assert v.valid["bakgrund"].isna().tolist() == [False, True]
    assert v.quarantine["source_line"].tolist() == [4, 5]
    assert v.quarantine["source"].unique().tolist() == ["population"]


@pytest.mark.parametrize("text", ["35,42", "0,5"])
def test_weight_parser_accepts_swedish_decimals(text: str) -> None:
    import pandas as pd

    from tillvaxt.validate.surveys import weight

    out, err = weight(pd.Series([text]))
    assert out[0] == float(text.replace(",", ".")) and err[0] == ""


def test_a_value_rule_names_the_files_column(tmp_path: Path) -> None:
    surveys = """
        1;2018;1380;K;;;;;S1;0;1;
        2;2018;1380;M;;;;;S1;12;0;1
    """
    raw = raw_file(tmp_path, "surveys/befolkningsenkat_2018.csv", SURVEY_HEADER, surveys)
    v = validate_survey(read_survey(raw))
    assert v.valid["respondent_id"].tolist() == ["2"]
    reason = v.quarantine.iloc[0]["reason"]
    assert reason == "Vikt must be above 0, found '0'", reason
