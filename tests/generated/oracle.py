"""The expected figures of a generated tree, from the records the generator wrote.

Small, slow and obviously correct: loops over the logical records, integer öre, the
rules as raw-inputs.md and outputs.md state them. It does not import the product's
reconciliation or statistics (nor any of `tillvaxt`), so it cannot share a mistake
with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.generated.treegen import Tree


@dataclass
class YearRow:
    year: int
    opening: int
    allocated: int
    paid: int
    closing: int
    withdrawn: int
    carried_over: int
    credit_limit: int
    status: str


@dataclass
class Expected:
    reconciliation: dict[int, YearRow]
    usage: dict[tuple[int, str], int]  # (year, instrument) -> öre, appropriation 1:1
    balances: dict[str, tuple[int, int]]  # decision id -> (granted, paid) öre
    orphan_total: int  # net öre of readable payouts naming no authoritative decision
    all_payouts_total: int
    quarantined: dict[str, int]  # source -> rows in quarantine
    validated: dict[str, int]  # source -> rows in the validated table
    identical_repeats: dict[str, int]  # source -> identical repeats merged
    incomplete_from: int | None


def expected(tree: Tree, rows_written: dict[str, int]) -> Expected:
    """What a correct pipeline publishes for `tree`."""
    # Readable payouts: one per voucher however many exports repeat it.
    paid_by_year: dict[int, int] = {}
    usage: dict[tuple[int, str], int] = {}
    for p in tree.payouts:
        if p.appropriation != "1:1":
            continue
        y = p.booked.year
        paid_by_year[y] = paid_by_year.get(y, 0) + p.amount_ore
        usage[(y, p.instrument)] = usage.get((y, p.instrument), 0) + p.amount_ore

    # outputs.md: a year with an unreadable 1:1 payout row is incomplete, and so is every
    # later year (its opening balance depends on it).
    bad_years = [b.year for b in tree.bad_payouts if b.appropriation == "1:1"]
    incomplete_from = min(bad_years) if bad_years else None

    # raw-inputs.md: opening = last year's carried over (0 first); closing = opening +
    # allocated - paid; a surplus above the cap is withdrawn; a deficit beyond the credit
    # is a breach.
    recon: dict[int, YearRow] = {}
    carried = 0
    by_year = {a.year: a for a in tree.allocations}
    for y in sorted(set(by_year) | set(paid_by_year)):
        a = by_year.get(y)
        opening = carried
        allocated = a.allocated_ore if a else 0
        credit = (a.credit_ore or 0) if a else 0
        cap = a.cap_ore if a else None
        paid = paid_by_year.get(y, 0)
        closing = opening + allocated - paid
        withdrawn = closing - cap if cap is not None and closing > cap else 0
        carried = closing - withdrawn
        # The first status that applies, in the contract's order.
        status = next(
            name
            for name, applies in (
                ("incomplete", incomplete_from is not None and y >= incomplete_from),
                ("credit_breach", closing < 0 and -closing > credit),
                ("deficit_financed_by_next_year", closing < 0),
                ("ok", True),
            )
            if applies
        )
        recon[y] = YearRow(y, opening, allocated, paid, closing, withdrawn, carried, credit, status)

    # Decision balances: every readable payout (any funding) naming an authoritative
    # decision, over all years.
    balances = {d.id: (d.granted_ore, 0) for d in tree.authoritative}
    orphan = 0
    total = 0
    for p in tree.payouts:
        total += p.amount_ore
        if p.decision_id in balances:
            g, s = balances[p.decision_id]
            balances[p.decision_id] = (g, s + p.amount_ore)
        else:
            orphan += p.amount_ore

    written_readable = rows_written["payouts"] - len(tree.bad_payouts)
    distinct_allocs = len(
        {(a.year, a.allocated_ore, a.credit_ore, a.cap_ore) for a in tree.allocations}
    )
    return Expected(
        reconciliation=recon,
        usage=usage,
        balances=balances,
        orphan_total=orphan,
        all_payouts_total=total,
        quarantined={"payouts": len(tree.bad_payouts), "appropriations": 0, "decisions": 0},
        validated={
            "payouts": len(tree.payouts),
            "decisions": rows_written["decisions"],
            "appropriations": distinct_allocs,
        },
        identical_repeats={
            "payouts": written_readable - len(tree.payouts),
            "appropriations": rows_written["appropriations"] - distinct_allocs,
        },
        incomplete_from=incomplete_from,
    )
