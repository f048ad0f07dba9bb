"""`yhdyspinta status import FILE.csv [--dry-run] --by NAME`; the import is state/status_import.py.

`status` without `import` is the report of `store_commands.cmd_status`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from obligations.catalogue import N_, gettext
from yhdyspinta.commands import Context, UserError

EXIT_OK = 0


def cmd_status_or_import(args: argparse.Namespace, ctx: Context) -> int:
    """The status report, or with `import FILE.csv` the import of step statuses."""
    from yhdyspinta.store_commands import cmd_status, engine_for

    if args.action != "import":
        return cmd_status(args, ctx)
    from state.status_import import StatusImportError, import_statuses, parse_status_csv
    from yhdyspinta import clock

    lang = ctx.lang
    path: Path | None = args.file
    if path is None or not args.by:
        raise UserError(gettext("cli.status_import.usage", lang))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UserError(f"{path}: {reason}") from None
    engine = engine_for(ctx)
    try:
        rows = parse_status_csv(text, str(path), engine)
        changes = import_statuses(engine, rows, str(path), by=args.by, now=clock.now(),
                                  dry_run=args.dry_run)
    except StatusImportError as error:
        raise UserError(*(f"{error.source}:{problem}" for problem in error.problems)) from None
    changed = [c for c in changes if c.changed]
    for change in changed:
        print(f"{path}:{change.line}: {change.occurrence_id} {change.step}: "
              f"{change.old} → {change.new}", file=ctx.out)
    key = N_("cli.status_import.dry_run") if args.dry_run else N_("cli.status_import.done")
    print(gettext(key, lang, changed=len(changed), unchanged=len(changes) - len(changed)),
          file=ctx.out)
    return EXIT_OK
