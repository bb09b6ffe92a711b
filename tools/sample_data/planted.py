"""The findings planted in the sample on purpose, declared once, and an independent audit.

`PLANTED` is the single statement of what the sample must contain: the generator refuses
to write a tree whose plants differ from it, `tests/unit/test_findings_sample.py` expects the
pipeline to find exactly these, and `docs/findings.md` shows them as a table made by
`planted_table()` (a test keeps the committed table equal to it).

`audit` re-states the rules on the generator's own model, independently of `tillvaxt`,
so that a careless random date or amount cannot create a finding nobody declared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tools.sample_data.common import CAPS, CHEQUES, luhn_ok, normalise
from tools.sample_data.decisions import DECISIONS_NEW, DECISIONS_OLD, PRIORITIES
from tools.sample_data.model import Decision, Ledger, Payment, Plant
from tools.sample_data.payouts import PAYOUT_FILE_1, PAYOUT_FILE_2, PAYOUT_FILE_2018


@dataclass(frozen=True)
class Planted:
    """One finding the sample carries on purpose, where the pipeline must report it.

    `line` is the physical line of a CSV (header = 1) or the row of an XLSX sheet; for a
    pair (`possible_duplicate_payment`) it is the later voucher's, and `first` names the
    earlier voucher and its line. `voucher` and `decision` are as the row carries them
    (`decision` is None when the row has no case number).
    """

    rule: str
    file: str
    line: int
    why: str
    voucher: str | None = None
    decision: str | None = None
    first: tuple[str, int] | None = None


P17A = PAYOUT_FILE_1
P17B = PAYOUT_FILE_2

# What the sample must contain, in file order: the one list the generator, the tests
# and docs/findings.md take the planted findings from.
PLANTED: tuple[Planted, ...] = (
    Planted("unreadable_row", PAYOUT_FILE_2018, 96, "`Belopp` written `1.250` with a dot; the row cannot be read, so 2018 is `incomplete`.", voucher="V2018-00095", decision="RS180397"),
    Planted("unreadable_row", DECISIONS_OLD, 123, "`Beslutsdatum` `2017-13-01` in the older snapshot; the newest one has it right (2017-12-01).", decision="RS170815"),
    Planted("orphan_payout", P17A, 21, "a manual payment to Företagarna Halland booked without a case number.", voucher="V2017-00020"),
    Planted("invalid_org_number", P17A, 21, "the same manual payment carries Företagarna Halland's organisation number with a wrong check digit.", voucher="V2017-00020"),
    Planted("recipient_mismatch", P17B, 39, "Falkenbergs kommun's project (RS160110) paid to its business company instead.", voucher="V2017-00078", decision="RS160110"),
    Planted("payout_outside_period", P17B, 49, "the incubator's last payment booked after its `Projektslut` 2017-06-30.", voucher="V2017-00088", decision="RS160067"),
    Planted("orphan_payout", P17B, 53, "the case number typed with two digits swapped (RS170172), so no decision has it.", voucher="V2017-00092", decision="RS170172"),
    Planted("possible_duplicate_payment", P17B, 63, "pays the Kungsbacka decision RS170165 125 000 on the same day as V2017-00101 (line 62).", voucher="V2017-00102", decision="RS170165", first=("V2017-00101", 62)),
    Planted("instrument_mismatch", P17B, 76, "an EUMED co-financing payment (RS160150) booked with `Insats` PROJ, so counted under PROJ.", voucher="V2017-00115", decision="RS160150"),
    Planted("payout_after_revocation", P17B, 80, "a FoU advance paid in November 2017 on a decision (RS170759) revoked in 2018.", voucher="V2017-00119", decision="RS170759"),
    Planted("overpaid_decision", DECISIONS_NEW, 34, 'PROJ "Grön näring Halland": 430 000 paid over 2017 and 2018 on 400 000 granted (30 000 too much, in 2018).', decision="RS170066"),
    Planted("eu_project_unknown", DECISIONS_NEW, 53, "`EU-ärende` 20201999 is not in Tillväxtverket's project bank.", decision="RS170230"),
    Planted("unknown_priority", DECISIONS_NEW, 60, '`Prioritering` "Hållbar turism" is no code or name of Halland\'s growth strategy.', decision="RS170303"),
    Planted("eu_project_mismatch", DECISIONS_NEW, 85, "`EU-ärende` 20200940 is a real project, but in Norrbotten, not Halland.", decision="RS170498"),
    Planted("cofinancing_too_low", DECISIONS_NEW, 113, "an energikartläggningscheck granted 6 200 with only 4 800 own co-financing.", decision="RS170737"),
    Planted("cap_exceeded", DECISIONS_NEW, 152, "a 2018 utvecklingscheck granted 120 000, above the 100 000 cap.", decision="RS180193"),
)  # fmt: skip


def priority_known(text: str) -> bool:
    wanted = text.strip().casefold()
    return text.strip() in PRIORITIES or any(
        wanted == name.casefold() for name in PRIORITIES.values()
    )


def audit(ledger: Ledger, eu: dict[str, tuple[str, date, date]]) -> set[tuple[str, str]]:
    """Run the payout/decision rules on the model: (rule, id) for every finding.

    Why: the sample must carry the planted findings and nothing else, so a
    careless random date or amount cannot create a finding nobody documented.
    EGNA/SERV rows are checked too, so either reading of the rules gives the same set.
    """
    found: set[tuple[str, str]] = set()
    decisions = {d.case_id: d for d in ledger.decisions}
    for p in ledger.payments:
        if not p.readable:
            found.add(("unreadable_row", p.voucher))
            continue
        d = decisions.get(p.case_id)
        if not luhn_ok(p.org_text):
            found.add(("invalid_org_number", p.voucher))
        if d is None:
            found.add(("orphan_payout", p.voucher))
            continue
        if d.status == "Återkallad":
            found.add(("payout_after_revocation", p.voucher))
        if normalise(p.org_text) != d.org.number:
            found.add(("recipient_mismatch", p.voucher))
        if p.instrument != d.instrument:
            found.add(("instrument_mismatch", p.voucher))
        if not (d.date <= p.date and d.start <= p.date <= d.end):
            found.add(("payout_outside_period", p.voucher))
    seen: dict[tuple[str, date, Decimal], str] = {}
    for p in ledger.payments:
        if p.readable and p.case_id:
            key = (p.case_id, p.date, p.amount)
            if key in seen:
                found.add(("possible_duplicate_payment", f"{seen[key]}+{p.voucher}"))
            seen[key] = p.voucher
    for d in ledger.decisions:
        paid_all = sum(
            (p.amount for p in ledger.payments if p.case_id == d.case_id and p.readable), Decimal(0)
        )
        paid_11 = sum((p.amount for p in ledger.payments if p.case_id == d.case_id and p.readable and p.anslag == "1:1"), Decimal(0))  # fmt: skip
        if max(paid_all, paid_11) > d.granted:
            found.add(("overpaid_decision", d.case_id))
        if d.instrument in CAPS and d.granted > CAPS[d.instrument]:
            found.add(("cap_exceeded", d.case_id))
        if d.instrument in CHEQUES and (d.cofin or 0) < d.granted:
            found.add(("cofinancing_too_low", d.case_id))
        if not priority_known(d.priority) or (
            d.old_priority and not priority_known(d.old_priority)
        ):
            found.add(("unknown_priority", d.case_id))
        if d.instrument == "EUMED":
            if d.eu_case not in eu:
                found.add(("eu_project_unknown", d.case_id))
            else:
                lan, start, end = eu[d.eu_case]
                if "Halland" not in lan or not (start <= d.start and d.end <= end):
                    found.add(("eu_project_mismatch", d.case_id))
        if d.old_date_text:
            found.add(("unreadable_row", d.case_id))
        if not luhn_ok(d.org.number):
            found.add(("invalid_org_number", d.case_id))
    return found


def plant_ref(plant: Plant) -> str:
    target = plant.target
    if isinstance(target, tuple):
        return "+".join(p.voucher for p in target)
    if isinstance(target, Payment):
        return target.voucher
    return target.case_id


def locate(
    plant: Plant,
    payout_lines: dict[tuple[str, str], int],
    old_lines: dict[str, int],
    new_lines: dict[str, int],
) -> Planted:
    """Where the written tree carries `plant` (header = line 1), as a `Planted` without why.

    A planted payment must sit in one file, and a 2017 one outside the overlap of the two
    2017 exports, so that it is reported on exactly one line.
    """
    target = plant.target
    if isinstance(target, Decision):
        if plant.rule == "unreadable_row":
            return Planted(plant.rule, DECISIONS_OLD, old_lines[target.case_id], "", None, target.case_id)  # fmt: skip
        return Planted(plant.rule, DECISIONS_NEW, new_lines[target.case_id], "", None, target.case_id)  # fmt: skip
    payments = target if isinstance(target, tuple) else (target,)
    last = payments[-1]
    in_2017_files = [
        (name, last.voucher) in payout_lines for name in (PAYOUT_FILE_1, PAYOUT_FILE_2)
    ]
    if last.date.year == 2017 and all(in_2017_files):
        raise RuntimeError(f"planted payment {plant_ref(plant)} sits in the overlap of both 2017 exports")  # fmt: skip
    for name in (PAYOUT_FILE_1, PAYOUT_FILE_2, PAYOUT_FILE_2018):
        found = [payout_lines.get((name, p.voucher)) for p in payments]
        if all(found):
            first = (payments[0].voucher, found[0]) if len(payments) > 1 else None
            return Planted(plant.rule, name, found[-1], "", last.voucher, last.case_id or None, first)  # fmt: skip
    raise RuntimeError(f"planted payment {plant_ref(plant)} in no single file")


def check_plants(located: list[Planted]) -> None:
    """Refuse a tree whose plants differ from `PLANTED` (compared without the why)."""
    declared = [replace(p, why="") for p in PLANTED]
    missing = [p for p in declared if p not in located]
    unplanned = [p for p in located if p not in declared]
    if missing or unplanned or len(located) != len(declared):
        raise RuntimeError(
            f"the generated plants differ from planted.PLANTED: not planted {missing}, "
            f"not declared {unplanned}"
        )


def planted_table() -> str:
    """`PLANTED` as the markdown table of docs/findings.md."""
    rows = ["| rule | where | why it is there |", "| --- | --- | --- |"]
    for p in PLANTED:
        unit = "row" if p.file.endswith(".xlsx") else "line"
        where = f"`{p.file}` {unit} {p.line} ({p.voucher or p.decision})"
        rows.append(f"| `{p.rule}` | {where} | {p.why} |")
    return "\n".join(rows) + "\n"
