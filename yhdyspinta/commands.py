"""What the command modules share: the context, user errors, filters, planning, tables.

Apart from `cli.py` so that the command modules (`store_commands`, `reminders`, `nightly`,
`deployments`) need not import the CLI module back: only the console script's entry point
imports `yhdyspinta.cli` (tests/unit/test_layers.py).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING

from obligations.catalogue import gettext
from obligations.lang import Lang
from yhdyspinta import clock

if TYPE_CHECKING:
    from calendars.schedule import Occurrence, PlanWindow
    from calendars.workdays import NonWorkingDays
    from obligations.config import Configuration
    from obligations.parties import Registry
    from obligations.schema import ObligationDefinition
    from yhdyspinta.settings import Settings


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
        from obligations.parties import load_registry

        return load_registry(self.settings.registry_dir, year=self.settings.registry_year)

    def definitions(self, folder: Path | None = None) -> tuple[ObligationDefinition, ...]:
        """The definitions the settings (or `folder`) name."""
        from obligations.loader import load_definitions

        return load_definitions(folder or self.settings.definitions_dir)

    def configuration(
        self, definitions: Sequence[ObligationDefinition], registry: Registry
    ) -> Configuration:
        """The county configuration the settings name, checked against the rest."""
        from obligations.loader import load_configuration

        return load_configuration(self.settings.config_dir, definitions, registry)


@dataclass(frozen=True)
class PlannedRun:
    """A plan with everything used to make it (the output needs names and days)."""

    definitions: tuple[ObligationDefinition, ...]
    registry: Registry
    configuration: Configuration
    non_working_days: NonWorkingDays
    window: PlanWindow
    today: date
    occurrences: tuple[Occurrence, ...]


def check_filters(
    ctx: Context, args: argparse.Namespace
) -> tuple[Registry, tuple[ObligationDefinition, ...]]:
    """Refuse unknown --region, --municipality and --obligation values with one line."""
    registry = ctx.registry()
    region, municipality = getattr(args, "region", None), getattr(args, "municipality", None)
    if region is not None and region not in {r.code for r in registry.regions}:
        raise UserError(gettext("cli.error.unknown_region", ctx.lang, code=region))
    if municipality is not None and municipality not in {m.code for m in registry.municipalities}:
        raise UserError(gettext("cli.error.unknown_municipality", ctx.lang, code=municipality))
    definitions = ctx.definitions()
    known = {d.id for d in definitions}
    for obligation in args.obligation or ():
        if obligation not in known:
            raise UserError(gettext("cli.error.unknown_obligation", ctx.lang, code=obligation,
                              known=", ".join(sorted(known))))
    return registry, definitions


def compute_plan(ctx: Context, args: argparse.Namespace, *, terms: int = 1) -> PlannedRun:
    """Plan the window the arguments name; by default `terms` council terms from today's."""
    from calendars.schedule import PlanFilter, PlanningError, PlanWindow, plan
    from calendars.terms import Body, term_containing
    from calendars.workdays import finnish_non_working_days

    today = ctx.today(args.today)
    registry, definitions = check_filters(ctx, args)
    configuration = ctx.configuration(definitions, registry)
    term = term_containing(Body.REGIONAL_COUNCIL, today)
    try:
        if term is None:
            raise PlanningError(f"no council term known for {today.isoformat()}")
        last = term
        for _ in range(terms - 1):
            following = term_containing(Body.REGIONAL_COUNCIL, last.end + timedelta(days=1))
            last = following or last
        window = PlanWindow(args.start or term.start, args.end or last.end)
        non_working_days = finnish_non_working_days(*window.years_needed)
        occurrences = plan(
            definitions, registry, non_working_days, window, configuration,
            PlanFilter(
                obligations=frozenset(args.obligation) if args.obligation else None,
                region=getattr(args, "region", None),
                municipality=getattr(args, "municipality", None),
            ),
        )
    except PlanningError as exc:
        raise UserError(gettext("cli.error.planning", ctx.lang, reason=exc)) from None
    return PlannedRun(definitions, registry, configuration, non_working_days, window, today,
                      occurrences)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: IO[str]) -> None:
    """Columns padded to their widest cell, a rule under the headers (plain text output)."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip(), file=out)
