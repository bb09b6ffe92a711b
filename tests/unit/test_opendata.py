"""The 360Giving export validates against the standard's schemas and leaves out sole traders."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from tillvaxt.region import load_region
from tillvaxt.report.opendata import grants_360, write_json

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SCHEMAS = SHARED / "data" / "360giving"
PERSONAL = "8001011234"  # third digit 0: a personal identity number


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    decisions = pd.DataFrame(
        {
            "decision_id": ["RS1", "RS2", "RS3"],
            "decision_date": pd.to_datetime(["2016-12-01", "2017-02-01", "2017-03-01"]),
            "instrument": ["UTV", "PROJ", "UTV"],
            "org_number": ["5566778899", "5560360793", PERSONAL],
            "applicant_name": ["Åkes Snickeri AB", "Örby Energi AB", "Anna Andersson"],
            "project_name": ["Ny hemsida", "Energi i Halland", "Firma"],
            "granted_ore": [100_000_00, 2_000_000_00, 50_000_00],
            "project_start": pd.to_datetime(["2017-01-01", "2017-02-01", "2017-03-01"]),
            "project_end": pd.to_datetime(["2017-12-31", "2018-12-31", "2017-12-31"]),
            "status": ["Avslutad", "Beviljad", "Beviljad"],
            "authoritative": [True, True, True],
        }
    )
    payouts = pd.DataFrame(
        {
            "voucher_id": ["V1", "V2", "V3", "V4"],
            "booking_date": pd.to_datetime(
                ["2017-03-01", "2017-04-01", "2017-05-01", "2017-06-01"]
            ),
            "year": [2017] * 4,
            "decision_id": ["RS1", "RS2", "RS3", None],
            "org_number": ["5566778899", "5560360793", PERSONAL, "5560360793"],
            "amount_ore": [50_000_50, 600_000_00, 25_000_00, 1_000_00],
        }
    )
    return decisions, payouts


def test_grants_to_legal_entities_with_exact_amounts_and_no_personal_numbers() -> None:
    package = grants_360(*_frames(), load_region(), 2017)
    grants = package["grants"]
    assert [g["id"] for g in grants] == ["360G-region-halland-RS1", "360G-region-halland-RS2"]
    assert [g["recipientOrganization"][0]["id"] for g in grants] == [
        "SE-ON-5566778899",
        "SE-ON-5560360793",
    ]
    assert grants[0]["amountDisbursed"] == Decimal("50000.50")
    assert grants[1]["amountAwarded"] == 2000000
    assert grants[1]["disbursementTransaction"] == [
        {"id": "V2", "transactionDate": "2017-04-01", "currency": "SEK", "value": 600000}
    ]
    text = json.dumps(package, ensure_ascii=False, default=str)
    assert PERSONAL not in text and "Anna Andersson" not in text and "PNR-" not in text
    assert all(re.fullmatch(r"SE-ON-\d{10}", g["recipientOrganization"][0]["id"]) for g in grants)


def test_export_validates_against_the_360giving_schemas(tmp_path: Path) -> None:
    if not (SCHEMAS / "360-giving-package-schema.json").is_file():
        pytest.skip(f"the 360Giving schemas are not beside the clone ({SCHEMAS})")
    import jsonschema
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package_schema = json.loads((SCHEMAS / "360-giving-package-schema.json").read_text("utf-8"))
    grant_schema = json.loads((SCHEMAS / "360-giving-schema.json").read_text("utf-8"))
    # Their "$schema" is spelled http://json-schema.org/draft/2020-12/schema, which
    # `referencing` does not recognise; they are 2020-12 schemas, so say so.
    grant = DRAFT202012.create_resource(grant_schema)
    # The package refers to the grant schema by URL: serve the local file under that URL
    # (and under the grant schema's own $id). No network.
    ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(ref, grant), (grant_schema["$id"], grant)])
    # The dates are `oneOf` date-time format / date pattern: the format must really be
    # checked (rfc3339-validator, a dev dependency), or a date matches both branches.
    validator = jsonschema.Draft202012Validator(
        package_schema, registry=registry, format_checker=jsonschema.FormatChecker()
    )
    path = write_json(tmp_path / "360giving_2017.json", grants_360(*_frames(), load_region(), 2017))
    assert '"amountDisbursed": 50000.5' in path.read_text("utf-8")  # a number, exactly
    written = json.loads(path.read_text("utf-8"))
    errors = sorted(validator.iter_errors(written), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    broken = {**written, "grants": [{**written["grants"][0], "currency": 5}]}
    assert list(validator.iter_errors(broken)), "the validator must reject a wrong type"


def test_a_year_without_payouts_exports_its_decisions_only() -> None:
    decisions, payouts = _frames()
    package = grants_360(decisions, payouts, load_region(), 2016)
    assert [g["id"] for g in package["grants"]] == ["360G-region-halland-RS1"]
    assert "disbursementTransaction" not in package["grants"][0]


def test_texts_typed_by_a_person_are_scrubbed_and_amounts_written_exactly(tmp_path: Path) -> None:
    import simplejson

    decisions, payouts = _frames()
    decisions.loc[0, "project_name"] = f"Hemsida åt {PERSONAL[:6]}-{PERSONAL[6:]}"
    payouts.loc[0, "voucher_id"] = f"V1 {PERSONAL}"
    payouts.loc[1, "amount_ore"] = -1  # one öre back: -0.01, not a float's -0.01000…
    package = grants_360(decisions, payouts, load_region(), 2017)
    path = write_json(tmp_path / "360giving_2017.json", package)
    text = path.read_text("utf-8")
    assert PERSONAL[:6] not in text
    written = simplejson.loads(text, use_decimal=True)
    assert written == simplejson.loads(
        simplejson.dumps(package, use_decimal=True), use_decimal=True
    )
    values = [t["value"] for g in written["grants"] for t in g.get("disbursementTransaction", [])]
    assert values == [Decimal("50000.50"), Decimal("-0.01")]
    assert written["grants"][1]["amountDisbursed"] == Decimal("-0.01")


def test_encoded_amounts_are_the_exact_kronor() -> None:
    from tillvaxt.report.opendata import _json_amounts

    ore = [0, 1, -1, 5, -50, 99, 100, -100, 12_345, -12_345, 10**15, -(10**15) - 7]
    texts = _json_amounts(pd.Series(ore)).to_pylist()
    # Whole kronor as an integer, else kronor with two decimals: recomputed with Decimal.
    expected = [
        str(o // 100) if o % 100 == 0 else str((Decimal(o) / 100).quantize(Decimal("0.01")))
        for o in ore
    ]
    assert texts == expected
    assert texts[2] == "-0.01" and texts[4] == "-0.50" and texts[-1] == "-10000000000000.07"


def test_encoded_grants_are_what_simplejson_writes_and_exact(tmp_path: Path) -> None:
    import simplejson

    from tillvaxt.report.opendata import encoded_grants_360

    decisions, payouts = _frames()
    decisions.loc[0, "project_name"] = 'Tak "nytt"\\\tlager\nÅ\u2028ö\x01'
    decisions.loc[1, "applicant_name"] = None  # falls back to the recipient's id
    payouts.loc[0, "voucher_id"] = 'V"1\\'
    payouts.loc[1, "amount_ore"] = -7
    package = encoded_grants_360(decisions, payouts, load_region(), 2017)
    encoder = simplejson.JSONEncoder(ensure_ascii=False, use_decimal=True)
    parsed = [simplejson.loads(line, use_decimal=True) for line in package["grants"]]
    # Each line is the text simplejson writes for the objects it holds.
    assert [encoder.encode(g) for g in parsed] == list(package["grants"])
    first, second = parsed
    assert first["title"] == 'Tak "nytt"\\\tlager\nÅ\u2028ö\x01'
    assert second["recipientOrganization"][0]["name"] == "SE-ON-5560360793"
    assert first["disbursementTransaction"] == [
        {"id": 'V"1\\', "transactionDate": "2017-03-01", "currency": "SEK",
         "value": Decimal("50000.50")}
    ]  # fmt: skip
    assert second["amountDisbursed"] == Decimal("-0.07")
    assert second["amountAwarded"] == 2_000_000 and isinstance(second["amountAwarded"], int)
    text = write_json(tmp_path / "g.json", package).read_text("utf-8")
    assert simplejson.loads(text, use_decimal=True)["grants"] == parsed


def _dated(text: bytes) -> bytes:
    """A file less its run's clock (`issued`, `modified`, each grant's `dateModified`)."""
    return re.sub(rb'"(issued|modified|dateModified)": "[^"]*"', b"", text)


def test_the_export_written_by_a_worker_is_the_one_written_here(
    tmp_path: Path, monkeypatch
) -> None:
    from tillvaxt.report.opendata import export_frames, write_open_data
    from tillvaxt.report.worker import Worker

    files = {2016: "360giving_2016.json", 2017: "360giving_2017.json", 2030: "none.json"}
    frames = export_frames(*_frames())
    (tmp_path / "worker").mkdir()
    with Worker("export", write_open_data, tmp_path / "worker", files, *frames, load_region()) as w:
        counts = w.result()
    assert write_open_data(tmp_path / "here", files, *frames, load_region()) == counts
    assert counts == {"360giving_2016.json": 1, "360giving_2017.json": 2}  # 2030: no grants
    for name in counts:
        here, there = (tmp_path / d / name for d in ("here", "worker"))
        assert _dated(here.read_bytes()) == _dated(there.read_bytes())
    assert sorted(p.name for p in (tmp_path / "worker").iterdir()) == sorted(counts)


def test_an_export_failing_in_its_worker_fails_here_and_leaves_no_file(tmp_path: Path) -> None:
    from tillvaxt.report.opendata import export_frames, write_open_data
    from tillvaxt.report.worker import RemoteTraceback, Worker

    files = {2016: "360giving_2016.json", 2017: "360giving_2017.json"}
    frames = export_frames(*_frames())
    with (
        pytest.raises(AttributeError) as caught,  # no region: its name is read first
        Worker("export", write_open_data, tmp_path, files, *frames, None) as w,
    ):
        w.result()
    assert isinstance(caught.value.__cause__, RemoteTraceback)
    assert list(tmp_path.iterdir()) == []  # not even a staged temporary file


def test_a_worker_masks_with_the_callers_key(tmp_path: Path) -> None:
    """A personal number typed into a title gets the caller's token, not the development
    key's (the worker is a fresh process: the key goes with the call)."""
    from tillvaxt.masking import masking_key, use_masking_key
    from tillvaxt.orgnr import mask
    from tillvaxt.report.opendata import export_frames, write_open_data
    from tillvaxt.report.worker import Worker

    decisions, payouts = _frames()
    decisions.loc[1, "project_name"] = f"Energi åt {PERSONAL}"
    files = {2017: "360giving_2017.json"}
    before = masking_key()
    use_masking_key("a production key")
    try:
        token = mask(PERSONAL)
        with Worker(
            "export",
            write_open_data,
            tmp_path,
            files,
            *export_frames(decisions, payouts),
            load_region(),
        ) as w:
            w.result()
    finally:
        use_masking_key(before)
    text = (tmp_path / "360giving_2017.json").read_text("utf-8")
    assert f"Energi åt {token}" in text and PERSONAL not in text
    assert token != mask(PERSONAL)  # the development key's token differs
