"""`yhdyspinta validate` and `yhdyspinta parties`: the definitions and the registry."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, print_table


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `validate` and `parties`."""
    validate = commands.add_parser("validate", help=gettext("cli.help.validate", lang),
                                   parents=[common],
                                   description=gettext("cli.help.validate", lang))
    validate.add_argument("folder", nargs="?", type=Path, metavar="FOLDER",
                          help=gettext("cli.help.validate_folder", lang))
    validate.set_defaults(handler=cmd_validate)

    parties = commands.add_parser("parties", help=gettext("cli.help.parties", lang),
                                  parents=[common],
                                  description=gettext("cli.help.parties", lang))
    parties.add_argument("--format", choices=("table", "json"), default="table",
                         help=gettext("cli.help.format", lang))
    parties.set_defaults(handler=cmd_parties)


def cmd_validate(args: argparse.Namespace, ctx: Context) -> int:
    """Check definitions and configuration; one line per problem."""
    definitions = ctx.definitions(args.folder)
    registry = ctx.registry()
    configuration = ctx.configuration(definitions, registry)
    counted, configs = len(definitions), len(configuration.regions)
    print(gettext("cli.ok.valid", ctx.lang,
                  definitions=ngettext("cli.ok.definitions", "cli.ok.definitions.n", counted,
                                       ctx.lang, count=counted),
                  configs=ngettext("cli.ok.configs", "cli.ok.configs.n", configs, ctx.lang,
                                   count=configs)), file=ctx.out)
    return EXIT_OK


def cmd_parties(args: argparse.Namespace, ctx: Context) -> int:
    """Print the registry: every municipality with its organiser and language status."""
    import json

    registry = ctx.registry()
    if args.format == "json":
        payload = {
            "year": registry.year,
            "regions": [
                {"code": r.code, "name_fi": r.name_fi, "name_sv": r.name_sv,
                 "name_en": r.name_en, "organiser_type": r.organiser_type,
                 "municipalities": [m.code for m in registry.members(r.code)]}
                for r in registry.regions
            ],
            "municipalities": [
                {"code": m.code, "name_fi": m.name_fi, "name_sv": m.name_sv,
                 "region": m.region_code, "language": m.language}
                for m in registry.municipalities
            ],
        }
        json.dump(payload, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    rows = [
        (m.code, m.name(ctx.lang),
         f"{m.region_code} {registry.region(m.region_code).name(ctx.lang)}", m.language)
        for m in registry.municipalities
    ]
    headers = tuple(gettext(k, ctx.lang) for k in (
        N_("cli.col.code"), N_("cli.col.name"), N_("cli.col.organiser"), N_("cli.col.language")))
    print_table(headers, rows, ctx.out)
    return EXIT_OK
