"""The reference an engineer would otherwise write: the same work as DuckDB SQL.

Reads the raw tree's CSVs, parses Swedish amounts into integer öre with the same
strictness (a regular expression, then integer arithmetic; never float), merges the
overlapping payout exports by voucher and counts conflicting vouchers, reconciles the
appropriation year chain (recursive CTE: a year opens with what the previous one
carried over), and matches payouts to the authoritative decision snapshot (orphans,
instrument and recipient mismatches, payments outside the project period or after
revocation, decisions paid beyond the grant).

DuckDB reads the Windows-1252 files as `latin-1`: the two agree on every byte the
exports use (å, ä, ö, no-break space); they differ only in 0x80–0x9F.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

AMOUNT_RE = r"^-?(\d{1,3}([ \x{00a0}]\d{3})+|\d+)(,\d{1,2})?$"


def _ore(col: str) -> str:
    """SQL turning a Swedish amount column into BIGINT öre (NULL when malformed).

    Checked against the format first, then read as an exact DECIMAL(18,2): no float.
    """
    clean = f"trim({col})"
    plain = f"replace(replace(replace({clean}, ' ', ''), chr(160), ''), ',', '.')"
    return (
        f"CASE WHEN regexp_matches({clean}, '{AMOUNT_RE}') "
        f"THEN CAST(CAST({plain} AS DECIMAL(18,2)) * 100 AS BIGINT) END"
    )


PAYOUT_COLUMNS = ["Verifikationsnummer", "Bokföringsdatum", "Diarienummer", "Organisationsnummer",
                  "Mottagare", "Insats", "Belopp", "Anslag", "Kommun"]  # fmt: skip
DECISION_COLUMNS = ["Diarienummer", "Beslutsdatum", "Insats", "Organisationsnummer", "Sökande",
                    "Projektnamn", "Beviljat belopp", "Medfinansiering", "Projektstart",
                    "Projektslut", "Prioritering", "Status"]  # fmt: skip
APPROPRIATION_COLUMNS = ["År", "Anslag", "Tilldelat belopp", "Anslagskredit",
                         "Högsta anslagssparande"]  # fmt: skip


def _csv(pattern: Path, columns: list[str]) -> str:
    """read_csv with the spec's columns as text: the layout is known, so no sniffing."""
    spec = ", ".join(f"'{c}': 'VARCHAR'" for c in columns)
    return (
        f"read_csv('{pattern.as_posix()}', delim=';', header=true, encoding='latin-1', "
        f"columns={{{spec}}}, auto_detect=false, filename=true, quote='\"')"
    )


def run_reference(raw: Path, threads: int | None = None) -> dict[str, pd.DataFrame]:
    """Run the reference on `raw`; return the reconciliation and the matching findings."""
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(
        f"""
        CREATE TABLE payouts_typed AS
        SELECT
            trim("Verifikationsnummer") AS voucher_id,
            TRY_STRPTIME(trim("Bokföringsdatum"), '%Y-%m-%d')::DATE AS booking_date,
            NULLIF(trim("Diarienummer"), '') AS decision_id,
            regexp_extract(replace(trim("Organisationsnummer"), ' ', ''),
                           '^(?:16|18|19|20)?(\\d{{6}})[-+]?(\\d{{4}})$', ['a', 'b']) AS org_parts,
            NULLIF(trim("Mottagare"), '') AS recipient_name,
            upper(trim("Insats")) AS instrument,
            {_ore('"Belopp"')} AS amount_ore,
            trim("Anslag") AS appropriation,
            trim("Kommun") AS municipality_code,
            filename AS source_file
        FROM {_csv(raw / "payouts" / "*.csv", PAYOUT_COLUMNS)}
        """
    )
    con.execute(
        """
        CREATE TABLE payouts_valid AS
        SELECT * EXCLUDE (org_parts), org_parts.a || org_parts.b AS org_number,
               year(booking_date) AS year
        FROM payouts_typed
        WHERE voucher_id <> '' AND booking_date IS NOT NULL AND amount_ore IS NOT NULL
          AND org_parts.a <> '' AND instrument <> '' AND appropriation <> ''
          AND regexp_matches(municipality_code, '^\\d{4}$')
        """
    )
    # One row per voucher (the first export by file name); a voucher with two different
    # contents is a conflict.
    con.execute(
        """
        CREATE TABLE payouts AS SELECT * FROM payouts_valid
        QUALIFY row_number() OVER (PARTITION BY voucher_id ORDER BY source_file) = 1
        """
    )
    conflicts = con.execute(
        """
        SELECT count(*) FROM (
            SELECT voucher_id FROM payouts_valid GROUP BY voucher_id
            HAVING count(DISTINCT (booking_date, decision_id, org_number, instrument, amount_ore,
                                   appropriation, municipality_code, recipient_name)) > 1)
        """
    ).fetchone()[0]

    con.execute(
        f"""
        CREATE TABLE appropriations AS
        SELECT CAST(trim("År") AS INTEGER) AS year, trim("Anslag") AS appropriation,
               {_ore('"Tilldelat belopp"')} AS allocated_ore,
               coalesce({_ore('"Anslagskredit"')}, 0) AS credit_limit_ore,
               {_ore('"Högsta anslagssparande"')} AS max_savings_ore
        FROM {_csv(raw / "appropriations" / "*.csv", APPROPRIATION_COLUMNS)}
        """
    )
    reconciliation = con.execute(
        """
        WITH RECURSIVE
        paid AS (
            SELECT year, appropriation, sum(amount_ore)::BIGINT AS paid_ore FROM payouts
            WHERE appropriation IN (SELECT appropriation FROM appropriations)
            GROUP BY ALL
        ),
        years AS (
            SELECT coalesce(a.year, p.year) AS year,
                   coalesce(a.appropriation, p.appropriation) AS appropriation,
                   coalesce(a.allocated_ore, 0) AS allocated_ore,
                   coalesce(a.credit_limit_ore, 0) AS credit_limit_ore,
                   a.max_savings_ore,
                   coalesce(p.paid_ore, 0) AS paid_ore,
                   row_number() OVER (PARTITION BY coalesce(a.appropriation, p.appropriation)
                                      ORDER BY coalesce(a.year, p.year)) AS n
            FROM appropriations a FULL JOIN paid p USING (year, appropriation)
        ),
        chain(n, year, appropriation, opening_balance_ore, allocated_ore, paid_ore,
              closing_balance_ore, withdrawn_ore, carried_over_ore, credit_limit_ore) AS (
            SELECT n, year, appropriation, 0::BIGINT, allocated_ore, paid_ore,
                   allocated_ore - paid_ore,
                   CASE WHEN max_savings_ore IS NOT NULL AND allocated_ore - paid_ore > 0
                        THEN greatest(0, allocated_ore - paid_ore - max_savings_ore) ELSE 0 END,
                   0::BIGINT, credit_limit_ore
            FROM years WHERE n = 1
            UNION ALL
            SELECT y.n, y.year, y.appropriation, c.closing_balance_ore - c.withdrawn_ore,
                   y.allocated_ore, y.paid_ore,
                   c.closing_balance_ore - c.withdrawn_ore + y.allocated_ore - y.paid_ore,
                   CASE WHEN y.max_savings_ore IS NOT NULL
                         AND c.closing_balance_ore - c.withdrawn_ore + y.allocated_ore - y.paid_ore > 0
                        THEN greatest(0, c.closing_balance_ore - c.withdrawn_ore + y.allocated_ore
                                         - y.paid_ore - y.max_savings_ore) ELSE 0 END,
                   0::BIGINT, y.credit_limit_ore
            FROM chain c JOIN years y ON y.appropriation = c.appropriation AND y.n = c.n + 1
        )
        SELECT year, appropriation, opening_balance_ore, allocated_ore, paid_ore,
               closing_balance_ore, withdrawn_ore,
               closing_balance_ore - withdrawn_ore AS carried_over_ore,
               CASE WHEN closing_balance_ore < 0 AND -closing_balance_ore > credit_limit_ore
                        THEN 'credit_breach'
                    WHEN closing_balance_ore < 0 THEN 'deficit_financed_by_next_year'
                    ELSE 'ok' END AS status
        FROM chain ORDER BY appropriation, year
        """
    ).df()

    con.execute(
        f"""
        CREATE TABLE decisions AS
        SELECT trim("Diarienummer") AS decision_id,
               TRY_STRPTIME(trim("Beslutsdatum"), '%Y-%m-%d')::DATE AS decision_date,
               upper(trim("Insats")) AS instrument,
               regexp_replace(trim("Organisationsnummer"), '^(?:16|18|19|20)?(\\d{{6}})[-+]?(\\d{{4}})$',
                              '\\1\\2') AS org_number,
               {_ore('"Beviljat belopp"')} AS granted_ore,
               TRY_STRPTIME(trim("Projektstart"), '%Y-%m-%d')::DATE AS project_start,
               TRY_STRPTIME(trim("Projektslut"), '%Y-%m-%d')::DATE AS project_end,
               trim("Status") AS status,
               regexp_extract(filename, 'beslut_(\\d{{8}})', 1) AS snapshot
        FROM {_csv(raw / "decisions" / "*.csv", DECISION_COLUMNS)}
        """
    )
    matching = con.execute(
        """
        WITH current AS (
            SELECT * FROM decisions WHERE snapshot = (SELECT max(snapshot) FROM decisions)
        ),
        joined AS (
            SELECT p.*, d.decision_id AS found, d.instrument AS d_instrument,
                   d.org_number AS d_org, d.project_start, d.project_end, d.status,
                   d.granted_ore
            FROM payouts p LEFT JOIN current d USING (decision_id)
            WHERE p.appropriation = '1:1'
        ),
        over AS (
            SELECT decision_id FROM joined WHERE found IS NOT NULL
            GROUP BY decision_id, granted_ore HAVING sum(amount_ore) > granted_ore
        )
        SELECT 'orphan_payout' AS rule, count(*) FILTER (WHERE found IS NULL) AS findings
        FROM joined
        UNION ALL SELECT 'instrument_mismatch', count(*) FROM joined
            WHERE found IS NOT NULL AND instrument <> d_instrument
        UNION ALL SELECT 'recipient_mismatch', count(*) FROM joined
            WHERE found IS NOT NULL AND org_number <> d_org
        UNION ALL SELECT 'payout_outside_period', count(*) FROM joined
            WHERE found IS NOT NULL AND amount_ore > 0
              AND (booking_date < project_start OR booking_date > project_end)
        UNION ALL SELECT 'payout_after_revocation', count(*) FROM joined
            WHERE status = 'Återkallad' AND amount_ore > 0
        UNION ALL SELECT 'overpaid_decision', count(*) FROM over
        """
    ).df()
    counts = con.execute(
        "SELECT (SELECT count(*) FROM payouts_typed), (SELECT count(*) FROM payouts), "
        "(SELECT count(*) FROM decisions)"
    ).fetchone()
    con.close()
    summary = pd.DataFrame(
        [
            {
                "payout_rows_read": counts[0],
                "vouchers": counts[1],
                "conflicting_vouchers": conflicts,
                "decision_rows": counts[2],
            }
        ]
    )
    return {"reconciliation": reconciliation, "matching": matching, "summary": summary}


def main() -> int:
    """`python reference.py RAW OUT [THREADS]`: run the reference in a process of its own
    and pickle its tables with its seconds and peak RSS to OUT (`run.py` does this, so
    that the pipeline's peak RSS is the pipeline's and the reference's is the reference's)."""
    import pickle
    import sys
    import time

    raw, out = Path(sys.argv[1]), Path(sys.argv[2])
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else None
    t = time.perf_counter()
    result = run_reference(raw, threads)
    seconds = time.perf_counter() - t
    # VmHWM, the high-water mark of this process's own memory: `ru_maxrss` would start
    # from the parent's resident size at the fork before the exec.
    status = Path("/proc/self/status").read_text().splitlines()
    peak = next((int(x.split()[1]) / 1024 for x in status if x.startswith("VmHWM:")), 0.0)
    out.write_bytes(pickle.dumps({"seconds": seconds, "peak_rss_mb": peak, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
