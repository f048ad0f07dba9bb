"""What the command modules share: the context, user errors, argument types, tables.

Apart from `yhdyspinta/cli/__init__.py` (which builds the parser from every command
module) so that the command modules need not import it back.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar

from obligations.catalogue import N_, gettext
from obligations.lang import LANGS, Lang
from yhdyspinta import clock

if TYPE_CHECKING:
    from app.inputs import Inputs
    from app.store import Engine
    from obligations.config import Configuration
    from obligations.parties import Registry
    from obligations.schema import ObligationDefinition
    from yhdyspinta.settings import Settings

EXIT_OK = 0
EXIT_INPUT = 1

Handler = Callable[[argparse.Namespace, "Context"], int]
"""What a command runs: its parsed arguments and the context in, the exit code out."""


class UserError(Exception):
    """An error the user can fix; printed as one line, exit code 1."""

    def __init__(self, *lines: str) -> None:
        self.lines = lines
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Context:
    """What every command gets: the chosen language, settings and output stream."""

    lang: Lang
    settings: Settings
    out: IO[str]
    cleanup: list[Callable[[], None]] = field(default_factory=list)
    """Called when the command ends, whatever happened (e.g. closing database engines)."""

    def today(self, given: date | None = None) -> date:
        """`--today` if `given`, else YHDYSPINTA_TODAY, else the date in Finland."""
        return clock.today(given or self.settings.today)

    def registry(self) -> Registry:
        """The registry the settings name."""
        from app.inputs import load_registry

        return load_registry(self.settings)

    def definitions(self, folder: Path | None = None) -> tuple[ObligationDefinition, ...]:
        """The definitions the settings (or `folder`) name."""
        from app.inputs import load_definitions

        return load_definitions(self.settings, folder)

    def configuration(
        self, definitions: Sequence[ObligationDefinition], registry: Registry
    ) -> Configuration:
        """The county configuration the settings name, checked against the rest."""
        from app.inputs import load_configuration

        return load_configuration(self.settings, definitions, registry)

    def inputs(self) -> Inputs:
        """Definitions, registry and configuration, read in the order errors are reported."""
        from app.inputs import Inputs

        registry = self.registry()
        definitions = self.definitions()
        return Inputs(self.settings, definitions, registry,
                      self.configuration(definitions, registry))

    def engine(self, *, check_schema: bool = True) -> Engine:
        """The store's engine, disposed of when the command ends."""
        from app.store import open_engine

        engine = open_engine(self.settings, check_schema=check_schema)
        self.cleanup.append(engine.dispose)
        return engine


class Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line plus the usage, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def subcommands(parser: argparse.ArgumentParser, dest: str, metavar: str = "ACTION") -> Any:
    """A required group of subcommands under `parser`."""
    return parser.add_subparsers(dest=dest, required=True, metavar=metavar, parser_class=Parser)


def command(commands: Any, name: str, key: str, common: argparse.ArgumentParser,
            lang: Lang) -> argparse.ArgumentParser:
    """A command (or group) under `commands`, with `key`'s words as its help and description."""
    words = gettext(key, lang)
    parser: argparse.ArgumentParser = commands.add_parser(name, help=words, parents=[common],
                                                          description=words)
    return parser


def iso_date(lang: Lang) -> Callable[[str], date]:
    """An ISO date (`--from`, `--decided-on`)."""
    def parse(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise argparse.ArgumentTypeError(gettext("cli.error.bad_date", lang,
                                                     value=value)) from None

    return parse


def today_date(lang: Lang) -> Callable[[str], date]:
    """--today: a date that plans, feeds and reminders can count from (2000–2199)."""
    parse_date = iso_date(lang)

    def parse(value: str) -> date:
        from yhdyspinta.settings import EARLIEST_TODAY, LATEST_TODAY

        day = parse_date(value)
        if not EARLIEST_TODAY <= day <= LATEST_TODAY:
            raise argparse.ArgumentTypeError(gettext("cli.error.today_range", lang, value=value,
                                               first=EARLIEST_TODAY.isoformat(),
                                               last=LATEST_TODAY.isoformat()))
        return day

    return parse


Number = TypeVar("Number", int, float)


def _number(lang: Lang, key: str, convert: Callable[[str], Number], low: float,
            high: float) -> Callable[[str], Number]:
    """A number from `low` to `high` (NaN is neither); otherwise `key`'s words, naming it."""
    def parse(value: str) -> Number:
        try:
            number = convert(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise argparse.ArgumentTypeError(gettext(key, lang, value=value))
        return number

    return parse


def seconds(lang: Lang) -> Callable[[str], float]:
    """A number of seconds from 0 to an hour (--poll; 0 = look on every request)."""
    return _number(lang, N_("cli.error.bad_seconds"), float, 0, 3600)


def positive(lang: Lang) -> Callable[[str], int]:
    """A whole number from 1 (`--workers`, `--limit`, `--days`)."""
    return _number(lang, N_("cli.error.not_positive"), int, 1, math.inf)


def port(lang: Lang) -> Callable[[str], int]:
    """A TCP port, 1–65535 (digits only: no sign, space or underscore)."""
    return _number(lang, N_("cli.error.bad_port"), _digits, 1, 65535)


def non_negative(lang: Lang) -> Callable[[str], float]:
    """A finite number from 0 (`--wait`)."""
    return _number(lang, N_("cli.error.not_non_negative"), float, 0, sys.float_info.max)


def _digits(value: str) -> int:
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


def add_common(parser: argparse.ArgumentParser, lang: Lang, default: Any) -> None:
    """The global options, accepted before or after the command."""
    parser.add_argument("--lang", choices=LANGS, default=default,
                        help=gettext("cli.help.lang", lang))
    parser.add_argument("--definitions", type=Path, metavar="DIR", default=default,
                        help=gettext("cli.help.definitions", lang))
    parser.add_argument("--config", type=Path, metavar="DIR", default=default,
                        help=gettext("cli.help.config", lang))
    parser.add_argument("--registry", type=Path, metavar="DIR", default=default,
                        help=gettext("cli.help.registry", lang))
    parser.add_argument("--registry-year", type=int, metavar="YEAR", default=default,
                        help=gettext("cli.help.registry_year", lang))


def add_today(command: argparse.ArgumentParser, lang: Lang) -> None:
    """`--today DATE`."""
    command.add_argument("--today", type=today_date(lang), metavar="DATE",
                         help=gettext("cli.help.today", lang))


def add_window(command: argparse.ArgumentParser, lang: Lang, *, filters: bool = True) -> None:
    """`--from`, `--to`, `--today`, (`--region`, `--municipality`,) `--obligation`."""
    parse_date = iso_date(lang)
    command.add_argument("--from", dest="start", type=parse_date, metavar="DATE",
                         help=gettext("cli.help.from", lang))
    command.add_argument("--to", dest="end", type=parse_date, metavar="DATE",
                         help=gettext("cli.help.to", lang))
    add_today(command, lang)
    if filters:
        command.add_argument("--region", metavar="CODE", help=gettext("cli.help.region", lang))
        command.add_argument("--municipality", metavar="CODE",
                             help=gettext("cli.help.municipality", lang))
    command.add_argument("--obligation", action="append", metavar="ID",
                         help=gettext("cli.help.obligation", lang))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: IO[str]) -> None:
    """Columns padded to their widest cell, a rule under the headers (plain text output)."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)


def local_time(moment: datetime) -> str:
    """A stored timestamp in Finnish time (SQLite returns it without its zone: UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(clock.HELSINKI).isoformat(timespec="seconds")
