"""`yhdyspinta step set|owner` and `yhdyspinta audit`: a step's status and owner, the trail."""

from __future__ import annotations

import argparse
import json
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.lang import STEP_STATUSES, Lang, step_status_label
from yhdyspinta.cli.common import EXIT_OK, Context, iso_date, local_time, print_table, subcommands


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `step set`, `step owner` and `audit`."""
    step = commands.add_parser("step", help=gettext("cli.help.step", lang), parents=[common],
                               description=gettext("cli.help.step", lang))
    actions = subcommands(step, "step_command")
    step_set = actions.add_parser(
        "set", help=gettext("cli.help.step_set", lang), parents=[common],
        description=gettext("cli.help.step_set", lang))
    step_set.add_argument("occurrence", metavar="OCCURRENCE")
    step_set.add_argument("step", metavar="STEP")
    step_set.add_argument("status", metavar="STATUS", choices=STEP_STATUSES)
    step_set.add_argument("--evidence", metavar="URL", help=gettext("cli.help.evidence", lang))
    step_set.add_argument("--decided-by", metavar="BODY", help=gettext("cli.help.decided_by", lang))
    step_set.add_argument("--decided-on", type=iso_date(lang), metavar="DATE",
                          help=gettext("cli.help.decided_on", lang))
    step_set.add_argument("--section", metavar="N", help=gettext("cli.help.section", lang))
    step_set.add_argument("--note", metavar="TEXT", help=gettext("cli.help.note", lang))
    step_set.add_argument("--force", action="store_true", help=gettext("cli.help.force", lang))
    step_set.add_argument("--by", required=True, metavar="NAME", help=gettext("cli.help.by", lang))
    step_set.set_defaults(handler=cmd_step_set)

    owner = actions.add_parser("owner", help=gettext("cli.help.step_owner", lang),
                               parents=[common],
                               description=gettext("cli.help.step_owner", lang))
    owner.add_argument("occurrence", metavar="OCCURRENCE")
    owner.add_argument("step", metavar="STEP")
    chosen = owner.add_mutually_exclusive_group(required=True)
    chosen.add_argument("email", nargs="?", metavar="EMAIL",
                        help=gettext("cli.help.owner_email", lang))
    chosen.add_argument("--clear", action="store_true",
                        help=gettext("cli.help.owner_clear", lang))
    owner.add_argument("--by", required=True, metavar="NAME", help=gettext("cli.help.by", lang))
    owner.set_defaults(handler=cmd_step_owner)

    audit = commands.add_parser("audit", help=gettext("cli.help.audit", lang), parents=[common],
                                description=gettext("cli.help.audit", lang))
    audit.add_argument("occurrence", nargs="?", metavar="OCCURRENCE")
    audit.add_argument("--format", choices=("table", "json"), default="table",
                       help=gettext("cli.help.format", lang))
    audit.set_defaults(handler=cmd_audit)


def cmd_step_set(args: argparse.Namespace, ctx: Context) -> int:
    """Record a step's status (and evidence), audited."""
    from app.steps import record_step

    change = record_step(ctx.engine(), args.occurrence, args.step, args.status, by=args.by,
                         channel="cli", note=args.note, force=args.force,
                         evidence_url=args.evidence, decided_by=args.decided_by,
                         decided_on=args.decided_on, section=args.section)
    key = N_("cli.step.changed") if change.changed else N_("cli.step.unchanged")
    print(gettext(key, ctx.lang, occurrence=change.occurrence_id, step=change.step,
            old=step_status_label(change.old.value, ctx.lang),
            new=step_status_label(change.new.value, ctx.lang)), file=ctx.out)
    return EXIT_OK


def cmd_step_owner(args: argparse.Namespace, ctx: Context) -> int:
    """Choose (or clear) a step's owner among the people granted for it, audited."""
    from app.steps import set_owner

    owner = set_owner(ctx.engine(), args.occurrence, args.step,
                      None if args.clear else args.email, by=args.by, channel="cli")
    if owner is None:
        print(gettext("cli.step.owner_cleared", ctx.lang, occurrence=args.occurrence,
                      step=args.step), file=ctx.out)
    else:
        print(gettext("cli.step.owner_set", ctx.lang, occurrence=args.occurrence,
                      step=args.step, name=owner.name, email=owner.email), file=ctx.out)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    """The audit trail, oldest first."""
    from app.steps import audit

    records: list[dict[str, Any]] = [
        {"at": local_time(r.at), "actor": r.actor,
         "occurrence": r.occurrence_id, "step": r.step, "action": r.action,
         "old": r.old_value, "new": r.new_value, "reason": r.reason}
        for r in audit(ctx.engine(), args.occurrence)
    ]
    if args.format == "json":
        json.dump(records, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.at"), N_("cli.col.actor"), N_("cli.col.id"), N_("cli.col.step"),
        N_("cli.col.action"), N_("cli.col.change"), N_("cli.col.reason")))
    print_table(headers, [
        (r["at"] or "", r["actor"], r["occurrence"], r["step"] or "", r["action"],
         f"{r['old'] or ''} → {r['new'] or ''}", r["reason"] or "") for r in records
    ], ctx.out)
    return EXIT_OK
