"""`yhdyspinta nightly`: the main job through Prefect, with nothing to start by hand.

Runs the `sync_obligations` flow in Prefect's ephemeral mode (a temporary local API on
SQLite, started and stopped by the flow call), then writes the status report, and says
where everything is. Prefect's settings are given safe defaults for a slow machine before
Prefect is imported; any PREFECT_* variable already set wins. Besides `serve`, the one
command module that reaches past the application layer: it starts a flow.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from obligations.catalogue import gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, UserError, add_today

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
}


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `nightly`."""
    nightly = commands.add_parser("nightly", help=gettext("cli.help.nightly", lang),
                                  parents=[common],
                                  description=gettext("cli.help.nightly", lang))
    add_today(nightly, lang)
    nightly.add_argument("--region", metavar="CODE", help=gettext("cli.help.nightly_region", lang))
    nightly.set_defaults(handler=cmd_nightly)


def prefect_environment(data_dir: Path) -> None:
    """Defaults for running Prefect embedded: its home beside our data, no telemetry.

    Prefect reads its own settings only from the environment, before it is imported.
    """
    home = Path(os.environ.setdefault("PREFECT_HOME", str((data_dir / "prefect").resolve())))
    home.mkdir(parents=True, exist_ok=True)
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def cmd_nightly(args: argparse.Namespace, ctx: Context) -> int:
    """Run the nightly flow, write the status report, print where the results are."""
    from app.inputs import check_region
    from app.status import write_status_report
    from app.store import backend_name

    settings = ctx.settings
    registry = ctx.registry()
    check_region(registry, args.region)
    definitions = ctx.definitions()
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
    print(gettext("cli.nightly.done", ctx.lang, database=backend_name(settings), **synced),
          file=ctx.out)
    report = outdir / "status.csv"
    configuration = ctx.configuration(definitions, registry)
    write_status_report(ctx.engine(), configuration.parties(registry), definitions, ctx.lang,
                        today, args.region, report, tracked_from=configuration.tracked_from)
    print(gettext("cli.nightly.feeds", ctx.lang, path=outdir / "feeds" / "index.html",
            feeds=feeds["feeds"]), file=ctx.out)
    print(gettext("cli.nightly.report", ctx.lang, path=report), file=ctx.out)
    print(gettext("cli.nightly.serve", ctx.lang, command=".venv/bin/yhdyspinta serve",
            url=settings.public_url), file=ctx.out)
    return EXIT_OK
