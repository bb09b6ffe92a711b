"""Exact money as an SQL type: NUMERIC(18,2) where the database has it, decimal text on SQLite.

SQLite has no exact decimal type (NUMERIC affinity turns 0,10 into a binary double),
so there an amount is stored as its decimal text and read back as `Decimal`.
"""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

from tillvaxt.money import ONE_ORE


class Money(TypeDecorator):
    """Exact SEK: NUMERIC(18,2) where the database has it, decimal text on SQLite."""

    impl = sa.Numeric(18, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.Numeric(18, 2, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        d = Decimal(value).quantize(ONE_ORE)
        return str(d) if dialect.name == "sqlite" else d

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).quantize(ONE_ORE)
