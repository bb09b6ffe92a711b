"""A rule as data: its name, default severity, what makes it fire, and the function.

Each rule is declared where its code is, `@rule(severity, description)` above the
function: the function's name is the rule's name, and the decorated name is the
`Rule` (still called like the function). `tillvaxt.rules.catalogue` lists them in the
published order. Everything that speaks of rules (the findings
table, the asset checks, the docs' rule table) reads that catalogue, so a rule is
named, graded and described in exactly one place.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, fields

import pandas as pd

from tillvaxt.region import Region

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


@dataclass(frozen=True)
class RuleInputs:
    """Everything a rule may read; a rule function names the ones it needs as parameters.

    `eu_projects` is None when no register was delivered; `quarantine` holds the
    unreadable rows of every source.
    """

    payouts: pd.DataFrame
    decisions: pd.DataFrame
    quarantine: pd.DataFrame
    eu_projects: pd.DataFrame | None
    region: Region


INPUT_NAMES = tuple(f.name for f in fields(RuleInputs))


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue.

    `function` takes, by parameter name, the `RuleInputs` it reads and returns findings
    (`tillvaxt.rules.findings`). It is None for a rule another stage fires, named in
    `fired_by` (`statistics_withheld` comes from `tillvaxt.statistics.guard`);
    `payout_exceptions` then only sorts that stage's findings into the table.
    """

    name: str
    severity: str
    description: str
    function: Callable[..., pd.DataFrame] | None = None
    fired_by: str = ""

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.name}: severity {self.severity!r} is not in {SEVERITIES}")
        unknown = [p for p in self.reads if p not in INPUT_NAMES]
        if unknown:
            raise ValueError(f"rule {self.name}: parameters {unknown} are not rule inputs")
        if (self.function is None) == (not self.fired_by):
            raise ValueError(f"rule {self.name}: give either a function or the stage that fires it")

    @property
    def reads(self) -> tuple[str, ...]:
        """The inputs the function reads, in its parameter order."""
        if self.function is None:
            return ()
        return tuple(inspect.signature(self.function).parameters)

    @property
    def where(self) -> str:
        """Where the code that fires the rule lives, for the docs."""
        if self.function is None:
            return self.fired_by
        return f"{self.function.__module__}.{self.function.__name__}"

    def __call__(self, *args: object, **kwargs: object) -> pd.DataFrame:
        """The rule's function on its own arguments (as the rule tests call it)."""
        if self.function is None:
            raise TypeError(f"rule {self.name} is fired by {self.fired_by}, not called")
        return self.function(*args, **kwargs)

    def run(self, inputs: RuleInputs) -> pd.DataFrame:
        """The rule's findings on `inputs`; only for a rule with a function."""
        if self.function is None:
            raise TypeError(f"rule {self.name} is fired by {self.fired_by}, not run on inputs")
        return self.function(**{p: getattr(inputs, p) for p in self.reads})


def rule(severity: str, description: str) -> Callable[[Callable[..., pd.DataFrame]], Rule]:
    """Declare the function below as a rule of that severity, firing when `description`."""

    def declare(function: Callable[..., pd.DataFrame]) -> Rule:
        return Rule(function.__name__, severity, description, function)

    return declare
