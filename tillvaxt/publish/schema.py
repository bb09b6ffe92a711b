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
descriptions are given once by name in `MEANINGS`; a `Column` may override one for
its table. Changing a table here is a migration (docs/warehouse.md): the warehouse
adds a new nullable column by itself and refuses any other difference.
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
}


@dataclass(frozen=True)
class Column:
    """One published column; `description` defaults to the name's entry in `MEANINGS`."""

    name: str
    kind: Kind
    nullable: bool = True
    description: str = ""

    @property
    def text(self) -> str:
        return self.description or MEANINGS[self.name]


@dataclass(frozen=True)
class TableDecl:
    """One published table: its name, one sentence on what a row is, and its columns."""

    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


MONEY, INT, RATIO, DATE, TEXT, BOOL = (
    Kind.MONEY,
    Kind.INTEGER,
    Kind.RATIO,
    Kind.DATE,
    Kind.TEXT,
    Kind.BOOLEAN,
)
GROUP_COLUMNS = ("kon", "bakgrund", "utbildning", "inkomstklass", "aldersgrupp")


def _cols(*spec: tuple) -> tuple[Column, ...]:
    """Columns from (name, kind[, nullable]) tuples; a `Column` passes through."""
    return tuple(s if isinstance(s, Column) else Column(*s) for s in spec)


NOT_NULL = False

TABLES: dict[str, TableDecl] = {
    t.name: t
    for t in (
        TableDecl(
            "appropriation_reconciliation",
            "Appropriation balance per year: opening, allocated, paid, closing, withdrawn, carried over, status.",
            _cols(
                ("year", INT, NOT_NULL),
                ("appropriation", TEXT, NOT_NULL),
                ("opening_balance_sek", MONEY),
                ("allocated_sek", MONEY),
                ("paid_sek", MONEY),
                ("closing_balance_sek", MONEY),
                ("withdrawn_sek", MONEY),
                ("carried_over_sek", MONEY),
                ("credit_limit_sek", MONEY),
                ("savings_cap_sek", MONEY),
                ("status", TEXT, NOT_NULL),
                ("on_allocation_file", BOOL),
            ),
        ),
        TableDecl(
            "appropriation_usage",
            "Net amount paid from each appropriation per year and instrument (the report's table 'Användning av anslag 1:1').",
            _cols(
                ("year", INT, NOT_NULL),
                ("appropriation", TEXT, NOT_NULL),
                ("instrument", TEXT, NOT_NULL),
                ("instrument_name", TEXT),
                ("paid_sek", MONEY),
            ),
        ),
        TableDecl(
            "recipients_by_instrument",
            "Recipients (net payouts > 0), decisions and net SEK per year, instrument and municipality, with county totals.",
            _cols(
                ("year", INT, NOT_NULL),
                ("instrument", TEXT, NOT_NULL),
                ("instrument_name", TEXT),
                ("municipality", TEXT, NOT_NULL),
                ("recipients", INT),
                ("granted_recipients", INT),
                ("decisions", INT),
                ("paid_sek", MONEY),
            ),
        ),
        TableDecl(
            "support_by_priority",
            "Decisions and granted SEK (by decision date) and net SEK paid (by booking date) per year, national priority, strategic choice and growth-strategy priority.",
            _cols(
                ("year", INT, NOT_NULL),
                ("national_priority", TEXT),
                ("goal", TEXT),
                ("strategic_choice", TEXT),
                ("priority_code", TEXT),
                ("priority", TEXT),
                ("decisions", INT),
                ("granted_sek", MONEY),
                ("paid_sek", MONEY),
            ),
        ),
        TableDecl(
            "quarantine",
            "Raw rows that could not be read, with source file, 1-based line and reason.",
            _cols(
                ("source", TEXT, NOT_NULL),
                ("source_file", TEXT, NOT_NULL),
                ("source_line", INT),
                ("year", INT),
                ("appropriation", TEXT),
                ("rule", TEXT),
                ("reason", TEXT, NOT_NULL),
            ),
        ),
        TableDecl(
            "payout_exceptions",
            "Findings of the payout and decision rules: rule, severity, year, voucher, decision, source file and 1-based line, difference in SEK and a message.",
            _cols(
                Column(
                    "year",
                    INT,
                    description="Budget year the finding belongs to; empty when it concerns no single year.",
                ),
                ("rule", TEXT, NOT_NULL),
                ("severity", TEXT, NOT_NULL),
                ("voucher_id", TEXT),
                ("decision_id", TEXT),
                Column(
                    "source_file",
                    TEXT,
                    NOT_NULL,
                    "Raw file the finding points to, relative to the raw directory (a statistics table's name for statistics_withheld).",
                ),
                ("source_line", INT),
                ("difference_sek", MONEY),
                ("message", TEXT, NOT_NULL),
            ),
        ),
        TableDecl(
            "decision_balances",
            "Per decision of the newest snapshot: granted, paid to date over all years, remaining and status.",
            _cols(
                ("decision_id", TEXT, NOT_NULL),
                ("instrument", TEXT),
                Column("granted_sek", MONEY, description="Amount the decision grants, SEK."),
                Column(
                    "paid_sek",
                    MONEY,
                    description="Net amount paid on the decision over all years, SEK.",
                ),
                ("remaining_sek", MONEY),
                Column(
                    "status",
                    TEXT,
                    NOT_NULL,
                    "The balance's status, the first that applies: overpaid, revoked, paid_in_full, closed, not_started, open.",
                ),
                ("decision_status", TEXT),
                ("decision_date", DATE),
                ("org_number", TEXT),
                ("payouts", INT),
                ("last_payout_date", DATE),
                Column(
                    "source_file",
                    TEXT,
                    description="Decision file (the newest snapshot) the decision is on.",
                ),
                Column(
                    "source_line", INT, description="1-based line of the decision in that file."
                ),
            ),
        ),
        TableDecl(
            "support_by_group",
            "Recipients and net SEK per year, instrument (or Alla) and person group, with shares, population baseline and representation ratio; disclosure-controlled (suppressed cells empty).",
            _cols(
                ("year", INT, NOT_NULL),
                Column(
                    "instrument", TEXT, NOT_NULL, "Instrument code, or 'Alla' for every instrument."
                ),
                *((g, TEXT) for g in GROUP_COLUMNS),
                ("recipients", INT),
                ("paid_sek", MONEY),
                ("share_of_recipients", RATIO),
                ("baseline_share", RATIO),
                ("representation_ratio", RATIO),
                ("suppressed", BOOL, NOT_NULL),
            ),
        ),
        TableDecl(
            "survey_estimates",
            "Weighted survey proportions per year, indicator and group with 95 % design-based intervals; estimates on fewer than 41 answers suppressed.",
            _cols(
                ("year", INT, NOT_NULL),
                ("indicator", TEXT, NOT_NULL),
                *((g, TEXT) for g in GROUP_COLUMNS),
                ("n", INT),
                ("estimate", RATIO),
                ("standard_error", RATIO),
                ("ci_low", RATIO),
                ("ci_high", RATIO),
                ("suppressed", BOOL, NOT_NULL),
            ),
        ),
    )
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
    """The SQLAlchemy `Table` of a published table, under `name` (a certified copy's) if given."""
    decl = TABLES[table]
    return sa.Table(
        name or table,
        metadata or sa.MetaData(),
        *(
            sa.Column(c.name, _SQL[c.kind], nullable=c.nullable, comment=c.text)
            for c in decl.columns
        ),
        comment=comment or decl.description,
    )


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
    return {c.name: c.text for c in declared_columns(table)}


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
    ]
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
            f"| `{c.name}` | {c.kind.value} | {'yes' if c.nullable else 'no'} | {_cell(c.text)} |"
            for c in decl.columns
        ]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
