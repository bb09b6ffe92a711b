"""`statistics_withheld`: a statistics table (or a year of it) withheld whole, and why.

The statistics stage fires it (`tillvaxt.statistics.guard`), never the payout rules:
it is declared here so the catalogue, the asset checks and the docs know it like the
others, and `payout_exceptions` sorts its findings into the same table.
"""

from __future__ import annotations

from tillvaxt.rules.rule import WARNING, Rule

statistics_withheld = Rule(
    "statistics_withheld",
    WARNING,
    "a statistics table (or one year of it) is withheld whole: no safe suppression pattern, a failed audit, or a failed step; the message says why",
    fired_by="tillvaxt.statistics.guard",
)
