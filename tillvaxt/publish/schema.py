"""The published tables, declared once: columns, types, nullability and descriptions.

Everything a report author meets is derived from this one declaration, never guessed
from a frame's dtypes:

- the warehouse's SQLAlchemy `Table`s (`sa_table`): money NUMERIC(18,2) on
  PostgreSQL and decimal text on SQLite (`tillvaxt.publish.warehouse.Money`), whole
  numbers BIGINT, dates DATE, text TEXT, flags BOOLEAN, ratios FLOAT, with the table
  and column comments below;
- the CSV files' header, in the declared column order (`csv_header`);
- the columns' types, nullability and descriptions the UI shows (`declared_columns`,
  turned into Dagster `TableColumn`s by `assets/_schema.py`);
- the docs' page of published tables (`markdown_tables`).

A column means the same thing in every table (`paid_sek` is always net SEK paid), so
descriptions are given once by name in `MEANINGS`; `"<table>.<column>"` overrides one
for its table. Each table is one line of `TABLE_COLUMNS`, read like SQL. Changing a table here is a migration (docs/warehouse.md): the warehouse
adds a new nullable column by itself and refuses any other difference; `MIGRATIONS`
lists the changes made so far and what an existing warehouse gets from each.

Every money column `x_sek` has an integer companion `x_ore` in the warehouse (not in
the CSV or the UI's column list): exact öre as BIGINT, so `SELECT SUM(paid_ore)` is an
exact integer on SQLite too, where the kronor are decimal text. The companions are
derived, never declared by hand (`ore_column`, `warehouse_columns`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import sqlalchemy as sa

from tillvaxt.publish.sqltypes import Money


class Kind(StrEnum):
    """What a published column holds, as a report author reads it."""

    MONEY = "decimal(18,2)"  # exact SEK, two decimals; never a binary float
    INTEGER = "int64"
    RATIO = "float64"  # shares, estimates and intervals: not money, not exact by nature
    DATE = "date"
    TEXT = "text"
    BOOLEAN = "bool"


_SQL: dict[Kind, sa.types.TypeEngine] = {
    Kind.MONEY: Money(),
    Kind.INTEGER: sa.BigInteger(),
    Kind.RATIO: sa.Float(),
    Kind.DATE: sa.Date(),
    Kind.TEXT: sa.Text(),
    Kind.BOOLEAN: sa.Boolean(),
}

MEANINGS: dict[str, str] = {
    "year": "Budget year (the booking date's year for payouts, the decision date's year for decisions).",
    "appropriation": "Appropriation code; 1:1 is Regionala tillväxtåtgärder (utvecklingsåtgärder from 2022).",
    "opening_balance_sek": "Opening balance in SEK: the previous year's carried-over balance.",
    "allocated_sek": "Amount the state allocated for the year (regleringsbrev), SEK.",
    "paid_sek": "Net amount paid in SEK (repayments and reversals subtracted), exact to the öre.",
    "closing_balance_sek": "Opening + allocated − paid, SEK; negative is a deficit.",
    "withdrawn_sek": "Surplus above the savings cap that is withdrawn (indragning), SEK.",
    "carried_over_sek": "Closing balance less withdrawn: next year's opening balance, SEK.",
    "credit_limit_sek": "Largest deficit that may be financed by next year's allocation (anslagskredit), SEK.",
    "savings_cap_sek": "Largest surplus that may be carried over (anslagssparande), SEK; empty = no cap.",
    "status": "The year's status: ok, deficit_financed_by_next_year, credit_breach, or incomplete (a payout row of the year, or of an earlier year, could not be read).",
    "on_allocation_file": "True when the year is on the allocation file (regleringsbrev).",
    "instrument": "Instrument code (UTV, FOU, ENERGI, PROJ, EUMED, DRIFT).",
    "instrument_name": "Instrument name as the report shows it.",
    "municipality": "Municipality name, 'Utanför länet' for a code outside the county, 'Totalt' for the county row.",
    "recipients": "Distinct organisations whose net payouts in the group and year are above zero.",
    "granted_recipients": "Distinct organisations granted a non-revoked decision dated in the year (county rows).",
    "decisions": "Distinct decisions counted in the row.",
    "granted_sek": "Amount granted by the decisions counted in the row, SEK.",
    "national_priority": "The national strategy's priority the growth-strategy choice serves.",
    "strategic_choice": "The growth strategy's strategic choice.",
    "goal": "The growth strategy's goal above the strategic choice.",
    "priority": "The growth strategy's priority (code and name), 'Uppgift saknas' when none matched.",
    "priority_code": "The priority's code SV<n>.<m>.",
    "source": "The raw source the row came from.",
    "source_file": "Raw file, relative to the raw directory.",
    "source_line": "1-based line in the raw file (header = line 1).",
    "rule": "Name of the rule that fired.",
    "reason": "Why the row could not be read: column, expected and found.",
    "suppressed": "True when the cell is suppressed for disclosure control; its numbers are then empty.",
    "severity": "'error' (act on it before the report is signed) or 'warning' (look at it).",
    "voucher_id": "The payout's voucher number (Verifikationsnummer), when the finding is about a payout.",
    "decision_id": "The decision's case number (Diarienummer).",
    "difference_sek": "The amount the finding is about, SEK (e.g. paid over the grant); empty when none.",
    "message": "What is wrong, in a sentence a controller can act on.",
    "remaining_sek": "Granted less paid to date, SEK; negative when overpaid.",
    "decision_status": "The decision's status in the register (Beviljad, Avslutad, Återkallad).",
    "decision_date": "Date of the decision.",
    "org_number": "The organisation number, NNNNNN-NNNN; a sole trader's personal number is masked.",
    "payouts": "Number of payouts booked on the decision over all years.",
    "last_payout_date": "Booking date of the latest payout on the decision; empty when none.",
    "kon": "Gender group; 'Totalt' is the margin, 'Uppgift saknas' unknown.",
    "bakgrund": "Background group (born in Sweden or abroad); 'Totalt' is the margin.",
    "utbildning": "Education group; 'Totalt' is the margin, 'Uppgift saknas' unknown.",
    "inkomstklass": "Income class; 'Totalt' is the margin, 'Uppgift saknas' unknown.",
    "aldersgrupp": "Age group; 'Totalt' is the margin, 'Uppgift saknas' unknown.",
    "share_of_recipients": "The group's share of the instrument's recipients in the year (0–1).",
    "baseline_share": "The group's share of the population baseline (0–1).",
    "representation_ratio": "share_of_recipients / baseline_share: 1 is proportional representation.",
    "indicator": "The survey indicator: its column name without the Ind_ prefix.",
    "n": "Respondents who answered the indicator in the group.",
    "estimate": "Weighted proportion of respondents with the indicator = 1 (0–1).",
    "standard_error": "Design-based (Taylor-linearised) standard error of the estimate.",
    "ci_low": "Lower end of the 95 % design-based interval.",
    "ci_high": "Upper end of the 95 % design-based interval.",
    "payout_exceptions.year": "Budget year the finding belongs to; empty when it concerns no single year.",
    "payout_exceptions.source_file": "Raw file the finding points to, relative to the raw directory (a statistics table's name for statistics_withheld).",
    "decision_balances.granted_sek": "Amount the decision grants, SEK.",
    "decision_balances.paid_sek": "Net amount paid on the decision over all years, SEK.",
    "decision_balances.status": "The balance's status, the first that applies: overpaid, revoked, paid_in_full, closed, not_started, open.",
    "decision_balances.source_file": "Decision file (the newest snapshot) the decision is on.",
    "decision_balances.source_line": "1-based line of the decision in that file.",
    "support_by_group.instrument": "Instrument code, or 'Alla' for every instrument.",
    "booking_date": "Booking date of the payout (Bokföringsdatum).",
    "recipient_id": "The recipient's organisation number, NNNNNN-NNNN; a sole trader's personal number is masked (PNR-…).",
    "recipient_name": "The recipient's name as the payout export has it; a sole trader's (a person's name) is masked like the number.",
    "usage_vouchers.voucher_id": "The payout's voucher number (Verifikationsnummer).",
    "usage_vouchers.decision_id": "The decision's case number (Diarienummer); empty for a payment on no decision.",
    "usage_vouchers.paid_sek": "Net amount of the voucher in SEK (negative for a repayment or reversal), exact to the öre.",
    "usage_vouchers.source_file": "Payout export the voucher was read from, relative to the raw directory.",
    "usage_vouchers.source_line": "1-based line of the voucher in that export (header = line 1).",
}


SEK_SUFFIX = "_sek"
ORE_SUFFIX = "_ore"


def ore_column(money_column: str) -> str:
    """The warehouse's integer öre companion of a money column: `paid_sek` -> `paid_ore`."""
    return money_column[: -len(SEK_SUFFIX)] + ORE_SUFFIX


def kronor_column(name: str) -> str | None:
    """The money column an öre companion is derived from (None for any other name)."""
    return name[: -len(ORE_SUFFIX)] + SEK_SUFFIX if name.endswith(ORE_SUFFIX) else None


@dataclass(frozen=True)
class Migration:
    """One change of the published tables: what changed, and what an existing warehouse gets."""

    version: str
    change: str
    upgrade: str


# Oldest first. The warehouse applies each by itself when a run (or a certification)
# meets a table from before it (`tillvaxt.publish.warehouse.upgrade_table`).
MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        "2026.12-ore",
        "Every money column `x_sek` gets an integer öre companion `x_ore` (BIGINT) beside it, "
        "so SQL sums money exactly on SQLite as on PostgreSQL.",
        "The column is added to every published table and its certified copy and filled from "
        "`x_sek`, in the transaction of the first run or certification after the upgrade.",
    ),
    Migration(
        "2026.12-vouchers",
        "New table `usage_vouchers` (the vouchers behind appropriation_usage).",
        "Created by the first run; a certified year gets no certified vouchers until it is "
        "certified again (its vouchers are published as computed).",
    ),
)


@dataclass(frozen=True)
class Column:
    """One published column: name, kind, whether it may be empty, and what it means."""

    name: str
    kind: Kind
    nullable: bool
    description: str


@dataclass(frozen=True)
class TableDecl:
    """One published table: its name, one sentence on what a row is, and its columns."""

    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def money_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind is Kind.MONEY]


# Table -> one sentence on what a row is (the SQL table comment and the UI's description).
TABLE_DESCRIPTIONS: dict[str, str] = {
    "appropriation_reconciliation": "Appropriation balance per year: opening, allocated, paid, closing, withdrawn, carried over, status.",
    "appropriation_usage": "Net amount paid from each appropriation per year and instrument (the report's table 'Användning av anslag 1:1').",
    "recipients_by_instrument": "Recipients (net payouts > 0), decisions and net SEK per year, instrument and municipality, with county totals.",
    "support_by_priority": "Decisions and granted SEK (by decision date) and net SEK paid (by booking date) per year, national priority, strategic choice and growth-strategy priority.",
    "quarantine": "Raw rows that could not be read, with source file, 1-based line and reason.",
    "payout_exceptions": "Findings of the payout and decision rules: rule, severity, year, voucher, decision, source file and 1-based line, difference in SEK and a message.",
    "decision_balances": "Per decision of the newest snapshot: granted, paid to date over all years, remaining and status.",
    "support_by_group": "Recipients and net SEK per year, instrument (or Alla) and person group, with shares, population baseline and representation ratio; disclosure-controlled (suppressed cells empty).",
    "survey_estimates": "Weighted survey proportions per year, indicator and group with 95 % design-based intervals; estimates on fewer than 41 answers suppressed.",
    "usage_vouchers": "Every voucher charged to the appropriation (1:1), with booking date, decision, recipient, amount and source line: the underlag of appropriation_usage, to which its amounts sum per year and instrument.",
}

# Table -> its columns in order, as `name kind [not null]` (kinds: the `Kind` names in
# lower case). A column's meaning is `MEANINGS["<table>.<column>"]`, else `MEANINGS[column]`.
TABLE_COLUMNS: dict[str, str] = {
    "appropriation_reconciliation": "year integer not null, appropriation text not null, opening_balance_sek money, allocated_sek money, paid_sek money, closing_balance_sek money, withdrawn_sek money, carried_over_sek money, credit_limit_sek money, savings_cap_sek money, status text not null, on_allocation_file boolean",
    "appropriation_usage": "year integer not null, appropriation text not null, instrument text not null, instrument_name text, paid_sek money",
    "recipients_by_instrument": "year integer not null, instrument text not null, instrument_name text, municipality text not null, recipients integer, granted_recipients integer, decisions integer, paid_sek money",
    "support_by_priority": "year integer not null, national_priority text, goal text, strategic_choice text, priority_code text, priority text, decisions integer, granted_sek money, paid_sek money",
    "quarantine": "source text not null, source_file text not null, source_line integer, year integer, appropriation text, rule text, reason text not null",
    "payout_exceptions": "year integer, rule text not null, severity text not null, voucher_id text, decision_id text, source_file text not null, source_line integer, difference_sek money, message text not null",
    "decision_balances": "decision_id text not null, instrument text, granted_sek money, paid_sek money, remaining_sek money, status text not null, decision_status text, decision_date date, org_number text, payouts integer, last_payout_date date, source_file text, source_line integer",
    "support_by_group": "year integer not null, instrument text not null, kon text, bakgrund text, utbildning text, inkomstklass text, aldersgrupp text, recipients integer, paid_sek money, share_of_recipients ratio, baseline_share ratio, representation_ratio ratio, suppressed boolean not null",
    "survey_estimates": "year integer not null, indicator text not null, kon text, bakgrund text, utbildning text, inkomstklass text, aldersgrupp text, n integer, estimate ratio, standard_error ratio, ci_low ratio, ci_high ratio, suppressed boolean not null",
    "usage_vouchers": "year integer not null, instrument text not null, voucher_id text not null, booking_date date not null, decision_id text, recipient_id text, recipient_name text, paid_sek money not null, source_file text not null, source_line integer not null",
}


def _column(table: str, spec: str) -> Column:
    """One `name kind [not null]` entry of `TABLE_COLUMNS` as a `Column`."""
    name, kind, *rest = spec.split()
    if rest not in ([], ["not", "null"]) or kind.upper() not in Kind.__members__:
        raise ValueError(f"table {table}: cannot read the column declaration {spec!r}")
    text = MEANINGS.get(f"{table}.{name}") or MEANINGS.get(name)
    if not text:
        raise ValueError(f"table {table}: column {name} has no description in MEANINGS")
    if kind.upper() == Kind.MONEY.name and not name.endswith(SEK_SUFFIX):
        raise ValueError(f"table {table}: money column {name} must be named *{SEK_SUFFIX}")
    return Column(name, Kind[kind.upper()], nullable=not rest, description=text)


TABLES: dict[str, TableDecl] = {
    name: TableDecl(
        name, TABLE_DESCRIPTIONS[name], tuple(_column(name, c) for c in spec.split(","))
    )
    for name, spec in TABLE_COLUMNS.items()
}


def declared(table: str) -> TableDecl | None:
    """The declaration of a published table (None for a table that is not published)."""
    return TABLES.get(table)


def sa_table(
    table: str,
    name: str | None = None,
    comment: str | None = None,
    metadata: sa.MetaData | None = None,
) -> sa.Table:
    """The SQLAlchemy `Table` of a published table, under `name` (a certified copy's) if given.

    Each money column is followed by its öre companion, nullable so that it can be added
    to an existing table; it is empty exactly where its kronor column is."""
    decl = TABLES[table]
    columns = []
    for c in decl.columns:
        columns.append(sa.Column(c.name, _SQL[c.kind], nullable=c.nullable, comment=c.description))
        if c.kind is Kind.MONEY:
            columns.append(
                sa.Column(
                    ore_column(c.name),
                    sa.BigInteger(),
                    nullable=True,
                    comment=f"{c.name} in öre, an exact integer (for SUM() in SQL).",
                )
            )
    return sa.Table(
        name or table, metadata or sa.MetaData(), *columns, comment=comment or decl.description
    )


def warehouse_columns(table: str) -> list[str]:
    """The warehouse table's columns in order: the CSV's, each money column followed by its öre."""
    out = []
    for c in TABLES[table].columns:
        out += [c.name, ore_column(c.name)] if c.kind is Kind.MONEY else [c.name]
    return out


def csv_header(table: str) -> list[str]:
    """The published table's columns in order: its CSV header and its warehouse columns."""
    return TABLES[table].column_names


def declared_columns(table: str) -> tuple[Column, ...]:
    """The declared columns of `table` (name, kind, nullable, text), none if undeclared.

    Dagster-free: the assets turn them into `TableColumn`s for the UI."""
    decl = TABLES.get(table)
    return decl.columns if decl else ()


def column_descriptions(table: str) -> dict[str, str]:
    """Column name -> description (empty for a table that is not published)."""
    return {c.name: c.description for c in declared_columns(table)}


def table_descriptions() -> dict[str, str]:
    """Table name -> one sentence, for SQL comments, the UI and the docs."""
    return {name: t.description for name, t in TABLES.items()}


def markdown_tables() -> str:
    """The docs' page of published tables: each table's sentence and its columns."""
    lines = [
        "<!-- Generated from tillvaxt/publish/schema.py by `python -m tillvaxt.docpages`;"
        " do not edit by hand. -->",
        "",
        "# Published tables",
        "",
        "Every table the pipeline publishes, as the warehouse and the CSV files hold it: the",
        "columns in order (the CSV header), their types and whether they may be empty.",
        "`decimal(18,2)` is exact SEK: NUMERIC(18,2) on PostgreSQL, decimal text on SQLite",
        "and plain decimal text (`.` as decimal mark) in the CSV. Changing a table is a",
        "migration: see [the warehouse](warehouse.md).",
        "",
        "**Sums in SQL.** In the warehouse (SQLite and PostgreSQL alike, not in the CSV) every",
        "money column `x_sek` has an integer companion `x_ore` right after it: the same",
        "amount in öre, BIGINT, empty where `x_sek` is. Sum those: `SELECT year,",
        "SUM(paid_ore) FROM appropriation_usage GROUP BY year` is exact on every database,",
        "while `SUM(paid_sek)` on SQLite converts decimal text to binary floating point.",
        "Divide by 100 only for display. (We chose companion columns over öre storage with",
        "a kronor view: the tables, their CSV and every existing query keep their columns.)",
        "",
        "**Migrations so far** (the warehouse applies them by itself):",
        "",
    ]
    lines += [f"- `{m.version}`: {m.change} {m.upgrade}" for m in MIGRATIONS]
    for decl in TABLES.values():
        lines += [
            "",
            f"## `{decl.name}`",
            "",
            decl.description,
            "",
            "| column | type | empty allowed | meaning |",
            "| --- | --- | --- | --- |",
        ]
        lines += [
            f"| `{c.name}` | {c.kind.value} | {'yes' if c.nullable else 'no'} | {_cell(c.description)} |"
            for c in decl.columns
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
