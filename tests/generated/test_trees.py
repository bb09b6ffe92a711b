"""Generated raw trees, the whole pipeline in-process, invariants checked by an oracle.

- default run: `DEFAULT_TREES` (5) small trees drawn from the features the current code
  reads correctly (`treegen.CURRENT`);
- `-m generated`: the other small trees up to `SMALL_TREES` (25), and `MARKER_TREES` trees
  drawn from the whole contract (`treegen.CONTRACT`);
- `regression_seeds.txt`: seeds that once failed, kept as fixed tests (the small ones in
  the default run, the others with `-m generated`);
- `GEN_SEED=<n>` reproduces one tree (`test_seed_from_env`).

GEN_PROFILE (`current`/`contract`) and GEN_FEATURES (`+name,-name,name=a|b`) change what is
drawn, so a feature can be turned on once the defect it exposes is fixed.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.generated.harness import check_tree, keep_dir
from tests.generated.treegen import Features, features_from_env

# Small trees: DEFAULT_TREES of them in the README's command, SMALL_TREES in all (the rest
# with the `generated` run).
DEFAULT_TREES = int(os.environ.get("GEN_DEFAULT_TREES", "5"))
SMALL_TREES = max(DEFAULT_TREES, int(os.environ.get("GEN_SMALL_TREES", "25")))
MARKER_TREES = int(os.environ.get("GEN_MARKER_TREES", "300"))
# The second run (byte-identical outputs) doubles a tree's cost: it runs on every
# RERUN_EVERY-th tree of the default and marker runs, and always for a single seed.
RERUN_EVERY = int(os.environ.get("GEN_RERUN_EVERY", "3"))
MARKER_FIRST_SEED = int(os.environ.get("GEN_FIRST_SEED", "100000"))
SEEDS_FILE = Path(__file__).with_name("regression_seeds.txt")


def _run(
    seed: int, profile: str, features: Features, size: str, tmp_path: Path, rerun: bool = True
) -> None:
    work = keep_dir() or tmp_path
    t0 = time.perf_counter()
    outcome = check_tree(seed, features, size, work, profile, rerun)
    timings = os.environ.get("GEN_TIMINGS")
    if timings:  # one JSON line per tree, for measuring the cost per tree
        with open(timings, "a", encoding="utf-8") as fh:
            fh.write(
                json.dumps(
                    {
                        "seed": seed,
                        "profile": profile,
                        "size": size,
                        "total_s": round(time.perf_counter() - t0, 2),
                        "runs_s": [round(s, 2) for s in outcome.seconds],
                        "payouts": len(outcome.tree.payouts) if outcome.tree else None,
                        "years": len(outcome.tree.years) if outcome.tree else None,
                        "failed": bool(outcome.failures),
                    }
                )
                + "\n"
            )
    if outcome.failures:
        pytest.fail(outcome.report(), pytrace=False)


def _regression_lines() -> list[tuple[int, str, str, str, str]]:
    """(seed, profile, size, feature changes, xfail reason) per line of the seeds file."""
    out = []
    for line in SEEDS_FILE.read_text(encoding="utf-8").splitlines():
        body, _, xfail = line.split("#", 1)[0].partition("xfail:")
        parts = body.split()
        if parts:
            seed, profile, size, *rest = parts
            out.append((int(seed), profile, size, rest[0] if rest else "", xfail.strip()))
    return out


def _small_seed_list() -> list[int]:
    """The first SMALL_TREES seeds, less those kept in the seeds file (tested there)."""
    kept = {
        s
        for s, profile, size, _, _ in _regression_lines()
        if (profile, size) == ("current", "small")
    }
    return [s for s in range(SMALL_TREES + len(kept)) if s not in kept][:SMALL_TREES]


def _small_seeds() -> list:
    """The first DEFAULT_TREES small trees run by default; the rest of SMALL_TREES (up to
    the old default of 25) only in the `generated` run, to keep the README's command quick."""
    return [
        pytest.param(seed, marks=[] if k < DEFAULT_TREES else [pytest.mark.generated])
        for k, seed in enumerate(_small_seed_list())
    ]


@pytest.mark.parametrize("seed", _small_seeds())
def test_small_tree(seed: int, tmp_path: Path) -> None:
    _run(seed, *features_from_env("current"), "small", tmp_path, seed % RERUN_EVERY == 0)


@pytest.mark.generated
@pytest.mark.parametrize("seed", range(MARKER_FIRST_SEED, MARKER_FIRST_SEED + MARKER_TREES))
def test_contract_tree(seed: int, tmp_path: Path) -> None:
    size = os.environ.get("GEN_SIZE", "any")
    _run(seed, *features_from_env("contract"), size, tmp_path, seed % RERUN_EVERY == 0)


def _regressions() -> list:
    return [
        pytest.param(
            seed,
            profile,
            size,
            changes,
            # A tree of any size (up to 2 000 payouts) is for the `generated` run; a small
            # one stays in the README's command.
            marks=([pytest.mark.xfail(strict=True, reason=xfail)] if xfail else [])
            + ([] if size == "small" else [pytest.mark.generated]),
            id=f"{seed}-{profile}-{size}",
        )
        for seed, profile, size, changes, xfail in _regression_lines()
    ]


@pytest.mark.parametrize(("seed", "profile", "size", "changes"), _regressions())
def test_regression_seed(seed: int, profile: str, size: str, changes: str, tmp_path: Path) -> None:
    from tests.generated.treegen import PROFILES

    # No second run: a regression seed is kept for the invariant it broke, not the rerun.
    _run(seed, profile, PROFILES[profile].with_changes(changes), size, tmp_path, rerun=False)


@pytest.mark.skipif("GEN_SEED" not in os.environ, reason="set GEN_SEED to reproduce one tree")
def test_seed_from_env(tmp_path: Path) -> None:
    seed = int(os.environ["GEN_SEED"])
    _run(seed, *features_from_env("contract"), os.environ.get("GEN_SIZE", "any"), tmp_path)
