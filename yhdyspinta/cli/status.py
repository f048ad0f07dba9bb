"""`yhdyspinta status`: where every duty stands, overdue ones first, with days late."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, UserError, add_window, print_table
from yhdyspinta.cli.plan import checked_filters


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `status`."""
    status = commands.add_parser("status", help=gettext("cli.help.status", lang),
                                 parents=[common], description=gettext("cli.help.status", lang))
    add_window(status, lang)
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
    status.set_defaults(handler=cmd_status_or_import)


def cmd_status_or_import(args: argparse.Namespace, ctx: Context) -> int:
    """The status report, or with `import FILE.csv` the import of step statuses."""
    if args.action != "import":
        return cmd_status(args, ctx)
    from app.steps import import_statuses

    path: Path | None = args.file
    if path is None or not args.by:
        raise UserError(gettext("cli.status_import.usage", ctx.lang))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UserError(f"{path}: {reason}") from None
    changes = import_statuses(ctx.engine(), text, str(path), by=args.by, dry_run=args.dry_run)
    changed = [c for c in changes if c.changed]
    for change in changed:
        print(f"{path}:{change.line}: {change.occurrence_id} {change.step}: "
              f"{change.old} → {change.new}", file=ctx.out)
    key = N_("cli.status_import.dry_run") if args.dry_run else N_("cli.status_import.done")
    print(gettext(key, ctx.lang, changed=len(changed), unchanged=len(changes) - len(changed)),
          file=ctx.out)
    return EXIT_OK


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    """Where every duty stands, overdue ones first, with days late."""
    from app.status import duty_records, write_status_csv

    today = ctx.today(args.today)
    registry, definitions = checked_filters(ctx, args)
    configuration = ctx.configuration(definitions, registry)
    records = duty_records(ctx.engine(), configuration.parties(registry), definitions,
                           ctx.lang, today,
                           start=args.start, end=args.end, region=args.region,
                           municipality=args.municipality,
                           obligations=frozenset(args.obligation) if args.obligation else None,
                           overdue_only=args.overdue,
                           tracked_from=configuration.tracked_from)
    if args.format == "json":
        json.dump(records, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    if args.format == "csv":
        write_status_csv(records, ctx.out)
        return EXIT_OK
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.obligation"), N_("cli.col.party"), N_("cli.col.effective"),
        N_("cli.col.days_late"), N_("cli.col.progress"), N_("cli.col.next_step")))
    rows = [(r["id"], r["name"], r["party_name"], r["due_effective"],
             str(r["days_late"]) if r["days_late"] else
             "" if r["tracked"] else gettext("cli.not_tracked", ctx.lang),
             f"{r['steps_done']}/{r['steps_total']}", r["next_step"] or "✓")
            for r in records]
    print_table(headers, rows, ctx.out)
    return EXIT_OK
