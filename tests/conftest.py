"""Shared test helpers: small raw trees written the way the source systems write them."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PAYOUT_HEADER = "Verifikationsnummer;Bokföringsdatum;Diarienummer;Organisationsnummer;Mottagare;Insats;Belopp;Anslag;Kommun"
DECISION_HEADER = (
    "Diarienummer;Beslutsdatum;Insats;Organisationsnummer;Sökande;Projektnamn;Beviljat belopp;"
    "Medfinansiering;Projektstart;Projektslut;Prioritering;Status;EU-ärende"
)
APPROPRIATION_HEADER = "År;Anslag;Tilldelat belopp;Anslagskredit;Högsta anslagssparande"


def write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write lines as a source system would (encoding and line ending chosen by the test)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    """A minimal but complete raw tree: two years, overlapping payout exports, two snapshots."""
    raw = tmp_path / "raw"
    write(
        raw / "appropriations" / "anslag.csv",
        [
            APPROPRIATION_HEADER,
            "2017;1:1;1 000 000;100 000;",
            "2018;1:1;1 000 000;100 000;",
        ],
        encoding="utf-8-sig",
        newline="\r\n",
    )
    write(
        raw / "payouts" / "utbetalningar_a.csv",
        [
            PAYOUT_HEADER,
            "V2017-00001;2017-03-01;RS1;556677-8899;Åkes Snickeri AB;UTV;50 000,00;1:1;1380",
            "V2017-00002;2017-04-01;RS2;5560360793;Örby Energi AB;PROJ;600\u00a0000;1:1;1383",
        ],
        encoding="cp1252",
        newline="\r\n",
    )
    write(
        raw / "payouts" / "utbetalningar_b.csv",
        [
            PAYOUT_HEADER,
            "V2017-00002;2017-04-01;RS2;5560360793;Örby Energi AB;PROJ;600\u00a0000;1:1;1383",
            "V2017-00003;2017-11-30;RS2;165560360793;Örby Energi AB;PROJ;450 000;1:1;1383",
            "V2017-00004;2017-12-01;;5560360793;Örby Energi AB;PROJ;1 000;EGNA;1383",
            "V2018-00001;2018-02-01;RS1;556677-8899;Åkes Snickeri AB;UTV;-5 000;1:1;1380",
            "",
        ],
        encoding="utf-8-sig",
    )
    write(
        raw / "decisions" / "beslut_20170101.csv",
        [
            DECISION_HEADER,
            "RS1;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Beviljad;",
        ],
        encoding="cp1252",
    )
    write(
        raw / "decisions" / "beslut_20180101.csv",
        [
            DECISION_HEADER,
            "RS1;2016-12-01;UTV;556677-8899;Åkes Snickeri AB;Ny hemsida;100 000;100 000;2017-01-01;2017-12-31;SV3.5;Avslutad;",
            "RS2;2017-02-01;PROJ;5560360793;Örby Energi AB;Energi i Halland; 2 000 000 ;;2017-02-01;2018-12-31;  regionalt INNOVATIONSSYSTEM ;Beviljad;",
        ],
        encoding="utf-8-sig",
    )
    return raw
