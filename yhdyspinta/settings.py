"""Settings, read once at the edge (CLI, flow entry) from YHDYSPINTA_* variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where definitions, configuration and registry are; every path has a working default."""

    model_config = SettingsConfigDict(env_prefix="YHDYSPINTA_", extra="ignore", frozen=True)

    definitions_dir: Path | None = None
    """Obligation definitions; None = the ones shipped in the package."""
    config_dir: Path | None = None
    """Per-county configuration files; None = no local configuration."""
    registry_dir: Path | None = None
    """Registry CSV folder; None = the shipped classification of `registry_year`."""
    registry_year: int = 2026
    """Classification year of the registry."""
