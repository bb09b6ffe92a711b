"""τ-ARGUS (pytauargus, a dev dependency) on our tables, as a cross-check: primary cells and
modular secondary suppression, one table at a time.

pytauargus's quirks (see the shared conventions): labels must be ASCII (so every group
value is recoded to a short code and back), codes come back padded with spaces, and
it writes its files into the working directory. So each table runs in a subprocess
whose working directory is a fresh temporary directory:

    python benchmarks/tauargus_check.py MICRO.csv OUT.csv DIM [DIM ...]

reads one row per recipient (the code columns and `paid`, kronor) and writes every
cell with τ-ARGUS's status (`S` safe, `U` primary, `M` secondary, `E` empty).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
TOTAL = "Totalt"
RULES = "P(10,1)|FREQ(3,0)"  # p% with p = 10 and the frequency rule n = 3, as ours


def tau_status(recipients: pd.DataFrame, dims: list[str], suppress: str = "MOD(1)") -> pd.DataFrame:
    """Every cell of the `dims` table over `recipients` (one row each: dims + `net_ore`),
    with τ-ARGUS's status; group values as ours, `Totalt` for a margin."""
    codes = {
        d: {v: f"{d[0]}{i}" for i, v in enumerate(sorted(recipients[d].unique()))} for d in dims
    }
    micro = pd.DataFrame({d: recipients[d].map(codes[d]) for d in dims})
    micro["paid"] = recipients["net_ore"].to_numpy(dtype="int64") / 100.0
    with tempfile.TemporaryDirectory(prefix="tauargus-") as tmp:
        src, dst = Path(tmp) / "micro.csv", Path(tmp) / "out.csv"
        micro.to_csv(src, index=False)
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), str(src), str(dst), suppress, *dims],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"τ-ARGUS failed on {dims}: {done.stderr[-2000:]}")
        out = pd.read_csv(dst, dtype="str")
    for d in dims:
        back = {c: v for v, c in codes[d].items()} | {"Total": TOTAL}
        out[d] = out[d].str.strip().map(back)
    out["freq"] = out["freq"].astype("int64")
    out["status"] = out["status"].str.strip()
    return out[[*dims, "freq", "status"]]


def modular_secondary(recipients: pd.DataFrame, cells: pd.DataFrame) -> pd.Series:
    """τ-ARGUS modular's secondary count per table name, over the tables in `cells`.

    Each year × instrument × table separately (τ-ARGUS has no linked-table mode).
    """
    counts: dict[str, int] = {}
    for (year, inst, table), _ in cells.groupby(["year", "instrument", "table"], sort=False):
        dims = [d.strip() for d in str(table).split("×")] if table != TOTAL else []
        if len(dims) < 2:  # τ-ARGUS modular (HiTaS) needs two dimensions or more
            continue
        mine = recipients[(recipients["year"] == year) & (recipients["instrument"] == inst)]
        if mine.empty:
            continue
        try:
            status = tau_status(mine, dims)
        except RuntimeError:
            # MOD crashes on some small tables (a heap error inside HiTaS); optimal gave
            # the same patterns as modular wherever both ran.
            status = tau_status(mine, dims, suppress="OPT(1)")
        counts[table] = counts.get(table, 0) + int((status["status"] == "M").sum())
    return pd.Series(counts, dtype="int64")


def _main(argv: list[str]) -> None:
    from pytauargus import protect

    src, dst, suppress, *dims = argv
    micro = pd.read_csv(src, dtype={d: "str" for d in dims})
    res = protect(
        micro,
        tables=[dims],
        response="paid",
        safety_rules=RULES,
        suppress=suppress,
        workdir=str(Path(dst).parent / "work"),
    )
    res.tables[0].dataframe().to_csv(dst, index=False)


if __name__ == "__main__":
    _main(sys.argv[1:])
