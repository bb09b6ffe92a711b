"""The region the pipeline reports for: county, municipalities and growth strategy.

Every Swedish region reports the same way, so nothing in the code is Halland-only:
the region is data, a TOML file. Halland's ships with the package and is the default;
`TILLVAXT_REGION_FILE` points at another.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

OUTSIDE_COUNTY = "Utanför länet"


@dataclass(frozen=True)
class Priority:
    """One growth-strategy priority, with the choice, goal and national priority above it."""

    code: str
    name: str
    strategic_choice_code: str
    strategic_choice: str
    goal: str
    national_priority_code: str
    national_priority: str


@dataclass(frozen=True)
class Region:
    """A region's configuration; see `regions/halland.toml` for the shape."""

    name: str
    county_code: str
    county_name: str
    county_short: str
    municipalities: dict[str, str]
    priorities: tuple[Priority, ...] = field(default_factory=tuple)

    def municipality_name(self, code: str) -> str:
        """The municipality's name, or `Utanför länet` for a code outside the county."""
        return self.municipalities.get(code, OUTSIDE_COUNTY)

    def match_priority(self, text: str) -> Priority | None:
        """A priority by its code (`SV3.4`) or its name, ignoring case and surrounding space."""
        key = " ".join(text.split()).casefold()
        for p in self.priorities:
            if key in (p.code.casefold(), p.name.casefold()):
                return p
        return None


def region_from_toml(text: str) -> Region:
    """Build a `Region` from the TOML text of a region file."""
    data = tomllib.loads(text)
    nps = data.get("national_priorities", {})
    prios: list[Priority] = []
    for choice in data.get("strategic_choices", []):
        for i, pname in enumerate(choice["priorities"], start=1):
            prios.append(
                Priority(
                    code=f"{choice['code']}.{i}",
                    name=pname,
                    strategic_choice_code=choice["code"],
                    strategic_choice=choice["name"],
                    goal=choice["goal"],
                    national_priority_code=choice["national_priority"],
                    national_priority=nps.get(
                        choice["national_priority"], choice["national_priority"]
                    ),
                )
            )
    return Region(
        name=data["name"],
        county_code=str(data["county_code"]),
        county_name=data["county_name"],
        county_short=data.get("county_short", data["county_name"]),
        municipalities={str(k): v for k, v in data["municipalities"].items()},
        priorities=tuple(prios),
    )


@cache
def load_region(path: str | None = None) -> Region:
    """The configured region: the file at `path`, or Halland when none is given."""
    if path:
        return region_from_toml(Path(path).read_text(encoding="utf-8"))
    text = resources.files("tillvaxt.regions").joinpath("halland.toml").read_text(encoding="utf-8")
    return region_from_toml(text)
