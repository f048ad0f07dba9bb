"""The `yhdyspinta` command.

Thin shell: read settings and arguments, call the pure core, print. Heavy modules are
imported inside the commands so that `--help` answers at once. Every error a user can
cause ends as one clear line on stderr and exit code 1 (2 for a malformed command line).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import LANGS, Lang
from yhdyspinta.commands import Context, PlannedRun, UserError, compute_plan, print_table
from yhdyspinta.i18n import choose_lang, problem_line, setting_reason

if TYPE_CHECKING:
    from calendars.schedule import Occurrence, PlanWindow
    from obligations.config import Configuration
    from obligations.parties import Registry
    from obligations.schema import ObligationDefinition
    from yhdyspinta.settings import Settings

EXIT_OK = 0
EXIT_INPUT = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as one line plus the usage, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def _iso_date(lang: Lang) -> Callable[[str], date]:
    def parse(value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise argparse.ArgumentTypeError(gettext("cli.error.bad_date", lang,
                                                     value=value)) from None

    return parse


def _today(lang: Lang) -> Callable[[str], date]:
    """--today: a date that plans, feeds and reminders can count from (2000–2199)."""
    parse_date = _iso_date(lang)

    def parse(value: str) -> date:
        from yhdyspinta.settings import EARLIEST_TODAY, LATEST_TODAY

        day = parse_date(value)
        if not EARLIEST_TODAY <= day <= LATEST_TODAY:
            raise argparse.ArgumentTypeError(gettext("cli.error.today_range", lang, value=value,
                                               first=EARLIEST_TODAY.isoformat(),
                                               last=LATEST_TODAY.isoformat()))
        return day

    return parse


def _seconds(lang: Lang) -> Callable[[str], float]:
    """A number of seconds from 0 to an hour (--poll; 0 = look on every request)."""

    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not 0 <= number <= 3600:
            raise argparse.ArgumentTypeError(gettext("cli.error.bad_seconds", lang, value=value))
        return number

    return parse


def _positive(lang: Lang) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            number = 0
        if number < 1:
            raise argparse.ArgumentTypeError(gettext("cli.error.not_positive", lang, value=value))
        return number

    return parse


def _port(lang: Lang) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.isdigit() or not 1 <= int(value) <= 65535:
            raise argparse.ArgumentTypeError(gettext("cli.error.bad_port", lang, value=value))
        return int(value)

    return parse


def _non_negative(lang: Lang) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not number >= 0 or number == float("inf"):
            raise argparse.ArgumentTypeError(gettext("cli.error.not_non_negative", lang,
                                                     value=value))
        return number

    return parse


def _add_common(parser: argparse.ArgumentParser, lang: Lang, default: Any) -> None:
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


def build_parser(lang: Lang) -> argparse.ArgumentParser:
    """The command line, with help in `lang`."""
    parser = _Parser(prog="yhdyspinta", description=gettext("cli.prog", lang))
    _add_common(parser, lang, argparse.SUPPRESS)
    # The same options are accepted after the command too (`yhdyspinta plan --lang sv`).
    common = _Parser(add_help=False)
    _add_common(common, lang, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                     parser_class=_Parser)

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

    parse_date = _iso_date(lang)
    parse_today = _today(lang)

    def window_options(command: argparse.ArgumentParser, *, filters: bool = True) -> None:
        command.add_argument("--from", dest="start", type=parse_date, metavar="DATE",
                             help=gettext("cli.help.from", lang))
        command.add_argument("--to", dest="end", type=parse_date, metavar="DATE",
                             help=gettext("cli.help.to", lang))
        command.add_argument("--today", type=parse_today, metavar="DATE",
                             help=gettext("cli.help.today", lang))
        if filters:
            command.add_argument("--region", metavar="CODE", help=gettext("cli.help.region", lang))
            command.add_argument("--municipality", metavar="CODE",
                                 help=gettext("cli.help.municipality", lang))
        command.add_argument("--obligation", action="append", metavar="ID",
                             help=gettext("cli.help.obligation", lang))

    plan = commands.add_parser("plan", help=gettext("cli.help.plan", lang), parents=[common],
                               description=gettext("cli.help.plan", lang))
    window_options(plan)
    plan.add_argument("--format", choices=("table", "json", "csv", "summary"), default="table",
                      help=gettext("cli.help.format", lang))
    plan.set_defaults(handler=cmd_plan)

    sync = commands.add_parser("sync", help=gettext("cli.help.sync", lang), parents=[common],
                               description=gettext("cli.help.sync", lang))
    window_options(sync, filters=False)
    sync.set_defaults(handler=_store("cmd_sync"))

    status = commands.add_parser("status", help=gettext("cli.help.status", lang), parents=[common],
                                 description=gettext("cli.help.status", lang))
    window_options(status)
    status.add_argument("--overdue", action="store_true", help=gettext("cli.help.overdue", lang))
    status.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help=gettext("cli.help.format", lang))
    # `status import FILE.csv [--dry-run] --by NAME` (issue 14.5)
    status.add_argument("action", nargs="?", choices=("import",), metavar="import",
                        help=gettext("cli.help.status_import", lang))
    status.add_argument("file", nargs="?", type=Path, metavar="FILE.csv")
    status.add_argument("--dry-run", action="store_true",
                        help=gettext("cli.help.status_import_dry_run", lang))
    status.add_argument("--by", metavar="NAME", help=gettext("cli.help.by", lang))
    status.set_defaults(handler=_store("cmd_status_or_import", "status_import_command"))

    step = commands.add_parser("step", help=gettext("cli.help.step", lang), parents=[common],
                               description=gettext("cli.help.step", lang))
    step_commands = step.add_subparsers(dest="step_command", required=True, metavar="ACTION",
                                        parser_class=_Parser)
    step_set = step_commands.add_parser("set", help=gettext("cli.help.step_set", lang),
                                        parents=[common],
                                        description=gettext("cli.help.step_set", lang))
    step_set.add_argument("occurrence", metavar="OCCURRENCE")
    step_set.add_argument("step", metavar="STEP")
    step_set.add_argument("status", metavar="STATUS", choices=STEP_STATUSES)
    step_set.add_argument("--evidence", metavar="URL", help=gettext("cli.help.evidence", lang))
    step_set.add_argument("--decided-by", metavar="BODY", help=gettext("cli.help.decided_by", lang))
    step_set.add_argument("--decided-on", type=parse_date, metavar="DATE",
                          help=gettext("cli.help.decided_on", lang))
    step_set.add_argument("--section", metavar="N", help=gettext("cli.help.section", lang))
    step_set.add_argument("--note", metavar="TEXT", help=gettext("cli.help.note", lang))
    step_set.add_argument("--force", action="store_true", help=gettext("cli.help.force", lang))
    step_set.add_argument("--by", required=True, metavar="NAME", help=gettext("cli.help.by", lang))
    step_set.set_defaults(handler=_store("cmd_step_set"))

    audit = commands.add_parser("audit", help=gettext("cli.help.audit", lang), parents=[common],
                                description=gettext("cli.help.audit", lang))
    audit.add_argument("occurrence", nargs="?", metavar="OCCURRENCE")
    audit.add_argument("--format", choices=("table", "json"), default="table",
                       help=gettext("cli.help.format", lang))
    audit.set_defaults(handler=_store("cmd_audit"))

    contacts = commands.add_parser("contacts", help=gettext("cli.help.contacts", lang),
                                   parents=[common],
                                   description=gettext("cli.help.contacts", lang))
    contact_commands = contacts.add_subparsers(dest="contacts_command", required=True,
                                               metavar="ACTION", parser_class=_Parser)
    contacts_import = contact_commands.add_parser(
        "import", help=gettext("cli.help.contacts_import", lang), parents=[common],
        description=gettext("cli.help.contacts_import", lang))
    contacts_import.add_argument("file", type=Path, metavar="FILE.csv")
    contacts_import.set_defaults(handler=_store("cmd_contacts_import"))
    contacts_list = contact_commands.add_parser("list",
                                                help=gettext("cli.help.contacts_list", lang),
                                                parents=[common])
    contacts_list.set_defaults(handler=_store("cmd_contacts_list"))

    calendars = commands.add_parser("calendars", help=gettext("cli.help.calendars", lang),
                                    parents=[common],
                                    description=gettext("cli.help.calendars", lang))
    calendar_commands = calendars.add_subparsers(dest="calendars_command", required=True,
                                                 metavar="ACTION", parser_class=_Parser)
    calendars_export = calendar_commands.add_parser(
        "export", help=gettext("cli.help.calendars_export", lang), parents=[common],
        description=gettext("cli.help.calendars_export", lang))
    calendars_export.add_argument("outdir", type=Path, metavar="OUTDIR")
    calendars_export.add_argument("--today", type=parse_today, metavar="DATE",
                                  help=gettext("cli.help.today", lang))
    calendars_export.add_argument("--region", metavar="CODE", help=gettext("cli.help.region", lang))
    calendars_export.set_defaults(handler=_store("cmd_calendars_export"))

    serve = commands.add_parser("serve", help=gettext("cli.help.serve", lang), parents=[common],
                                description=gettext("cli.help.serve", lang))
    serve.add_argument("--host", default="127.0.0.1", help=gettext("cli.help.host", lang))
    serve.add_argument("--port", type=_port(lang), default=8080,
                       help=gettext("cli.help.port", lang))
    serve.add_argument("--poll", type=_seconds(lang), default=5.0, metavar="SECONDS",
                       help=gettext("cli.help.poll", lang))
    serve.add_argument("--today", type=parse_today, metavar="DATE",
                       help=gettext("cli.help.today", lang))
    serve.set_defaults(handler=_store("cmd_serve"))

    subscribers = commands.add_parser("subscribers", help=gettext("cli.help.subscribers", lang),
                                      parents=[common],
                                      description=gettext("cli.help.subscribers", lang))
    subscriber_commands = subscribers.add_subparsers(dest="subscribers_command", required=True,
                                                     metavar="ACTION", parser_class=_Parser)
    subscribers_add = subscriber_commands.add_parser(
        "add", help=gettext("cli.help.subscribers_add", lang), parents=[common],
        description=gettext("cli.help.subscribers_add", lang))
    subscribers_add.add_argument("name", metavar="NAME")
    subscribers_add.add_argument("--feed", action="append", metavar="FEED",
                                 help=gettext("cli.help.feed", lang))
    subscribers_add.add_argument("--all", action="store_true",
                                 help=gettext("cli.help.all_feeds", lang))
    subscribers_add.set_defaults(handler=_store("cmd_subscribers_add"))
    subscriber_commands.add_parser(
        "list", help=gettext("cli.help.subscribers_list", lang), parents=[common]
    ).set_defaults(handler=_store("cmd_subscribers_list"))
    subscribers_revoke = subscriber_commands.add_parser(
        "revoke", help=gettext("cli.help.subscribers_revoke", lang), parents=[common])
    subscribers_revoke.add_argument("id", type=int, metavar="ID")
    subscribers_revoke.set_defaults(handler=_store("cmd_subscribers_revoke"))

    nightly = commands.add_parser("nightly", help=gettext("cli.help.nightly", lang),
                                  parents=[common],
                                  description=gettext("cli.help.nightly", lang))
    nightly.add_argument("--today", type=parse_today, metavar="DATE",
                         help=gettext("cli.help.today", lang))
    nightly.add_argument("--region", metavar="CODE", help=gettext("cli.help.nightly_region", lang))
    nightly.set_defaults(handler=_store("cmd_nightly", "nightly"))

    remind = commands.add_parser("remind", help=gettext("cli.help.remind", lang), parents=[common],
                                 description=gettext("cli.help.remind", lang))
    remind.add_argument("--dry-run", action="store_true", help=gettext("cli.help.dry_run", lang))
    remind.add_argument("--today", type=parse_today, metavar="DATE",
                        help=gettext("cli.help.today", lang))
    remind.add_argument("--workers", type=_positive(lang), metavar="N",
                        help=gettext("cli.help.workers", lang))
    remind.add_argument("--wait", type=_non_negative(lang), metavar="SECONDS",
                        help=gettext("cli.help.wait", lang))
    remind.set_defaults(handler=_store("cmd_remind", "reminders"))

    outbox = commands.add_parser("outbox", help=gettext("cli.help.outbox", lang), parents=[common],
                                 description=gettext("cli.help.outbox", lang))
    outbox_commands = outbox.add_subparsers(dest="outbox_command", required=True,
                                            metavar="ACTION", parser_class=_Parser)
    outbox_list = outbox_commands.add_parser("list", help=gettext("cli.help.outbox_list", lang),
                                             parents=[common])
    outbox_list.add_argument("--state", choices=("pending", "sending", "sent", "failed"),
                             help=gettext("cli.help.outbox_state", lang))
    outbox_list.add_argument("--limit", type=_positive(lang), default=50, metavar="N",
                             help=gettext("cli.help.limit", lang))
    outbox_list.set_defaults(handler=_store("cmd_outbox_list", "reminders"))
    outbox_commands.add_parser(
        "retry", help=gettext("cli.help.outbox_retry", lang), parents=[common]
    ).set_defaults(handler=_store("cmd_outbox_retry", "reminders"))

    deployments = commands.add_parser("deployments", help=gettext("cli.help.deployments", lang),
                                      parents=[common],
                                      description=gettext("cli.help.deployments", lang))
    deployment_commands = deployments.add_subparsers(dest="deployments_command", required=True,
                                                     metavar="ACTION", parser_class=_Parser)
    generate = deployment_commands.add_parser(
        "generate", help=gettext("cli.help.deployments_generate", lang), parents=[common],
        description=gettext("cli.help.deployments_generate", lang))
    generate.add_argument("--output", type=Path, default=Path("prefect.yaml"), metavar="FILE",
                          help=gettext("cli.help.deployments_output", lang))
    generate.add_argument("--check", action="store_true",
                          help=gettext("cli.help.deployments_check", lang))
    generate.set_defaults(handler=_store("cmd_deployments_generate", "deployments"))

    db = commands.add_parser("db", help=gettext("cli.help.db", lang), parents=[common],
                             description=gettext("cli.help.db", lang))
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION",
                                    parser_class=_Parser)
    db_commands.add_parser("upgrade", help=gettext("cli.help.db_upgrade", lang),
                           parents=[common]).set_defaults(handler=_store("cmd_db_upgrade"))
    db_commands.add_parser("status", help=gettext("cli.help.db_status", lang),
                           parents=[common]).set_defaults(handler=_store("cmd_db_status"))
    _add_users(commands, common, lang)
    return parser


def _add_users(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """`users add|grant|revoke|list|token` (issue 14)."""
    def handler(name: str) -> Callable[[argparse.Namespace, Context], int]:
        return _store(name, "user_commands")

    users = commands.add_parser("users", help=gettext("cli.help.users", lang), parents=[common],
                                description=gettext("cli.help.users", lang))
    actions = users.add_subparsers(dest="users_command", required=True, metavar="ACTION",
                                   parser_class=_Parser)
    add = actions.add_parser("add", help=gettext("cli.help.users_add", lang), parents=[common])
    add.add_argument("email", metavar="EMAIL")
    add.add_argument("--name", required=True, metavar="NAME",
                     help=gettext("cli.help.users_name", lang))
    add.add_argument("--admin", action="store_true", help=gettext("cli.help.users_admin", lang))
    add.set_defaults(handler=handler("cmd_users_add"))
    for action, about in (("grant", N_("cli.help.users_grant")),
                          ("revoke", N_("cli.help.users_revoke"))):
        change = actions.add_parser(action, help=gettext(about, lang),
                                    parents=[common])
        change.add_argument("email", metavar="EMAIL")
        change.add_argument("--party", required=True, metavar="CODE",
                            help=gettext("cli.help.users_party", lang))
        change.add_argument("--role", required=True, metavar="ROLE",
                            help=gettext("cli.help.users_role", lang))
        change.set_defaults(handler=handler(f"cmd_users_{action}"))
    actions.add_parser("list", help=gettext("cli.help.users_list", lang), parents=[common]
                       ).set_defaults(handler=handler("cmd_users_list"))
    token = actions.add_parser("token", help=gettext("cli.help.users_token", lang),
                               parents=[common])
    token.add_argument("email", metavar="EMAIL")
    token.add_argument("--name", required=True, metavar="LABEL",
                       help=gettext("cli.help.users_label", lang))
    token.add_argument("--days", type=_positive(lang), default=90, metavar="DAYS",
                       help=gettext("cli.help.users_days", lang))
    token.set_defaults(handler=handler("cmd_users_token"))


STEP_STATUSES = ("not_started", "in_progress", "done", "waived", "not_applicable")


def _store(name: str, module: str = "store_commands",
           ) -> Callable[[argparse.Namespace, Context], int]:
    """A handler from `yhdyspinta.<module>`, imported only when it runs."""

    def handler(args: argparse.Namespace, ctx: Context) -> int:
        import importlib

        commands = importlib.import_module(f"yhdyspinta.{module}")
        command: Callable[[argparse.Namespace, Context], int] = getattr(commands, name)
        return command(args, ctx)

    return handler


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


def cmd_plan(args: argparse.Namespace, ctx: Context) -> int:
    """Plan the window and print it as a table, JSON, CSV or a summary."""
    run = compute_plan(ctx, args)
    _print_plan(args.format, run, ctx)
    return EXIT_OK


def _print_plan(output_format: str, run: PlannedRun, ctx: Context) -> None:
    import json

    from yhdyspinta.csvsafe import formula_safe_writer
    from yhdyspinta.records import CSV_COLUMNS, csv_row, occurrence_record

    definitions = {d.id: d for d in run.definitions}
    occurrences, registry, configuration = run.occurrences, run.registry, run.configuration
    lang = ctx.lang
    if output_format == "summary":
        _print_summary(occurrences, definitions, registry, configuration, run.window,
                       run.today, ctx)
        return
    records = [occurrence_record(o, definitions[o.obligation], registry, run.non_working_days,
                                 lang, configuration) for o in occurrences]
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
        rows = [(r["due_effective"], r["due"], r["name"], r["party_name"], str(r["term_year"]),
                 r["shift_reason"] or "") for r in records]
        print_table(headers, rows, ctx.out)


def _print_summary(
    occurrences: Sequence[Occurrence],
    definitions: dict[str, ObligationDefinition],
    registry: Registry,
    configuration: Configuration,
    window: PlanWindow,
    today: date,
    ctx: Context,
) -> None:
    from collections import Counter

    from calendars.wording import finnish_date
    from yhdyspinta.records import party_name

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
            who = (party_name(group[0], registry, lang, configuration) if len(group) == 1
                   else ngettext("cli.summary.parties", "cli.summary.parties.n", len(group), lang,
                                 count=len(group)))
            print(f"  {finnish_date(due):>10}  {name} – {who}", file=out)


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
        return _run(args, lang, out, err)
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


def _run(args: argparse.Namespace, lang: Lang, out: IO[str], err: IO[str]) -> int:
    """Run the command; errors of the store become UserError lines (secrets left out)."""
    ctx = Context(lang=lang, settings=_settings(args, lang), out=out)
    if args.command not in STORE_COMMANDS:
        code: int = args.handler(args, ctx)
        return code
    from sqlalchemy.exc import SQLAlchemyError

    from state.contacts import ContactImportError
    from state.errors import StateError

    try:
        result: int = args.handler(args, ctx)
        return result
    except StateError as exc:
        if exc.key is not None:
            raise UserError(gettext(exc.key, lang, **exc.values)) from None
        raise UserError(str(exc)) from None
    except ContactImportError as exc:
        raise UserError(*(f"{exc.source}:{p}" for p in exc.problems),
                        ngettext("cli.error.problems", "cli.error.problems.n", len(exc.problems),
                                 lang, count=len(exc.problems))) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise UserError(gettext("cli.error.database", lang, url=_safe_url(ctx.settings),
                                reason=reason)
                        ) from None
    finally:
        for close in ctx.cleanup:
            close()


STORE_COMMANDS = frozenset({"sync", "status", "step", "audit", "contacts", "db", "calendars",
                            "serve", "subscribers", "remind", "outbox", "nightly", "users"})


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for error messages."""
    from sqlalchemy.engine.url import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
