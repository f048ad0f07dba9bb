"""`yhdyspinta plan` and `yhdyspinta sync`: the dated duties, and writing them to the store."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, add_window, print_table

if TYPE_CHECKING:
    from app.inputs import Inputs
    from app.planning import PlannedRun
    from app.store import Engine
    from calendars.schedule import Occurrence
    from obligations.parties import Registry
    from obligations.schema import ObligationDefinition


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `plan` and `sync`."""
    plan = commands.add_parser("plan", help=gettext("cli.help.plan", lang), parents=[common],
                               description=gettext("cli.help.plan", lang))
    add_window(plan, lang)
    plan.add_argument("--format", choices=("table", "json", "csv", "summary"), default="table",
                      help=gettext("cli.help.format", lang))
    plan.set_defaults(handler=cmd_plan)

    sync = commands.add_parser("sync", help=gettext("cli.help.sync", lang), parents=[common],
                               description=gettext("cli.help.sync", lang))
    add_window(sync, lang, filters=False)
    sync.set_defaults(handler=cmd_sync)


def checked_filters(ctx: Context, args: argparse.Namespace,
                    ) -> tuple[Registry, tuple[ObligationDefinition, ...]]:
    """The registry and definitions; unknown filters refused, each as one line.

    In this order: --region, --municipality, --obligation.
    """
    from app.inputs import check_obligations, check_parties

    registry = ctx.registry()
    check_parties(registry, region=getattr(args, "region", None),
                  municipality=getattr(args, "municipality", None))
    definitions = ctx.definitions()
    check_obligations(definitions, args.obligation)
    return registry, definitions


def checked_inputs(ctx: Context, args: argparse.Namespace) -> Inputs:
    """`checked_filters` and the county configuration."""
    from app.inputs import Inputs

    registry, definitions = checked_filters(ctx, args)
    return Inputs(ctx.settings, definitions, registry, ctx.configuration(definitions, registry))


def _obligations(args: argparse.Namespace) -> frozenset[str] | None:
    return frozenset(args.obligation) if args.obligation else None


def cmd_plan(args: argparse.Namespace, ctx: Context) -> int:
    """Plan the window and print it as a table, JSON, CSV or a summary."""
    from app.planning import plan_window, stored_approvals, terms_window

    today = ctx.today(args.today)
    inputs = checked_inputs(ctx, args)
    window = terms_window(today, 1, args.start, args.end)
    run = plan_window(inputs, window, today, obligations=_obligations(args), region=args.region,
                      municipality=args.municipality,
                      approvals=stored_approvals(inputs, _obligations(args)))
    _print_plan(args.format, run, ctx)
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    """Plan the window and upsert it into the store; print what changed."""
    from app.planning import SYNC_TERMS, plan_and_sync, terms_window

    today = ctx.today(args.today)
    inputs = checked_inputs(ctx, args)
    terms_window(today, SYNC_TERMS, args.start, args.end)  # a bad window before the store
    _, report = plan_and_sync(ctx.engine(), inputs, today, start=args.start, end=args.end,
                              obligations=_obligations(args))
    print(gettext("cli.sync.report", ctx.lang, new=report.new, changed=report.changed,
            cancelled=report.cancelled, unchanged=report.unchanged), file=ctx.out)
    return EXIT_OK


def sync_store(ctx: Context, today: date) -> tuple[Engine, Inputs]:
    """Sync the default window first: feeds always show the store as the plan makes it.

    The sync covers everything: a narrower plan would cancel what it left out.
    """
    from app.planning import SYNC_TERMS, plan_and_sync, terms_window

    inputs = ctx.inputs()
    terms_window(today, SYNC_TERMS)
    engine = ctx.engine()
    plan_and_sync(engine, inputs, today)
    return engine, inputs


def _print_plan(output_format: str, run: PlannedRun, ctx: Context) -> None:
    import json

    from app.records import CSV_COLUMNS, csv_row, occurrence_record, unanchored_record
    from yhdyspinta.csvsafe import formula_safe_writer

    definitions = {d.id: d for d in run.definitions}
    lang = ctx.lang
    if output_format == "summary":
        _print_summary(run, definitions, ctx)
        return
    records = [occurrence_record(o, definitions[o.obligation], run.registry,
                                 run.non_working_days, lang, run.configuration)
               for o in run.occurrences]
    # Rolling duties with no approval known yet: undated, after the dated ones.
    parties = run.configuration.parties(run.registry)
    records += [unanchored_record(u, definitions[u.obligation], parties, lang)
                for u in run.unanchored]
    if output_format == "json":
        json.dump(records, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
    elif output_format == "csv":
        writer = formula_safe_writer(ctx.out, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(csv_row(r) for r in records)
    else:
        headers = tuple(gettext(k, lang) for k in (
            N_("cli.col.effective"), N_("cli.col.due"), N_("cli.col.obligation"),
            N_("cli.col.party"), N_("cli.col.term_year"), N_("cli.col.shift")))
        rows = [(r["due_effective"] or "–", r["due"] or "–", r["name"], r["party_name"],
                 str(r["term_year"] or "–"), r["shift_reason"] or r.get("due_state_text", ""))
                for r in records]
        print_table(headers, rows, ctx.out)


def _print_summary(run: PlannedRun, definitions: dict[str, ObligationDefinition],
                   ctx: Context) -> None:
    from collections import Counter

    from app.records import party_name
    from calendars.wording import finnish_date

    occurrences: Sequence[Occurrence] = run.occurrences
    registry, window, today = run.registry, run.window, run.today
    lang, out = ctx.lang, ctx.out
    print(gettext("cli.summary.title", lang, start=finnish_date(window.start),
            end=finnish_date(window.end)), file=out)
    print(gettext("cli.summary.registry", lang, year=registry.year,
            municipalities=len(registry.municipalities), counties=len(registry.counties)),
          file=out)
    steps = sum(len(o.steps) for o in occurrences)
    shifted = sum(o.deadline.shifted for o in occurrences)
    print(gettext("cli.summary.total", lang, count=len(occurrences), steps=steps, shifted=shifted),
          file=out)
    if run.unanchored:
        print(ngettext("cli.summary.unanchored", "cli.summary.unanchored.n", len(run.unanchored),
                       lang, count=len(run.unanchored)), file=out)
    print(file=out)
    print(gettext("cli.summary.by_obligation", lang), file=out)
    counts = Counter(o.obligation for o in occurrences)
    for obligation_id, count in sorted(counts.items()):
        definition = definitions[obligation_id]
        candidate = (" " + gettext("cli.summary.candidate", lang)
                     if definition.status == "candidate" else "")
        print(f"  {count:6d}  {definition.names.get(lang)}{candidate}", file=out)
    print(file=out)
    print(gettext("cli.summary.by_term_year", lang), file=out)
    years = Counter(o.term_year for o in occurrences)
    for year in sorted(years):
        print(f"  {year}: {years[year]}", file=out)
    upcoming: dict[tuple[date, str], list[Occurrence]] = {}
    for occurrence in occurrences:
        if occurrence.deadline.statutory >= today:
            upcoming.setdefault((occurrence.deadline.statutory, occurrence.obligation),
                                []).append(occurrence)
    if upcoming:
        print(file=out)
        print(gettext("cli.summary.next", lang, today=finnish_date(today)), file=out)
        for (due, obligation_id), group in sorted(upcoming.items())[:8]:
            name = definitions[obligation_id].names.get(lang)
            who = (party_name(group[0], registry, lang, run.configuration) if len(group) == 1
                   else ngettext("cli.summary.parties", "cli.summary.parties.n", len(group), lang,
                                 count=len(group)))
            print(f"  {finnish_date(due):>10}  {name} – {who}", file=out)
