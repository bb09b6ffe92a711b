"""Configuration, in one place: the only module that reads the environment.

Every setting comes from an environment variable with a default that works on a
fresh clone. Relative paths from the environment are taken from the working
directory; the defaults are anchored at the project root so `dagster dev` and the
CLI agree wherever they are started. The masking key is a secret: it is handed to
the resource as `EnvVar`, so the UI shows the variable's name, never its value.

| variable | what | default |
| --- | --- | --- |
| `TILLVAXT_RAW_DIR` | the raw tree | `data/raw` |
| `TILLVAXT_PROCESSED_DIR` | published files | `data/processed` |
| `TILLVAXT_DATABASE_URL` | the warehouse | SQLite in the processed directory |
| `TILLVAXT_REGION_FILE` | the region's TOML | Halland's |
| `TILLVAXT_MASKING_KEY` | key for masking personal identity numbers | a development key |
| `TILLVAXT_REGIONS_ROOT` | national: one raw tree per region under it | unset (one region) |
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dagster import EnvVar

from assets.resources import TillvaxtSettings

PROJECT_ROOT = Path(__file__).resolve().parents[1]

ENV_RAW_DIR = "TILLVAXT_RAW_DIR"
ENV_PROCESSED_DIR = "TILLVAXT_PROCESSED_DIR"
ENV_DATABASE_URL = "TILLVAXT_DATABASE_URL"
ENV_REGION_FILE = "TILLVAXT_REGION_FILE"
ENV_REGIONS_ROOT = "TILLVAXT_REGIONS_ROOT"
ENV_MASKING_KEY = "TILLVAXT_MASKING_KEY"


def settings_from_env(env: Mapping[str, str] | None = None, **overrides: str) -> TillvaxtSettings:
    """The settings as the environment gives them, with `overrides` (the CLI's flags) on top."""
    env = os.environ if env is None else env
    values = {
        "raw_dir": env.get(ENV_RAW_DIR) or str(PROJECT_ROOT / "data" / "raw"),
        "processed_dir": env.get(ENV_PROCESSED_DIR) or str(PROJECT_ROOT / "data" / "processed"),
        "database_url": env.get(ENV_DATABASE_URL, ""),
        "region_file": env.get(ENV_REGION_FILE, ""),
        "regions_root": env.get(ENV_REGIONS_ROOT, ""),
    }
    if env.get(ENV_MASKING_KEY):
        # From the process environment: resolved when the resource is, never stored.
        values["masking_key"] = (
            EnvVar(ENV_MASKING_KEY) if env is os.environ else env[ENV_MASKING_KEY]
        )
    values.update({k: v for k, v in overrides.items() if v})
    return TillvaxtSettings(**values)


def dagster_home() -> str | None:
    """`DAGSTER_HOME`, where the CLI keeps its run history; None for a throw-away instance."""
    return os.environ.get("DAGSTER_HOME") or None


def in_ci() -> bool:
    """Whether we run under CI (`CI` set, as CI services do): plain progress lines, no bar."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def quiet_dagster() -> None:
    """No telemetry from the CLI's runs."""
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
