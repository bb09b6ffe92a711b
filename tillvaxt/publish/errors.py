"""Which failures are worth repeating, and the one sentence a person can act on.

A publication is whole-or-nothing, so repeating it after a transient fault (the
database restarted, the network dropped, another writer held SQLite's lock) is safe.
Everything else fails the same way every time: a refused connection, a missing or
read-only directory, a file SQLite cannot open, bad input, a bug. Those are not
retried; their sentence is the exception's own message.
"""

from __future__ import annotations

import sqlalchemy as sa

_TRANSIENT = (
    "server closed the connection",
    "connection reset",
    "terminating connection",
    "connection was closed",
    "database is locked",
    "could not serialize access",
    "deadlock detected",
    "the database system is starting up",
    "the database system is shutting down",
)


def root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (`raise ... from ...` or during handling)."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _text(exc: BaseException) -> str:
    if isinstance(exc, sa.exc.DBAPIError) and exc.orig is not None:
        exc = exc.orig
    lines = str(exc).strip().splitlines()
    return lines[0].strip() if lines else type(exc).__name__


def is_transient(exc: BaseException) -> bool:
    """True for a database fault that may pass when the publication is repeated."""
    for e in (exc, root_cause(exc)):
        if isinstance(e, sa.exc.DBAPIError):
            if e.connection_invalidated:
                return True
            if any(marker in _text(e).lower() for marker in _TRANSIENT):
                return True
    return False


def is_configuration(exc: BaseException) -> bool:
    """A problem with the setup (database, directories, permissions), not with the code."""
    root = root_cause(exc)
    return isinstance(root, (OSError, sa.exc.DBAPIError, sa.exc.ArgumentError)) or isinstance(
        exc, (OSError, sa.exc.DBAPIError)
    )


def sentence(exc: BaseException) -> str:
    """One sentence: what failed, in the exception's own words."""
    root = root_cause(exc)
    if isinstance(exc, sa.exc.DBAPIError) or isinstance(root, sa.exc.DBAPIError):
        db = exc if isinstance(exc, sa.exc.DBAPIError) else root
        return f"the warehouse could not be written: {_text(db)}"
    if isinstance(root, OSError):
        return f"a file could not be written: {_text(root)}"
    return f"{type(root).__name__}: {_text(root)}"
