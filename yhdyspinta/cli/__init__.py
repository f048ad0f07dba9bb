"""The `yhdyspinta` command.

Thin shell: read settings and arguments, call the application layer (`app/`), print. The
parser is built from one module per command group, each declaring its own commands and
handlers (`register`); heavy modules are imported inside the handlers so that `--help`
answers at once. Every error a user can cause ends as one clear line on stderr and exit
code 1 (2 for a malformed command line). Only the console script imports this package.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from yhdyspinta.cli import (
    calendars,
    contacts,
    db,
    definitions,
    deployments,
    nightly,
    plan,
    remind,
    serve,
    status,
    step,
    users,
)
from yhdyspinta.cli.common import EXIT_INPUT, EXIT_OK, Context, Parser, UserError, add_common
from yhdyspinta.i18n import choose_lang, problem_line, setting_reason

if TYPE_CHECKING:
    from yhdyspinta.settings import Settings

REGISTER = (definitions.register, plan.register, status.register, step.register,
            contacts.register, calendars.register, serve.register,
            calendars.register_subscribers, nightly.register, remind.register,
            deployments.register, db.register, users.register)
"""Each command group declares its commands; this is the order `--help` lists them in."""


def build_parser(lang: Lang) -> argparse.ArgumentParser:
    """The command line, with help in `lang`."""
    parser = Parser(prog="yhdyspinta", description=gettext("cli.prog", lang))
    add_common(parser, lang, argparse.SUPPRESS)
    # The same options are accepted after the command too (`yhdyspinta plan --lang sv`).
    common = Parser(add_help=False)
    add_common(common, lang, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=Parser)
    for register in REGISTER:
        register(commands, common, lang)
    return parser


def _settings(args: argparse.Namespace, lang: Lang) -> Settings:
    import re

    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    from yhdyspinta.settings import Settings

    overrides = {
        key: value
        for key, value in (("definitions_dir", args.definitions), ("config_dir", args.config),
                           ("registry_dir", args.registry), ("registry_year", args.registry_year))
        if value is not None
    }
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors(include_url=False, include_input=False):
            name = "YHDYSPINTA_" + str(error["loc"][0]).upper() if error["loc"] else \
                "YHDYSPINTA_*"
            lines.append(gettext("cli.error.settings", lang, name=name,
                           reason=setting_reason(error["type"], error.get("ctx") or {},
                                                 error["msg"], lang)))
        raise UserError(*dict.fromkeys(lines)) from None
    except SettingsError as exc:
        # A list setting that is not JSON, e.g. YHDYSPINTA_PUBLIC_FEEDS=pair-205.
        field = re.search(r'field "([a-z_]+)"', str(exc))
        name = "YHDYSPINTA_" + field.group(1).upper() if field else "YHDYSPINTA_*"
        raise UserError(gettext("cli.error.settings", lang, name=name,
                          reason=gettext("cli.error.settings_json", lang))) from None


def main(argv: Sequence[str] | None = None, out: IO[str] | None = None,
         err: IO[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out = out or sys.stdout
    err = err or sys.stderr
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--lang")
    known, _ = pre.parse_known_args(argv)
    lang = choose_lang(known.lang)
    args = build_parser(lang).parse_args(argv)
    for option in ("lang", "definitions", "config", "registry", "registry_year"):
        if not hasattr(args, option):
            setattr(args, option, None)
    if args.lang:
        lang = args.lang
    from obligations.errors import InputError, UnknownPartyError

    try:
        return _run(args, lang, out)
    except InputError as exc:
        for problem in exc.problems:
            print(problem_line(problem, lang), file=err)
        print(ngettext("cli.error.problems", "cli.error.problems.n", len(exc.problems), lang,
                       count=len(exc.problems)), file=err)
        return EXIT_INPUT
    except UnknownPartyError as exc:
        key = (N_("cli.error.unknown_region") if exc.kind == "region"
               else N_("cli.error.unknown_municipality"))
        prefix = gettext("cli.error.prefix", lang)
        print(f"yhdyspinta: {prefix}: {gettext(key, lang, code=exc.code)}", file=err)
        return EXIT_INPUT
    except UserError as exc:
        prefix = gettext("cli.error.prefix", lang)
        for line in exc.lines:
            print(f"yhdyspinta: {prefix}: {line}", file=err)
        return EXIT_INPUT
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error of ours. Silence the final flush.
        sys.stdout = None
        return EXIT_OK


def _run(args: argparse.Namespace, lang: Lang, out: IO[str]) -> int:
    """Run the command; errors of the application and the store become UserError lines."""
    from app.errors import describe

    ctx = Context(lang=lang, settings=_settings(args, lang), out=out)
    try:
        code: int = args.handler(args, ctx)
        return code
    except (InterruptedError, BrokenPipeError, UserError):
        raise
    except Exception as exc:
        lines = describe(exc, lang, ctx.settings)
        if lines is None:
            raise
        raise UserError(*lines) from None
    finally:
        for close in ctx.cleanup:
            close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
