"""Settings, read once at the edge (CLI, flow entry) from YHDYSPINTA_* variables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
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
    data_dir: Path = Path("var")
    """Where the embedded default keeps its SQLite database and exported feeds."""
    database_url: str | None = None
    """SQLAlchemy URL of the status store; None = SQLite in `data_dir`. A secret: never shown."""

    public_url: str = "http://127.0.0.1:8080"
    """Base of the addresses printed for subscribers and in the feed index."""
    feed_past_days: int = 180
    """Feeds show duties due from this many days back ..."""
    feed_future_days: int = 1100
    """... to this many days ahead."""
    keep_cancelled_days: int = 60
    """A cancelled duty stays in the feeds, marked cancelled, this long."""
    public_feeds: list[str] = []
    """Feed ids served without a token (none by default)."""
    poll_seconds: float = 5.0
    """How often the feed server looks for changes in the store."""
    smtp_url: SecretStr | None = None
    """The sending mail server as an apprise URL, e.g.
    `mailtos://user:password@smtp.example.fi?from=hyte@example.fi`. A secret: never shown.
    None = no email (Teams only)."""
    notify_workers: int = Field(1, ge=1, le=64)
    """Messages sent at once. A crash repeats at most this many; 1 repeats at most one."""
    notify_max_attempts: int = Field(8, ge=1, le=100)
    """Attempts before a message is given up on (it stays in the outbox, see `outbox`)."""
    notify_retry_seconds: float = Field(30.0, ge=0)
    """Wait after a first failure; doubled after each further one, up to an hour."""
    notify_lease_seconds: float = Field(300.0, ge=0)
    """A message claimed by a dispatcher that died is taken again after this long. Keep it
    well above the longest send (apprise gives up on SMTP after 15 s)."""
    notify_wait_seconds: float = Field(120.0, ge=0)
    """How long `remind` keeps retrying before leaving the rest to its next run."""
    notify_catch_up_days: int = Field(7, ge=0, le=60)
    """A reminder missed (the service was down) is still sent if at most this old."""
    status_page_url: str | None = None
    """A status page address for messages; `{party}` and `{occurrence}` are filled in."""
    today: date | None = None
    """The day taken as today (for tests and demonstrations); None = the clock's."""

    @field_validator("definitions_dir", "config_dir", "registry_dir", "database_url",
                     "smtp_url", "status_page_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`YHDYSPINTA_CONFIG_DIR=` means no configuration, not the current folder."""
        return None if value == "" else value

    @field_validator("status_page_url")
    @classmethod
    def _status_page_fields(cls, value: str | None) -> str | None:
        """Only `{party}` and `{occurrence}` may be filled in."""
        if value is not None:
            try:
                value.format(party="m564", occurrence="x")
            except (KeyError, IndexError, ValueError) as error:
                raise ValueError("may contain only {party} and {occurrence} as fields "
                                 f"({error})") from None
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yhdyspinta.db').as_posix()}"
