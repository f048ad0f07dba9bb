"""Settings, read once at the edge (CLI, flow entry) from YHDYSPINTA_* variables.

Every setting is checked here, once, so that a bad value is one line naming the variable
(the CLI's `_settings`), never a traceback later. A check's message never holds the value
of a setting that may carry a secret (URLs with passwords, tokens): it names at most the
URL's scheme or driver. The `setting_*` error types have their words in `yhdyspinta.i18n`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, SecretStr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from state.urls import http_url_problem

EARLIEST_TODAY = date(2000, 1, 1)
LATEST_TODAY = date(2199, 12, 31)
"""The days that may be taken as today (`--today`, YHDYSPINTA_TODAY): plans end in 2199."""
MAX_FEED_DAYS = 3660
"""Feeds reach at most ten years back or ahead."""


def _check_http_url(value: str) -> str:
    problem = http_url_problem(value)
    if problem == "scheme":
        raise PydanticCustomError("setting_url_scheme", "only http:// or https:// addresses")
    if problem is not None:
        raise PydanticCustomError("setting_url_malformed", "not a valid http(s) address")
    return value


def _check_database_url(value: str) -> str:
    """Parse the URL and load its dialect and driver now, not at the first query."""
    from sqlalchemy.engine.url import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        url = make_url(value)
    except (ArgumentError, ValueError):
        raise PydanticCustomError(
            "setting_database_malformed",
            "not a database URL such as sqlite:///var/yhdyspinta.db or "
            "postgresql+psycopg://user:password@host/db") from None
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError:
        raise PydanticCustomError("setting_database_dialect", "unknown database {backend!r}",
                                  {"backend": url.get_backend_name()}) from None
    try:
        dialect.import_dbapi()
    except ImportError:
        raise PydanticCustomError("setting_database_driver",
                                  "the database driver {driver!r} is not installed",
                                  {"driver": url.get_driver_name()}) from None
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        _check_folder(Path(url.database).parent)
    return value


def _check_folder(value: Path) -> Path:
    """The folder, if it exists, or its nearest existing parent must be a folder."""
    for candidate in (value, *value.parents):
        try:
            if not candidate.exists():
                continue
        except OSError:
            break  # cannot look (permissions): the first use says so
        if not candidate.is_dir():
            raise PydanticCustomError("setting_not_a_folder", "{path} is not a folder",
                                      {"path": str(candidate)})
        break
    return value


class Settings(BaseSettings):
    """Where definitions, configuration and registry are; every path has a working default."""

    model_config = SettingsConfigDict(env_prefix="YHDYSPINTA_", extra="ignore", frozen=True,
                                      allow_inf_nan=False)

    definitions_dir: Path | None = None
    """Obligation definitions; None = the ones shipped in the package."""
    config_dir: Path | None = None
    """Per-county configuration files; None = no local configuration."""
    registry_dir: Path | None = None
    """Registry CSV folder; None = the shipped classification of `registry_year`."""
    registry_year: int = Field(2026, ge=2000, le=2100)
    """Classification year of the registry."""
    data_dir: Annotated[Path, AfterValidator(_check_folder)] = Path("var")
    """Where the embedded default keeps its SQLite database and exported feeds."""
    database_url: Annotated[str, AfterValidator(_check_database_url)] | None = None
    """SQLAlchemy URL of the status store; None = SQLite in `data_dir`. A secret: never shown."""

    public_url: Annotated[str, AfterValidator(_check_http_url)] = "http://127.0.0.1:8080"
    """Base of the addresses printed for subscribers and in the feed index."""
    feed_past_days: int = Field(180, ge=0, le=MAX_FEED_DAYS)
    """Feeds show duties due from this many days back ..."""
    feed_future_days: int = Field(1100, ge=0, le=MAX_FEED_DAYS)
    """... to this many days ahead."""
    obligation_feed_future_days: int = Field(365, ge=0, le=MAX_FEED_DAYS)
    """The whole country's obligation feeds look only this far ahead (at most two periods
    of a yearly duty: each feed stays under 1 MB)."""
    keep_cancelled_days: int = Field(60, ge=0, le=MAX_FEED_DAYS)
    """A cancelled duty stays in the feeds, marked cancelled, this long."""
    public_feeds: list[str] = []
    """Feed ids served without a token (none by default)."""
    poll_seconds: float = Field(5.0, ge=0, le=3600)
    """How often the feed server looks for changes in the store (0 = on every request)."""
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
    notify_daily_cap: int = Field(3, ge=1, le=100)
    """Messages a day at most to one contact on one channel; a `single` contact's further
    notices that day go into one digest instead of a flood."""
    teams_posts_per_second: float = Field(1.0, gt=0, le=50)
    """Posts a second at most to one Teams workflow address (Teams throttles incoming
    webhooks at 4 a second); a 429's Retry-After is honoured on top of it."""
    status_page_url: str | None = None
    """A status page address for messages; `{party}` and `{occurrence}` are filled in."""
    # issue 14: sign-in
    session_idle_minutes: int = Field(120, ge=1, le=24 * 60)
    """A web session ends after this long without a request."""
    session_hours: int = Field(12, ge=1, le=24 * 30)
    """A web session ends this long after signing in, however active (absolute timeout)."""
    secret_key: SecretStr | None = None
    """Signs the CSRF cookie; None = a new random key per server start (forms then open
    before a restart must be reloaded). A secret: never shown."""
    oidc_issuer: str | None = None
    """The OpenID Connect provider's issuer, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`
    (its discovery document is `{issuer}/.well-known/openid-configuration`); None = sign-in
    by email link only. https, or http on a loopback address (tests)."""
    oidc_client_id: str | None = None
    """This service's client (application) id at the provider."""
    oidc_label: str | None = None
    """The provider's name on the sign-in button, e.g. `Kainuu (Entra ID)`; None = a generic
    label."""
    oidc_client_secret: SecretStr | None = Field(None, validate_default=True)
    """The client secret at the provider. A secret: never shown. Declared after the issuer
    and the client id: its check sees both (the three go together)."""
    mark_done_link_days: int = Field(14, ge=1, le=90)
    """How long the one-click "mark done" link of a reminder email works (it is signed
    with `secret_key`; without one, emails carry only the link to the step's form)."""
    today: date | None = None
    """The day taken as today (for tests and demonstrations); None = the clock's."""

    @field_validator("definitions_dir", "config_dir", "registry_dir", "database_url",
                     "smtp_url", "status_page_url", "secret_key", "oidc_issuer", "oidc_client_id",
                     "oidc_label", "oidc_client_secret", mode="before")
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
        if value is not None:
            _check_http_url(value.format(party="m564", occurrence="x"))
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _oidc_issuer(cls, value: str | None) -> str | None:
        """Https only (http on a loopback address, for a provider in tests); no query."""
        if value is None:
            return None
        _check_http_url(value)
        parts = urlsplit(value)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if (parts.scheme != "https" and not loopback) or parts.query or parts.fragment \
                or parts.username or parts.password:
            raise PydanticCustomError("setting_oidc_issuer", "must be an https:// issuer "
                                      "address without query, fragment or password")
        return value

    @field_validator("oidc_client_secret")
    @classmethod
    def _oidc_together(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        """The issuer, the client id and the client secret are set together or not at all."""
        given = [info.data.get("oidc_issuer") is not None,
                 info.data.get("oidc_client_id") is not None, value is not None]
        if "oidc_issuer" in info.data and any(given) and not all(given):
            raise PydanticCustomError(
                "setting_oidc_incomplete", "YHDYSPINTA_OIDC_ISSUER, YHDYSPINTA_OIDC_CLIENT_ID "
                "and YHDYSPINTA_OIDC_CLIENT_SECRET go together: set all three or none")
        return value

    @field_validator("today")
    @classmethod
    def _today(cls, value: date | None) -> date | None:
        if value is not None and not EARLIEST_TODAY <= value <= LATEST_TODAY:
            raise PydanticCustomError("setting_today_range", "must lie between {first} and "
                                      "{last}", {"first": EARLIEST_TODAY.isoformat(),
                                                 "last": LATEST_TODAY.isoformat()})
        return value

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data folder."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yhdyspinta.db').as_posix()}"
