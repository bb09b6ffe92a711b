"""A throwaway PostgreSQL database per test, or a clear skip (a failure in CI).

The server is `TILLVAXT_TEST_POSTGRES_URL` (default: the local one with trust auth).
Each test gets a database of its own, created and dropped here. When no server
answers the tests skip and say why, unless `TILLVAXT_REQUIRE_POSTGRES=1` (set by
`.ci/run`), where a missing server is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _admin_url() -> sa.URL:
    return sa.make_url(os.environ.get("TILLVAXT_TEST_POSTGRES_URL") or DEFAULT_URL)


def _unreachable(reason: str) -> None:
    if os.environ.get("TILLVAXT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required (TILLVAXT_REQUIRE_POSTGRES=1) but {reason}")
    pytest.skip(f"no PostgreSQL for these tests: {reason}")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh, empty database, dropped after the test."""
    admin_url = _admin_url()
    admin = sa.create_engine(
        admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
    )
    name = f"tillvaxt_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        _unreachable(
            f"no server answered at {admin_url.render_as_string(hide_password=True)} "
            f"({str(exc.orig).splitlines()[0] if exc.orig else exc})"
        )
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
