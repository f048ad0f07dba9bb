"""`yhdyspinta nightly`: the main job through Prefect, with nothing to start by hand.

Runs the `sync_obligations` flow in Prefect's ephemeral mode (a temporary local API on
SQLite, started and stopped by the flow call), then writes the status report, and says
where everything is. Prefect's settings are given safe defaults for a slow machine before
Prefect is imported; any PREFECT_* variable already set wins.
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from obligations.catalogue import gettext

if TYPE_CHECKING:
    from yhdyspinta.commands import Context

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}


def prefect_environment(data_dir: Path) -> None:
    """Defaults for running Prefect embedded: its home beside our data, no telemetry."""
    home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def cmd_nightly(args: argparse.Namespace, ctx: Context) -> int:
    """Run the nightly flow, write the status report, print where the results are."""
    from sqlalchemy.engine.url import make_url

    from yhdyspinta.commands import UserError, check_filters

    settings = ctx.settings
    check_filters(ctx, argparse.Namespace(region=args.region, municipality=None,
                                          obligation=None))
    outdir = settings.data_dir / "export"
    try:  # a data folder that cannot be written is one line, before Prefect starts
        (settings.data_dir / "prefect").mkdir(parents=True, exist_ok=True)
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{settings.data_dir}: {error.strerror}") from None
    prefect_environment(settings.data_dir)
    from flows.sync_obligations import sync_obligations  # after Prefect's environment

    today = ctx.today(args.today)  # once: the flow and the report must not straddle midnight
    result = sync_obligations(today=today, feeds_dir=str(outdir), feeds_region=args.region)
    synced, feeds = result["sync"], result["feeds"]
    database = make_url(settings.effective_database_url).get_backend_name()
    print(gettext("cli.nightly.done", ctx.lang, database=database, **synced), file=ctx.out)
    report = outdir / "status.csv"
    _write_status(ctx, args.region, today, report)
    print(gettext("cli.nightly.feeds", ctx.lang, path=outdir / "feeds" / "index.html",
            feeds=feeds["feeds"]), file=ctx.out)
    print(gettext("cli.nightly.report", ctx.lang, path=report), file=ctx.out)
    print(gettext("cli.nightly.serve", ctx.lang, command=".venv/bin/yhdyspinta serve",
            url=settings.public_url), file=ctx.out)
    return 0


def _write_status(ctx: Context, region: str | None, today: date, path: Path) -> None:
    """The `status --format csv` table of every duty (overdue first), atomically."""
    from dataclasses import replace

    from yhdyspinta.store_commands import cmd_status

    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as stream:
        cmd_status(argparse.Namespace(today=today, start=None, end=None,
                                      region=region, municipality=None, obligation=None,
                                      overdue=False, format="csv"),
                   replace(ctx, out=stream))
    temporary.chmod(0o644)  # readable by others, like the exported feeds
    temporary.replace(path)
