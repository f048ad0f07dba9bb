"""The one clock: "today" is the date in Finland, "now" the instant in UTC.

Every command, the server and the flows take the day from here, so that `plan`, `status`,
`remind` and the pages agree: a deadline is a Finnish date, and on a UTC host at 00:30
Helsinki time it is already tomorrow there. `--today` or `YHDYSPINTA_TODAY`
(`Settings.today`) fixes the day for tests and demonstrations; `now` is never fixed,
because it stamps the audit log, leases and retries, which must be real.

Only the standard library: `notify/`, `web/`, `flows/` and the shell all import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def now() -> datetime:
    """The real instant, timezone-aware, in UTC (never fixed by `--today`)."""
    return datetime.now(UTC)


def finnish_date(instant: datetime) -> date:
    """The date in Finland at `instant` (which must carry its time zone)."""
    if instant.tzinfo is None:
        raise ValueError("a naive datetime has no place in time; give it a time zone")
    return instant.astimezone(HELSINKI).date()


def today(fixed: date | None = None, *, at: datetime | None = None) -> date:
    """`fixed` (`--today`, else `YHDYSPINTA_TODAY`) when given, else the date in Finland.

    `at` is the instant to read instead of the real one (for tests).
    """
    if fixed is not None:
        return fixed
    return finnish_date(now() if at is None else at)
