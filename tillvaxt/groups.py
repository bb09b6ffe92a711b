"""The person-group dimensions shared by the recipient profiles, the survey and the population.

Labels are kept exactly as the source files (and Statistics Sweden) write them; the
statistics add `Totalt` for a margin and `Uppgift saknas` for an unknown value.
"""

from __future__ import annotations

TOTAL = "Totalt"
MISSING = "Uppgift saknas"

# Output column → raw column, in the order the tables show them.
DIMENSIONS: dict[str, str] = {
    "kon": "Kön",
    "bakgrund": "Bakgrund",
    "utbildning": "Utbildning",
    "inkomstklass": "Inkomstklass",
    "aldersgrupp": "Åldersgrupp",
}

CATEGORIES: dict[str, list[str]] = {
    "kon": ["K", "M"],
    "bakgrund": [
        "Svensk bakgrund",
        "Utrikes född",
        "Inrikes född med två utrikes födda föräldrar",
    ],
    "utbildning": [
        "Förgymnasial",
        "Gymnasial",
        "Eftergymnasial <3 år",
        "Eftergymnasial ≥3 år",
    ],
    "inkomstklass": ["1", "2", "3", "4", "5"],
    "aldersgrupp": ["-29", "30-44", "45-64", "65-"],
}


def with_missing(dim: str) -> list[str]:
    """A dimension's categories followed by `Uppgift saknas`."""
    return [*CATEGORIES[dim], MISSING]
