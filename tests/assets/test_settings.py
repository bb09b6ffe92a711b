"""Settings: read from the environment in one place, flags on top without writing back,
and the masking key a secret handed to the domain when the definitions are built."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dagster import EnvVar

from pipelines.definitions import build_definitions
from pipelines.settings import ENV_MASKING_KEY, settings_from_env
from tillvaxt.masking import DEFAULT_KEY, mask, masking_key

SOLE_TRADER = "8112189876"


def test_flags_override_the_environment_and_are_not_written_back(tmp_path: Path) -> None:
    before = dict(os.environ)
    settings = settings_from_env(
        {"TILLVAXT_RAW_DIR": "/from/env", "TILLVAXT_DATABASE_URL": "sqlite:///env.db"},
        raw_dir=str(tmp_path / "raw"),
        database_url=None,
    )
    assert settings.raw_dir == str(tmp_path / "raw")
    assert settings.database_url == "sqlite:///env.db"  # a flag not given leaves the setting
    assert dict(os.environ) == before


def test_the_masking_key_is_a_secret_handed_to_the_domain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_MASKING_KEY, "a-production-key")
    monkeypatch.setenv("TILLVAXT_PROCESSED_DIR", str(tmp_path / "out"))
    settings = settings_from_env()
    # Given to the resource as the variable, so the UI shows its name, never its value.
    assert isinstance(settings.masking_key, EnvVar)
    default_mask = mask(SOLE_TRADER, DEFAULT_KEY)
    try:
        build_definitions(settings)
        assert masking_key() == b"a-production-key"
        assert mask(SOLE_TRADER) != default_mask
    finally:
        monkeypatch.delenv(ENV_MASKING_KEY)
        build_definitions(settings_from_env())  # back to the suite's (development) key
    assert masking_key() == DEFAULT_KEY
    assert mask(SOLE_TRADER) == default_mask
