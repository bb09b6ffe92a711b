"""The region the pipeline reports for: county, municipalities and growth strategy.

Every Swedish region reports the same way, so nothing in the code is Halland-only:
the region is data, a TOML file. Halland's ships with the package and is the default;
the settings (`TILLVAXT_REGION_FILE`) may point at another. A national deployment is
one raw tree per region under one root (`region_ids`), each with its own warehouse.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import sqlalchemy as sa

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
    # Survey indicator (column name without `Ind_`) → the label a report shows; the
    # region's survey decides which indicators exist, so their wording lives here too.
    indicator_labels: dict[str, str] = field(default_factory=dict)

    def indicator_label(self, code: str) -> str:
        """The indicator's label in the reports, or its code when the region names none."""
        return self.indicator_labels.get(code, code)

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
        indicator_labels={str(k): str(v) for k, v in data.get("survey_indicators", {}).items()},
    )


@cache
def load_region(path: str | None = None) -> Region:
    """The configured region: the file at `path`, or Halland when none is given."""
    if path:
        return region_from_toml(Path(path).read_text(encoding="utf-8"))
    text = resources.files("tillvaxt.regions").joinpath("halland.toml").read_text(encoding="utf-8")
    return region_from_toml(text)


# --- a national deployment: one raw tree per region under one root -------------------

# A region's id is its folder name under the root; it becomes a partition key, a
# directory name and (on PostgreSQL) part of a schema name, so it is kept plain.
REGION_ID = re.compile(r"[a-z][a-z0-9_]*")
REGION_FILE_NAME = "region.toml"
REGIONS_ROOT_SETTING = "TILLVAXT_REGIONS_ROOT"
DATABASE_URL_SETTING = "TILLVAXT_DATABASE_URL"


class RegionsError(ValueError):
    """The regions root is not usable as configured; the message says what to change."""


def region_ids(root: Path) -> list[str]:
    """The regions under a national root: its sub-folders, sorted; hidden ones ignored."""
    if not root.is_dir():
        raise RegionsError(f"{REGIONS_ROOT_SETTING}={root} is not a directory")
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    bad = [n for n in names if not REGION_ID.fullmatch(n)]
    if bad:
        raise RegionsError(
            f"{REGIONS_ROOT_SETTING}={root}: region folder names must be lowercase letters, "
            f"digits and _ starting with a letter (e.g. vastra_gotaland); found {bad}"
        )
    if not names:
        raise RegionsError(f"{REGIONS_ROOT_SETTING}={root} holds no region folders")
    return names


def regional_database_url(database_url: str, region_id: str) -> tuple[str, str | None]:
    """The warehouse URL for one region, and the PostgreSQL schema to create, if any.

    `{region}` in the URL is replaced by the region id (a database or SQLite file per
    region). A PostgreSQL URL without it keeps one database with a schema per region,
    `tillvaxt_<region_id>`, chosen through libpq's `options=-csearch_path=...`, so every
    unqualified table name (publishing, certifying, the reports) lands in that schema.
    Any other URL would put every region's tables into one place, which is refused.
    """
    if "{region}" in database_url:
        return database_url.replace("{region}", region_id), None
    url = sa.make_url(database_url)
    if url.get_backend_name() == "postgresql":
        schema = f"tillvaxt_{region_id}"
        return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        ), schema
    raise RegionsError(
        f"{DATABASE_URL_SETTING} must contain {{region}} (or be PostgreSQL, one schema per region) "
        f"when {REGIONS_ROOT_SETTING} is set; otherwise every region would overwrite the same tables"
    )
