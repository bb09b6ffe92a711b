"""Run the whole pipeline in-process on a generated tree and check the invariants.

Each run gets its own raw and processed directories and an ephemeral Dagster instance
(its storage is a temporary directory), so nothing touches the user's DAGSTER_HOME or
data/processed. Every invariant is checked and every failure collected, so one failing
tree reports all it breaks, with its seed and the command that reproduces it.
"""

from __future__ import annotations

import csv
import os
import re
import sqlite3
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from dagster import DagsterEventType, DagsterInstance

from assets.resources import TillvaxtSettings
from pipelines.definitions import build_definitions
from pipelines.jobs import PIPELINE_JOB
from tests.generated import oracle
from tests.generated.treegen import PROFILES, Features, Tree, all_spellings, draw, write

# Published tables whose figures the oracle checks (CSV and warehouse).
RECON, USAGE, BALANCES = "appropriation_reconciliation", "appropriation_usage", "decision_balances"
# A report's creation time (`2026-12-01 18:21:09`, `2026-12-01T18:21:09Z`): the one thing a
# second run on the same inputs writes differently, by design.
# A creation time, or a date of issue (360Giving's `issued`: two runs either side of
# midnight differ there, and only there).
_STAMP = re.compile(
    rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?|(?<=\"issued\": \")\d{4}-\d{2}-\d{2}"
)


@dataclass
class Outcome:
    seed: int
    features: Features
    size: str
    profile: str = "contract"
    failures: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    tree: Tree | None = None

    def fail(self, message: str) -> None:
        self.failures.append(message)

    def report(self) -> str:
        changed = _feature_diff(self.features, PROFILES[self.profile])
        env = f"GEN_SEED={self.seed} GEN_PROFILE={self.profile} GEN_SIZE={self.size}" + (
            f" GEN_FEATURES='{changed}'" if changed else ""
        )
        lines = [
            f"generated tree seed {self.seed} ({self.size}) broke {len(self.failures)} invariant(s)",
            f"features: profile {self.profile}" + (f", changed: {changed}" if changed else ""),
            f"reproduce: {env} uv run pytest -q tests/generated/test_trees.py::test_seed_from_env",
            "keep the tree: add GEN_KEEP=/some/dir (writes <dir>/raw and <dir>/out)",
        ]
        if self.tree is not None:
            t = self.tree
            lines.append(
                f"tree: years {t.years}, {len(t.payouts)} payouts, {len(t.bad_payouts)} unreadable, "
                f"{len(t.snapshots)} snapshot(s) {[n for n, _ in t.snapshots]}, kinds {t.kinds}, "
                f"{'; '.join(t.notes)}"
            )
        lines += [f"  - {m}" for m in self.failures]
        return "\n".join(lines)


def _feature_diff(f: Features, base: Features) -> str:
    parts = []
    for name in Features.__dataclass_fields__:
        a, b = getattr(f, name), getattr(base, name)
        if a == b:
            continue
        if isinstance(a, bool):
            parts.append(("+" if a else "-") + name)
        elif isinstance(a, tuple):
            parts.append(f"{name}={'|'.join(a)}")
        else:
            parts.append(f"{name}={a}")
    return ",".join(parts)


@dataclass
class RunResult:
    success: bool
    checks: dict[tuple[str, str], bool]
    metadata: dict[str, dict[str, object]]
    errors: list[str]
    log_text: str


def run_pipeline(raw: Path, processed: Path) -> RunResult:
    """One in-process run of the whole job on an ephemeral instance."""
    settings = TillvaxtSettings(raw_dir=str(raw), processed_dir=str(processed))
    job = build_definitions(settings).resolve_job_def(PIPELINE_JOB)
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        checks: dict[tuple[str, str], bool] = {}
        errors: list[str] = []
        for ev in result.all_events:
            if ev.event_type == DagsterEventType.ASSET_CHECK_EVALUATION:
                data = ev.event_specific_data
                checks[(data.asset_key.to_user_string(), data.check_name)] = data.passed
            elif ev.event_type == DagsterEventType.STEP_FAILURE:
                errors.append(f"{ev.step_key}: {_root_cause(ev.event_specific_data.error)}")
        metadata = {
            m.asset_key.to_user_string(): {
                k: v.value for k, v in m.materialization.metadata.items()
            }
            for m in result.get_asset_materialization_events()
        }
        log_text = "\n".join(
            " ".join(
                str(x)
                for x in (e.user_message, e.dagster_event and e.dagster_event.event_specific_data)
            )
            for e in instance.all_logs(result.run_id)
        )
    return RunResult(result.success, checks, metadata, errors, log_text)


def _root_cause(err) -> str:
    """The innermost error's message (Dagster's outer sentence names only the op)."""
    if err is None:
        return "no error recorded"
    while err.cause is not None:
        err = err.cause
    return f"{err.cls_name}: {err.message.strip()}"


def _ore(text: str) -> int:
    """A published SEK value (`-1250.50`) in öre, exactly; empty is 0."""
    if text is None or str(text).strip() == "":
        return 0
    d = Decimal(str(text)) * 100
    if d != d.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number of öre")
    return int(d)


def _csv(processed: Path, table: str) -> list[dict[str, str]]:
    with (processed / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _sql(processed: Path, table: str) -> list[dict[str, object]]:
    con = sqlite3.connect(f"file:{processed / 'warehouse.sqlite'}?mode=ro", uri=True)
    try:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(f'SELECT * FROM "{table}"')]
    finally:
        con.close()


def _texts(processed: Path) -> dict[str, str]:
    """Every output file as text: CSV, HTML, JSON as written; xlsx unzipped; SQLite dumped."""
    out: dict[str, str] = {}
    for path in sorted(processed.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(processed).as_posix()
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    out[f"{name}!{member}"] = z.read(member).decode("utf-8", "replace")
        elif data.startswith(b"SQLite format 3"):
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                out[name] = "\n".join(con.iterdump())
            finally:
                con.close()
            out[f"{name} (bytes)"] = data.decode("latin-1")
        else:
            out[name] = data.decode("utf-8", "replace")
    return out


# The warehouse's log of publications names the run and its time: different by design.
_RUN_LOG_TABLE = "publications"


def _comparable(processed: Path) -> dict[str, bytes]:
    """Each published output's bytes (xlsx per member, the warehouse as a dump without its
    publication log), creation stamps blanked, for the rerun check.

    Only the names a reader opens count: `<processed>/<name>`, links followed into the
    run directory they point at; the run directories' own names differ by design.
    """
    out: dict[str, bytes] = {}
    for path in sorted(processed.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.name == "current":
            continue
        name = path.name
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                for member in sorted(z.namelist()):
                    out[f"{name}!{member}"] = _STAMP.sub(b"<stamp>", z.read(member))
        elif path.suffix in (".html", ".json"):
            out[name] = _STAMP.sub(b"<stamp>", path.read_bytes())
        elif path.read_bytes().startswith(b"SQLite format 3"):
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                lines = [
                    line
                    for line in con.iterdump()
                    if f'"{_RUN_LOG_TABLE}"' not in line and f" {_RUN_LOG_TABLE}" not in line
                ]
            finally:
                con.close()
            out[name] = "\n".join(lines).encode()
        else:
            out[name] = path.read_bytes()
    return out


def check_tree(
    seed: int,
    features: Features,
    size: str,
    workdir: Path,
    profile: str = "contract",
    rerun: bool = True,
) -> Outcome:
    """Draw, write, run (twice with `rerun`), check every invariant; the outcome lists
    what failed. The second run doubles a tree's cost, so the runs with many trees do it
    for a share of them (see test_trees.py)."""
    o = Outcome(seed, features, size, profile)
    tree = o.tree = draw(seed, features, size)
    raw, out, out2 = workdir / "raw", workdir / "out", workdir / "out2"
    rows_written = write(tree, raw)
    exp = oracle.expected(tree, rows_written)

    t0 = time.perf_counter()
    run = run_pipeline(raw, out)
    o.seconds.append(time.perf_counter() - t0)
    if not run.success:
        o.fail("the run failed: " + " | ".join(run.errors)[:2000])
        return o

    o.failures += check_outputs(tree, exp, out, run)

    if not rerun:
        return o
    t0 = time.perf_counter()
    run2 = run_pipeline(raw, out2)
    o.seconds.append(time.perf_counter() - t0)
    if not run2.success:
        o.fail("the second run failed: " + " | ".join(run2.errors)[:2000])
    else:
        a, b = _comparable(out), _comparable(out2)
        if sorted(a) != sorted(b):
            o.fail(f"second run wrote other files: {sorted(set(a) ^ set(b))}")
        differ = [k for k in sorted(set(a) & set(b)) if a[k] != b[k]]
        if differ:
            o.fail(f"second run is not byte-identical in: {differ}")
    return o


def check_outputs(tree: Tree, exp: oracle.Expected, out: Path, run: RunResult) -> list[str]:
    """Every invariant on one run's published outputs; the failures, in words."""
    o = Outcome(tree.seed, tree.features, "", tree=tree)
    _check_figures(o, tree, exp, out)
    _check_incomplete(o, tree, out)
    _check_counts(o, exp, run, out)
    _check_checks(o, run)
    _check_personal_numbers(o, tree, out, run.log_text)
    return o.failures


def _check_figures(o: Outcome, tree: Tree, exp: oracle.Expected, out: Path) -> None:
    recon = _csv(out, RECON)
    got_years = [int(r["year"]) for r in recon if r["appropriation"] == "1:1"]
    if got_years != sorted(exp.reconciliation):
        o.fail(f"{RECON}: years {got_years}, expected {sorted(exp.reconciliation)}")
    by_year = {int(r["year"]): r for r in recon if r["appropriation"] == "1:1"}
    cols = {
        "opening_balance_sek": "opening",
        "allocated_sek": "allocated",
        "paid_sek": "paid",
        "closing_balance_sek": "closing",
        "withdrawn_sek": "withdrawn",
        "carried_over_sek": "carried_over",
        "credit_limit_sek": "credit_limit",
    }
    previous_carried = 0
    for y, want in sorted(exp.reconciliation.items()):
        row = by_year.get(y)
        if row is None:
            continue
        for col, attr in cols.items():
            if _ore(row[col]) != getattr(want, attr):
                o.fail(
                    f"{RECON} {y} {col}: published {row[col]}, expected "
                    f"{Decimal(getattr(want, attr)) / 100:.2f}"
                )
        if row["status"] != want.status:
            o.fail(f"{RECON} {y} status: published {row['status']!r}, expected {want.status!r}")
        # The chain on the published figures themselves.
        g = {c: _ore(row[c]) for c in cols}
        if (
            g["closing_balance_sek"]
            != g["opening_balance_sek"] + g["allocated_sek"] - g["paid_sek"]
        ):
            o.fail(f"{RECON} {y}: closing != opening + allocated - paid")
        if g["carried_over_sek"] != g["closing_balance_sek"] - g["withdrawn_sek"]:
            o.fail(f"{RECON} {y}: carried over != closing - withdrawn")
        if g["opening_balance_sek"] != previous_carried:
            o.fail(f"{RECON} {y}: opening != previous year's carried over")
        previous_carried = g["carried_over_sek"]

    usage = _csv(out, USAGE)
    got_usage: dict[tuple[int, str], int] = {}
    for r in usage:
        if r["appropriation"] == "1:1":
            key = (int(r["year"]), r["instrument"])
            got_usage[key] = got_usage.get(key, 0) + _ore(r["paid_sek"])
    if got_usage != exp.usage:
        o.fail(f"{USAGE}: published {_sek(got_usage)}, expected {_sek(exp.usage)}")
    for y, row in by_year.items():
        s = sum(v for (uy, _), v in got_usage.items() if uy == y)
        if s != _ore(row["paid_sek"]):
            o.fail(f"{y}: sum of usage {s / 100:.2f} != paid {row['paid_sek']}")

    bal = _csv(out, BALANCES)
    got_bal = {r["decision_id"]: (_ore(r["granted_sek"]), _ore(r["paid_sek"])) for r in bal}
    if got_bal != exp.balances:
        diff = {
            k: (got_bal.get(k), exp.balances.get(k))
            for k in set(got_bal) | set(exp.balances)
            if got_bal.get(k) != exp.balances.get(k)
        }
        o.fail(f"{BALANCES} (granted, paid) öre, published vs expected: {diff}")
    for r in bal:
        if _ore(r["remaining_sek"]) != _ore(r["granted_sek"]) - _ore(r["paid_sek"]):
            o.fail(f"{BALANCES} {r['decision_id']}: remaining != granted - paid")
    if sum(p for _, p in got_bal.values()) + exp.orphan_total != exp.all_payouts_total:
        o.fail(
            f"{BALANCES}: paid {sum(p for _, p in got_bal.values())} öre + orphan payouts "
            f"{exp.orphan_total} öre != all payouts {exp.all_payouts_total} öre"
        )

    # The warehouse holds the same figures as the CSVs (money compared in öre, rows as a set).
    for table in (RECON, USAGE, BALANCES):
        rows_csv, rows_sql = _csv(out, table), _sql(out, table)
        money = sorted(c for c in (rows_csv[0] if rows_csv else {}) if c.endswith("_sek"))
        ids = [c for c in ("year", "instrument", "decision_id") if rows_csv and c in rows_csv[0]]

        def key(row: dict, money=money, ids=ids) -> tuple:
            return tuple(str(row.get(c)) for c in ids) + tuple(_ore(row.get(c)) for c in money)

        if sorted(map(key, rows_csv)) != sorted(map(key, rows_sql)):
            o.fail(f"warehouse {table} differs from {table}.csv in {ids + money}")


def _sek(d: dict) -> str:
    return str({k: f"{Decimal(v) / 100:.2f}" for k, v in sorted(d.items())})


def _check_counts(o: Outcome, exp: oracle.Expected, run: RunResult, out: Path) -> None:
    """rows read = validated + quarantined + identical repeats, per source."""
    quarantine = _csv(out, "quarantine")
    per_source: dict[str, int] = {}
    for r in quarantine:
        per_source[r["source"]] = per_source.get(r["source"], 0) + 1
    for source, n in exp.quarantined.items():
        if per_source.get(source, 0) != n:
            o.fail(f"quarantine: {per_source.get(source, 0)} {source} rows, expected {n}")
    for source, n in exp.validated.items():
        rows = run.metadata.get(source, {}).get("rows")
        if rows != n:
            o.fail(f"{source}: {rows} validated rows, expected {n}")
    repeats = run.metadata.get("payouts", {}).get("identical_repeats_merged")
    if repeats != exp.identical_repeats["payouts"]:
        o.fail(
            f"payouts: {repeats} identical repeats merged, expected {exp.identical_repeats['payouts']}"
        )
    years_q = sorted(
        {int(Decimal(r["year"])) for r in quarantine if r["source"] == "payouts" and r["year"]}
    )
    want_q = sorted({b.year for b in o.tree.bad_payouts}) if o.tree else []
    if years_q != want_q:
        o.fail(f"quarantine: payout rows in years {years_q}, expected {want_q}")


def _check_incomplete(o: Outcome, tree: Tree, out: Path) -> None:
    """outputs.md on the published tables alone: a year is `incomplete` exactly when a payout
    row of that year or an earlier one is in quarantine. A quarantined row whose year cannot
    be found makes every year the file's readable rows touch incomplete (issue 13, item 2).

    Any payout row counts, as outputs.md says: the generator writes its unreadable rows on
    1:1, and a row the reader splits wrongly cannot be trusted to say its own appropriation.
    """
    quarantine = [r for r in _csv(out, "quarantine") if r["source"] == "payouts"]
    years = {int(Decimal(r["year"])) for r in quarantine if r["year"]}
    for r in quarantine:
        if not r["year"]:
            name = r["source_file"].removeprefix("payouts/")
            touched = {
                e.booked.year for e in tree.payout_files.get(name, []) if hasattr(e, "booked")
            }
            years |= touched or set(tree.years)
    first = min(years, default=None)
    for row in _csv(out, RECON):
        y = int(row["year"])
        want = first is not None and y >= first
        if want and row["status"] != "incomplete":
            o.fail(
                f"{RECON} {y} is {row['status']!r} though quarantine.csv holds an unreadable "
                f"payout row of {first}: expected 'incomplete'"
            )
        if not want and row["status"] == "incomplete":
            o.fail(f"{RECON} {y} is 'incomplete' with no unreadable payout row of it or before")


def _check_checks(o: Outcome, run: RunResult) -> None:
    for key in (("support_cells", "disclosure_audit"),):
        if run.checks.get(key) is not True:
            o.fail(f"asset check {key[0]}:{key[1]} is {run.checks.get(key)}, expected passed")
    for (asset, name), passed in sorted(run.checks.items()):
        if (
            name in ("nothing_lost", "no_conflicting_vouchers", "every_krona_accounted")
            and not passed
        ):
            o.fail(f"asset check {asset}:{name} failed")


def _check_personal_numbers(o: Outcome, tree: Tree, out: Path, log_text: str) -> None:
    texts = _texts(out)
    texts["Dagster event log"] = log_text
    for org in tree.personal_numbers():
        for spelling in all_spellings(org):
            pattern = re.compile(r"(?<!\d)" + re.escape(spelling) + r"(?!\d)")
            where = [name for name, text in texts.items() if pattern.search(text)]
            if where:
                o.fail(
                    f"a personal identity number (spelled {_shape(spelling)}) appears in {where}"
                )


def _shape(spelling: str) -> str:
    """The spelling's shape, never its digits (this message is itself printed)."""
    return re.sub(r"\d", "N", spelling)


def keep_dir() -> Path | None:
    keep = os.environ.get("GEN_KEEP")
    return Path(keep) if keep else None
