"""The draws cover the contract, and the harness catches a wrong output.

Cheap tests (the first draws and writes trees without running the pipeline): a
generator that silently stopped drawing a feature, or an invariant check that could
not fail, would make the generated-tree runs prove nothing.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from tests.generated import oracle
from tests.generated.harness import check_outputs, run_pipeline
from tests.generated.treegen import CONTRACT, CURRENT, draw, pnr_spelled, write

MARKER_SEEDS = range(100_000, 100_300)


def test_marker_draws_cover_the_contract(tmp_path: Path) -> None:
    seen: Counter[str] = Counter()
    for seed in MARKER_SEEDS:
        tree = draw(seed, CONTRACT, "any")
        rows = write(tree, tmp_path / str(seed)) if seed % 5 == 0 else None
        exp = oracle.expected(tree, rows) if rows else None
        seen[f"years={len(tree.years)}"] += 1
        n = len(tree.payouts)
        seen["no payouts" if n == 0 else "1500+ payouts" if n >= 1500 else "some payouts"] += 1
        seen.update(f"aim={k}" for k in tree.kinds.values())
        seen["xlsx snapshot"] += any(name.endswith(".xlsx") for name, _ in tree.snapshots)
        seen["several snapshots"] += len(tree.snapshots) > 1
        seen["overlapping exports"] += sum(len(v) for v in tree.payout_files.values()) - len(
            tree.bad_payouts
        ) > len(tree.payouts)
        seen["repayment"] += any(p.amount_ore < 0 for p in tree.payouts)
        seen["revoked"] += any(d.status == "Återkallad" for d in tree.authoritative)
        seen["sole trader"] += any(o.personal for o in tree.orgs)
        seen["eu register"] += bool(tree.eu_projects)
        seen["no eu register"] += not tree.eu_projects
        seen["other funding"] += any(p.appropriation != "1:1" for p in tree.payouts)
        seen["orphan"] += any(p.decision_id == "" for p in tree.payouts)
        seen["unreadable row"] += bool(tree.bad_payouts)
        seen.update(b.why.split("(")[0] for b in tree.bad_payouts)  # amount, date, pnr_amount, huge
        seen["pnr typed with a space"] += any("space" in b.why for b in tree.bad_payouts)
        seen["amount at the bound"] += any(abs(p.amount_ore) >= 10**14 for p in tree.payouts)
        seen["appropriation repeat"] += sum(map(len, tree.appropriation_files.values())) > len(
            tree.allocations
        )
        seen.update(f"profiles {note.split()[-1]}" for note in tree.notes if "density" in note)
        if exp:
            seen.update(f"status={r.status}" for r in exp.reconciliation.values())
            seen["withdrawn"] += any(r.withdrawn > 0 for r in exp.reconciliation.values())
            for w in tree.written:
                seen[f"encoding={w['encoding']}"] += 1
                seen[f"newline={w['newline']!r}"] += 1
                seen.update(
                    k
                    for k in (
                        "shuffled",
                        "padded_header",
                        "trailing_blank_line",
                        "quoted",
                        "quoted_separator",
                    )
                    if w[k]
                )
    want = (
        [f"years={n}" for n in range(1, 6)]
        + ["no payouts", "1500+ payouts", "some payouts"]
        + [f"aim={k}" for k in ("surplus", "deficit", "breach", "above_cap")]
        + [
            f"status={s}"
            for s in ("ok", "deficit_financed_by_next_year", "credit_breach", "incomplete")
        ]
        + [
            "withdrawn",
            "xlsx snapshot",
            "several snapshots",
            "overlapping exports",
            "repayment",
            "revoked",
            "sole trader",
            "eu register",
            "no eu register",
            "other funding",
            "orphan",
            "unreadable row",
            "amount",
            "date",
            "pnr_amount",
            "huge",
            "pnr typed with a space",
            "amount at the bound",
            "appropriation repeat",
            "profiles 0.0",
            "profiles 0.1",
            "profiles 1.0",
        ]
        + [
            "encoding=utf-8",
            "encoding=utf-8-sig",
            "encoding=cp1252",
            "newline='\\r\\n'",
            "newline='\\n'",
            "shuffled",
            "padded_header",
            "trailing_blank_line",
            "quoted",
            "quoted_separator",
        ]
    )
    missing = [k for k in want if seen[k] == 0]
    assert not missing, f"the marker run never draws: {missing} (seen: {dict(seen)})"


@pytest.mark.generated  # a whole run and a check per spoiled output: with the long run
def test_the_checks_catch_a_wrong_output(tmp_path: Path) -> None:
    """One real run, then each published output is spoiled in one way the checks must see."""
    seed = next(
        s
        for s in range(1000)
        if (t := draw(s, CURRENT, "small")).payouts
        and any(o.personal for o in t.orgs)
        and len(t.years) > 1
        and not t.bad_payouts
    )
    tree = draw(seed, CURRENT, "small")
    raw, out = tmp_path / "raw", tmp_path / "out"
    rows = write(tree, raw)
    exp = oracle.expected(tree, rows)
    run = run_pipeline(raw, out)
    assert run.success, run.errors
    assert check_outputs(tree, exp, out, run) == []

    recon = out / "appropriation_reconciliation.csv"
    good = recon.read_bytes()
    table = list(csv.DictReader(good.decode().splitlines()))
    first = table[0]

    def spoiled(column: str, value: str) -> list[str]:
        rows_ = [dict(r) for r in table]
        rows_[0][column] = value
        with recon.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(table[0]))
            w.writeheader()
            w.writerows(rows_)
        try:
            return check_outputs(tree, exp, out, run)
        finally:
            recon.write_bytes(good)

    one_ore_more = str(Decimal(first["paid_sek"]) + Decimal("0.01"))
    assert any("paid_sek" in m for m in spoiled("paid_sek", one_ore_more))
    other = "ok" if first["status"] != "ok" else "credit_breach"
    assert any("status" in m for m in spoiled("status", other))
    assert any("incomplete" in m for m in spoiled("status", "incomplete"))

    # A personal identity number, in any spelling, anywhere in the outputs.
    person = next(o for o in tree.orgs if o.personal)
    html = next(out.glob("*.html"))
    kept = html.read_bytes()
    for spelling in ("space", "century", "plus"):
        html.write_bytes(kept + pnr_spelled(person, spelling).encode())
        assert any("personal identity number" in m for m in check_outputs(tree, exp, out, run))
    html.write_bytes(kept)

    # The warehouse disagreeing with the CSV by one öre.
    con = sqlite3.connect(out / "warehouse.sqlite")
    con.execute("UPDATE appropriation_usage SET paid_sek = paid_sek + 0.01 WHERE rowid = 1")
    con.commit()
    con.close()
    assert any("warehouse appropriation_usage" in m for m in check_outputs(tree, exp, out, run))
