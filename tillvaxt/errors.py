"""Errors a user can act on.

A user's mistake in an input file must come out as one readable sentence naming the
file, the line, the column, what was expected and what was found, never as a bare
traceback. Everything the pipeline raises about input goes through `InputError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tillvaxt.masking import scrub  # a user's file may hold personal identity numbers


@dataclass
class InputError(Exception):
    """A problem with an input file that the user must fix (or a source system must)."""

    file: str | Path
    expected: str
    found: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}"
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return scrub(f"{where}: expected {self.expected}, found {self.found}")


class ParseError(ValueError):
    """A single value could not be read; the caller adds file, line and column."""

    def __init__(self, expected: str, found: str) -> None:
        super().__init__(f"expected {expected}, found {found}")
        self.expected = expected
        self.found = found


class CannotReconcileError(Exception):
    """A condition that makes a year's figures untrustworthy, so nothing is published."""
