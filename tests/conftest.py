"""Shared test helpers: small raw trees written the way the source systems write them.

Also the suite's own instance: before any test module is imported (the definitions
read the environment at import), every `DAGSTER_*` and `TILLVAXT_*` variable the shell
set is dropped and replaced by a temporary `DAGSTER_HOME` and processed directory, so
no test, in this process or in a subprocess it starts, writes to the user's instance,
warehouse or outputs. Test switches (`TILLVAXT_TEST_*`, `TILLVAXT_REQUIRE_*`) are kept.
"""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from pipelines.cli import GC_YOUNG_THRESHOLD
from schemas.appropriations import Appropriations
from schemas.decisions import Decisions
from schemas.payouts import Payouts
from schemas.raw import header_line

REPO = Path(__file__).resolve().parents[1]

_KEEP = ("TILLVAXT_TEST_", "TILLVAXT_REQUIRE_")
SHELL_ENV = {k: v for k, v in os.environ.items() if k.startswith(("DAGSTER_", "TILLVAXT_"))}
SUITE_ROOT = Path(tempfile.mkdtemp(prefix="tillvaxt-tests-"))
SUITE_ENV = {
    "DAGSTER_HOME": str(SUITE_ROOT / "dagster_home"),
    "TILLVAXT_RAW_DIR": str(REPO / "data" / "raw"),
    "TILLVAXT_PROCESSED_DIR": str(SUITE_ROOT / "processed"),
}


def _isolate() -> None:
    for key in SHELL_ENV:
        if not key.startswith(_KEEP):
            del os.environ[key]
    os.environ.update(SUITE_ENV)
    home = Path(SUITE_ENV["DAGSTER_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")


_isolate()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move what collection imported (Dagster, pandas, the definitions: a few hundred
    thousand long-lived objects) out of the collector's reach, and collect the youngest
    generation less often: otherwise every full collection walks them all again, and an
    allocation-heavy test (Hypothesis, a whole pipeline run) spent more time collecting
    than testing. Garbage is still collected."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SUITE_ROOT, ignore_errors=True)


# The heavy tests: everything under tests/integration/ (PostgreSQL, `dagster dev`, Chromium,
# multiprocess runs, CLI subprocesses, the golden seed through the CLI), marked here once so
# that the README's `uv run pytest -q` (addopts: `-m "not heavy and not generated"`) stays
# quick; `-m heavy` selects them, and `.ci/run` runs them after the quick ones.
INTEGRATION = REPO / "tests" / "integration"


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(INTEGRATION):
            item.add_marker(pytest.mark.heavy)


@pytest.fixture(autouse=True, scope="session")
def suite_instance() -> Path:
    """The suite's DAGSTER_HOME; fails loudly if something put the shell's back."""
    for key, value in SUITE_ENV.items():
        assert os.environ.get(key) == value, f"{key} is not the suite's own"
    return Path(SUITE_ENV["DAGSTER_HOME"])


# The headers a source system writes, from the models' raw-column metadata.
PAYOUT_HEADER = header_line(Payouts)
DECISION_HEADER = header_line(Decisions)
APPROPRIATION_HEADER = header_line(Appropriations)


def write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\n") -> Path:
    """Write lines as a source system would (encoding and line ending chosen by the test)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def raw_file(
    tmp_path: Path, name: str, header: str, rows: str, encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    """Write `tmp_path/raw/<name>`: the header, then `rows` as the file's own text (one
    record a line, the indentation of the test's source dropped). Returns the raw tree.

    The rows are given as text, not as a list of strings, so a test reads like the file."""
    lines = textwrap.dedent(rows).strip("\n").splitlines()
    raw = tmp_path / "raw"
    write(raw / name, [header, *lines], encoding, newline)
    return raw


@pytest.fixture
def small_raw(tmp_path: Path) -> Path:
    """A minimal but complete raw tree: two years, overlapping payout exports, two snapshots."""
    appropriations = """
        2017;1:1;1 000 000;100 000;
        2018;1:1;1 000 000;100 000;
    """
    raw = raw_file(
        tmp_path,
        "appropriations/anslag.csv",
        APPROPRIATION_HEADER,
        appropriations,
        "utf-8-sig",
        "\r\n",
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


@pytest.fixture(scope="session")
def sample_sources():
    """The committed sample tree (`data/raw`) read and validated once per test session:
    its region and each source's `valid`/`quarantine` result, for tests of the domain
    functions on the sample."""
    from types import SimpleNamespace

    from tillvaxt.region import load_region
    from tillvaxt.validate.appropriations import read_appropriations, validate_appropriations
    from tillvaxt.validate.decisions import read_decisions, validate_decisions
    from tillvaxt.validate.eu_projects import read_eu_projects, validate_eu_projects
    from tillvaxt.validate.payouts import read_payouts, validate_payouts

    raw = REPO / "data" / "raw"
    if not (raw / "payouts").is_dir():
        pytest.skip("no sample data in data/raw")
    region = load_region()
    return SimpleNamespace(
        region=region,
        payouts=validate_payouts(read_payouts(raw)),
        decisions=validate_decisions(read_decisions(raw), region),
        appropriations=validate_appropriations(read_appropriations(raw)),
        eu_projects=validate_eu_projects(read_eu_projects(raw)),
    )
