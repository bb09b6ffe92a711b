"""How many examples a property test draws.

The README's test command is run every hour, so there each property test draws a
quarter of its examples (at least 25); `.ci/run` runs them again with
`TILLVAXT_TEST_THOROUGH=1`, drawing every one. Hypothesis keeps the failing examples it
found in its database, so a failure found by a thorough run is tried first by the
next quick one.
"""

from __future__ import annotations

import os

THOROUGH = bool(os.environ.get("TILLVAXT_TEST_THOROUGH"))


def examples(thorough: int) -> int:
    """`thorough` examples in a thorough run, a quarter of them (at least 25) otherwise."""
    return thorough if THOROUGH else min(thorough, max(25, thorough // 4))
