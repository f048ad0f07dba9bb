"""`yhdyspinta deployments generate`: prefect.yaml from the definitions."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, UserError, command, subcommands


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `deployments generate`."""
    deployments = command(commands, "deployments", N_("cli.help.deployments"), common, lang)
    generate = command(subcommands(deployments, "deployments_command"), "generate",
                       N_("cli.help.deployments_generate"), common, lang)
    generate.add_argument("--output", type=Path, default=Path("prefect.yaml"), metavar="FILE",
                          help=gettext("cli.help.deployments_output", lang))
    generate.add_argument("--check", action="store_true",
                          help=gettext("cli.help.deployments_check", lang))
    generate.set_defaults(handler=cmd_deployments_generate)


def cmd_deployments_generate(args: argparse.Namespace, ctx: Context) -> int:
    """Write prefect.yaml from the definitions, or with --check say whether it is stale."""
    from app.deployments import is_current, write

    definitions = ctx.definitions()
    path: Path = args.output
    try:
        if args.check:
            if not is_current(definitions, path):
                raise UserError(gettext("cli.deployments.stale", ctx.lang, path=path))
            print(ngettext("cli.deployments.current", "cli.deployments.current.n",
                           len(definitions), ctx.lang, path=path, count=len(definitions)),
                  file=ctx.out)
            return EXIT_OK
        write(definitions, path)
    except OSError as error:
        raise UserError(f"{path}: {error.strerror}") from None
    print(ngettext("cli.deployments.written", "cli.deployments.written.n", len(definitions),
                   ctx.lang, path=path, count=len(definitions)), file=ctx.out)
    return EXIT_OK
