"""The certified snapshot of a year's open-data export (360Giving), kept in the warehouse.

The 360Giving file is built from the validated decisions and payouts, not from a
published table, so freezing the tables alone would let a late correction change a
certified year's open data. Certifying therefore also keeps the year's package as it
was published (from the warehouse's last publication, so it matches the frozen
tables), and every later publication writes that package for the year, not one built
from the current inputs. Reopening the year deletes it with the rest of the snapshot.
"""

from __future__ import annotations

import hashlib

import simplejson
import sqlalchemy as sa

from tillvaxt.publish.warehouse import has_table

CERTIFIED_OPEN_DATA = sa.Table(
    "certified_open_data",
    sa.MetaData(),
    sa.Column("year", sa.BigInteger, primary_key=True, comment="The certified budget year."),
    sa.Column("file_name", sa.Text, nullable=False, comment="The file as published."),
    sa.Column(
        "package",
        sa.Text,
        nullable=False,
        comment="The 360Giving JSON as published when the year was certified.",
    ),
    sa.Column("sha256", sa.Text, nullable=False, comment="SHA-256 of the package's UTF-8 text."),
    comment="Certified (filed) 360Giving packages per year; written instead of a rebuilt one.",
)


def open_data_name(year: int) -> str:
    """The file name of a year's 360Giving export."""
    return f"360giving_{year}.json"


def freeze_open_data(conn: sa.Connection, year: int, package: str | None) -> bool:
    """Keep `package` (the published JSON text, None if the year had none) as certified."""
    if package is None:
        return False
    simplejson.loads(package)  # a torn or foreign file is refused, not frozen
    CERTIFIED_OPEN_DATA.create(conn, checkfirst=True)
    conn.execute(CERTIFIED_OPEN_DATA.delete().where(CERTIFIED_OPEN_DATA.c.year == year))
    conn.execute(
        CERTIFIED_OPEN_DATA.insert(),
        {
            "year": year,
            "file_name": open_data_name(year),
            "package": package,
            "sha256": hashlib.sha256(package.encode("utf-8")).hexdigest(),
        },
    )
    return True


def drop_open_data(conn: sa.Connection, year: int) -> None:
    """Forget a reopened year's certified package."""
    if has_table(conn, CERTIFIED_OPEN_DATA.name):
        conn.execute(CERTIFIED_OPEN_DATA.delete().where(CERTIFIED_OPEN_DATA.c.year == year))


def certified_packages(conn: sa.Connection) -> dict[int, dict]:
    """Year -> its certified 360Giving package (amounts as exact `Decimal`)."""
    if not has_table(conn, CERTIFIED_OPEN_DATA.name):
        return {}
    rows = conn.execute(sa.select(CERTIFIED_OPEN_DATA.c.year, CERTIFIED_OPEN_DATA.c.package))
    return {int(y): simplejson.loads(text, use_decimal=True) for y, text in rows}
