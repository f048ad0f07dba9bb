"""CLI commands over the status store: db, sync, status, step, audit, contacts.

Imported only when one of these commands runs (SQLAlchemy is slow to import).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from obligations.catalogue import N_, gettext
from obligations.lang import step_status_label
from state.db import ensure_schema, make_engine, write_session
from yhdyspinta import clock
from yhdyspinta.csvsafe import formula_safe_writer

if TYPE_CHECKING:
    from calendars.duty import Duty
    from yhdyspinta.commands import Context

EXIT_OK = 0


def engine_for(ctx: Context, *, check_schema: bool = True) -> Engine:
    """The store's engine; an empty database gets the schema, a stale one is refused."""
    engine = make_engine(ctx.settings.effective_database_url)
    ctx.cleanup.append(engine.dispose)
    if check_schema:
        ensure_schema(engine)
    return engine


def _local(moment: datetime) -> str:
    """A stored timestamp in Finnish time (SQLite returns it without its zone: UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(clock.HELSINKI).isoformat(timespec="seconds")


def cmd_db_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    """Bring the database schema to this version's."""
    from state.db import upgrade

    before, after = upgrade(engine_for(ctx, check_schema=False))
    if before == after:
        print(gettext("cli.db.current", ctx.lang, revision=after), file=ctx.out)
    else:
        print(gettext("cli.db.upgraded", ctx.lang, before=before or "-", after=after), file=ctx.out)
    return EXIT_OK


def cmd_db_status(args: argparse.Namespace, ctx: Context) -> int:
    """Show the database's schema revision and this version's."""
    from state.db import current_revision, head_revision

    engine = engine_for(ctx, check_schema=False)
    print(gettext("cli.db.status", ctx.lang, current=current_revision(engine) or "-",
            head=head_revision()), file=ctx.out)
    return EXIT_OK


def cmd_sync(args: argparse.Namespace, ctx: Context) -> int:
    """Plan the window and upsert it into the store; print what changed."""
    from state.sync import definition_fingerprints, sync_plan
    from yhdyspinta.commands import compute_plan

    planned = compute_plan(ctx, args, terms=2)
    engine = engine_for(ctx)
    report = sync_plan(
        engine, planned.occurrences, definition_fingerprints(planned.definitions),
        window=planned.window,
        obligations=frozenset(args.obligation) if args.obligation else None,
        now=clock.now(), today=planned.today,
    )
    print(gettext("cli.sync.report", ctx.lang, new=report.new, changed=report.changed,
            cancelled=report.cancelled, unchanged=report.unchanged), file=ctx.out)
    return EXIT_OK


def _duty_record(duty: Duty, today: date, names: dict[str, str], ctx: Context,
                 party_names: dict[str, str]) -> dict[str, Any]:
    occurrence = duty
    next_step = duty.next_step()
    return {
        "id": occurrence.id,
        "obligation": occurrence.obligation,
        "name": names.get(occurrence.obligation, occurrence.obligation),
        "party_name": party_names.get(occurrence.id, ""),
        "municipality": occurrence.municipality,
        "region": occurrence.region,
        "due": occurrence.due.isoformat(),
        "due_effective": occurrence.due_effective.isoformat(),
        "complete": duty.complete,
        "days_late": duty.days_late(today),
        "steps_done": sum(s.status.closed for s in duty.steps),
        "steps_total": len(duty.steps),
        "next_step": next_step.step if next_step else None,
        "steps": [
            {"step": s.step, "role": s.role, "status": s.status.value,
             "due_effective": s.due_effective.isoformat(), "note": s.note}
            for s in duty.steps
        ],
    }


def cmd_status(args: argparse.Namespace, ctx: Context) -> int:
    """Where every duty stands, overdue ones first, with days late."""
    from datetime import timedelta

    from obligations.parties import Parties
    from state.queries import duty_states
    from yhdyspinta.commands import check_filters

    today = ctx.today(args.today)
    registry, definitions = check_filters(ctx, args)
    engine = engine_for(ctx)
    end = args.end or today + timedelta(days=365)
    # Without --from: a year back, and anything older that is still overdue (an old miss
    # must not drop out of sight just because it is old).
    duties = duty_states(engine, start=args.start, end=end, region=args.region,
                         municipality=args.municipality,
                         obligations=frozenset(args.obligation) if args.obligation else None)
    if args.start is None:
        since = today - timedelta(days=365)
        duties = [d for d in duties if d.due >= since or d.days_late(today) > 0]
    if args.overdue:
        duties = [d for d in duties if d.days_late(today) > 0]
    duties.sort(key=lambda d: (-d.days_late(today), d.due_effective, d.id))
    names = {d.id: d.names.get(ctx.lang) for d in definitions}
    parties = Parties(registry, ctx.configuration(definitions, registry).group_names())
    party_names = {d.id: parties.display_name(d.party, ctx.lang) for d in duties}
    records = [_duty_record(d, today, names, ctx, party_names) for d in duties]
    if args.format == "json":
        json.dump(records, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    columns = ("id", "name", "party_name", "due_effective", "days_late", "steps_done",
               "steps_total", "next_step")
    if args.format == "csv":
        writer = formula_safe_writer(ctx.out, columns, extrasaction="ignore",
                                     lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if r[k] is None else r[k] for k in columns} for r in records)
        return EXIT_OK
    from yhdyspinta.commands import print_table

    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.obligation"), N_("cli.col.party"), N_("cli.col.effective"),
        N_("cli.col.days_late"), N_("cli.col.progress"), N_("cli.col.next_step")))
    rows = [(r["id"], r["name"], r["party_name"], r["due_effective"],
             str(r["days_late"]) if r["days_late"] else "",
             f"{r['steps_done']}/{r['steps_total']}", r["next_step"] or "✓")
            for r in records]
    print_table(headers, rows, ctx.out)
    return EXIT_OK


def cmd_step_set(args: argparse.Namespace, ctx: Context) -> int:
    """Record a step's status (and evidence), audited."""
    from state.models import StepStatus
    from state.steps import Evidence, set_step_status

    engine = engine_for(ctx)
    change = set_step_status(
        engine, args.occurrence, args.step, StepStatus(args.status), by=args.by, now=clock.now(),
        note=args.note, force=args.force,
        evidence=Evidence(url=args.evidence, decided_by=args.decided_by,
                          decided_on=args.decided_on, section=args.section),
    )
    key = N_("cli.step.changed") if change.changed else N_("cli.step.unchanged")
    print(gettext(key, ctx.lang, occurrence=change.occurrence_id, step=change.step,
            old=step_status_label(change.old.value, ctx.lang),
            new=step_status_label(change.new.value, ctx.lang)), file=ctx.out)
    return EXIT_OK


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    """The audit trail, oldest first."""
    from state.errors import UnknownOccurrenceError
    from state.queries import audit_trail, occurrence_exists

    engine = engine_for(ctx)
    if args.occurrence and not occurrence_exists(engine, args.occurrence):
        raise UnknownOccurrenceError(args.occurrence)
    rows = audit_trail(engine, args.occurrence)
    records: list[dict[str, Any]] = [
        {"at": _local(r.at), "actor": r.actor,
         "occurrence": r.occurrence_id, "step": r.step, "action": r.action,
         "old": r.old_value, "new": r.new_value, "reason": r.reason}
        for r in rows
    ]
    if args.format == "json":
        json.dump(records, ctx.out, ensure_ascii=False, indent=2)
        ctx.out.write("\n")
        return EXIT_OK
    from yhdyspinta.commands import print_table

    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.at"), N_("cli.col.actor"), N_("cli.col.id"), N_("cli.col.step"),
        N_("cli.col.action"), N_("cli.col.change"), N_("cli.col.reason")))
    print_table(headers, [
        (r["at"] or "", r["actor"], r["occurrence"], r["step"] or "", r["action"],
         f"{r['old'] or ''} → {r['new'] or ''}", r["reason"] or "") for r in records
    ], ctx.out)
    return EXIT_OK


def cmd_contacts_import(args: argparse.Namespace, ctx: Context) -> int:
    """Import contacts from a CSV file: all rows valid, or nothing imported."""
    from state.contacts import import_contacts, parse_contacts

    path: Path = args.file
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        from yhdyspinta.commands import UserError

        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise UserError(f"{path}: {reason}") from None
    contacts = parse_contacts(text, str(path), ctx.registry())
    report = import_contacts(engine_for(ctx), contacts)
    print(gettext("cli.contacts.imported", ctx.lang, added=report.added, updated=report.updated,
            unchanged=report.unchanged),
          file=ctx.out)
    return EXIT_OK


def _shown_email(email: str | None) -> str:
    """An email address as listed; one stored before import refused URLs is masked."""
    if not email:
        return ""
    return "***" if ":" in email or "/" in email else email


def cmd_contacts_list(args: argparse.Namespace, ctx: Context) -> int:
    """List contacts; Teams addresses are secrets and shown only as set or not."""
    from state.contacts import list_contacts
    from yhdyspinta.commands import print_table

    rows: Sequence[Sequence[str]] = [
        (c.party, c.role, c.name, _shown_email(c.email), "✓" if c.teams else "", c.language,
         c.delivery)
        for c in list_contacts(engine_for(ctx))
    ]
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.party"), N_("cli.col.role"), N_("cli.col.name"), N_("cli.col.email"),
        N_("cli.col.teams"), N_("cli.col.language"), N_("cli.col.delivery")))
    print_table(headers, rows, ctx.out)
    return EXIT_OK


def _sync_default(ctx: Context, args: argparse.Namespace) -> tuple[Engine, Any]:
    """Sync the default window first: feeds always show the store as the plan makes it."""
    from state.sync import definition_fingerprints, sync_plan
    from yhdyspinta.commands import compute_plan

    # The sync covers everything: a narrower plan would cancel what it left out.
    whole = argparse.Namespace(**{**vars(args), "start": None, "end": None,
                                  "obligation": None, "region": None, "municipality": None})
    planned = compute_plan(ctx, whole, terms=2)
    engine = engine_for(ctx)
    sync_plan(engine, planned.occurrences, definition_fingerprints(planned.definitions),
              window=planned.window, obligations=None, now=clock.now(), today=planned.today)
    return engine, planned


def cmd_calendars_export(args: argparse.Namespace, ctx: Context) -> int:
    """Write every feed (every language) and an index to OUTDIR for static hosting."""
    from yhdyspinta.commands import UserError
    from yhdyspinta.publish import build_renderer, export, export_base_url, feeds_of_region

    try:  # before the sync: a folder that cannot be written is one line, at once
        args.outdir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"{args.outdir}: {error.strerror}") from None
    engine, planned = _sync_default(ctx, args)
    renderer, catalogue = build_renderer(engine, ctx.settings, planned.definitions,
                                         planned.registry, planned.today, planned.configuration)
    if args.region is not None:
        if args.region not in {r.code for r in planned.registry.regions}:
            raise UserError(gettext("cli.error.unknown_region", ctx.lang, code=args.region))
        catalogue = feeds_of_region(catalogue, planned.registry, args.region)
    try:
        report = export(args.outdir, renderer, catalogue, export_base_url(ctx.settings))
    except OSError as error:
        raise UserError(f"{args.outdir}: {error.strerror}") from None
    print(gettext("cli.calendars.exported", ctx.lang, feeds=report.feeds, files=report.files,
            folder=args.outdir / "feeds"), file=ctx.out)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Sync, then serve the feeds over HTTP until stopped (Granian, one worker)."""
    import os
    import socket

    from granian import Granian
    from granian.constants import Interfaces

    from yhdyspinta.commands import UserError

    try:  # fail at once, in one line, if the address cannot be had
        with socket.create_server((args.host, args.port)):
            pass
    except OSError as error:
        raise UserError(gettext("cli.error.listen", ctx.lang, address=f"{args.host}:{args.port}",
                          reason=(error.strerror or str(error)).split(" (while")[0])) from None
    _sync_default(ctx, args)
    # The worker process reads its settings from the environment: pass ours on.
    settings = ctx.settings
    url = settings.public_url.rstrip("/")
    if "public_url" not in settings.model_fields_set:  # links point where we listen
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::", "") else args.host
        url = f"http://{host}:{args.port}" if ":" not in host else f"http://[{host}]:{args.port}"
        os.environ["YHDYSPINTA_PUBLIC_URL"] = url
    for name, value in (("DEFINITIONS_DIR", settings.definitions_dir),
                        ("CONFIG_DIR", settings.config_dir),
                        ("REGISTRY_DIR", settings.registry_dir),
                        ("REGISTRY_YEAR", settings.registry_year),
                        ("DATABASE_URL", settings.effective_database_url),
                        ("POLL_SECONDS", args.poll),
                        ("TODAY", args.today.isoformat() if args.today else None)):
        if value is not None:
            os.environ[f"YHDYSPINTA_{name}"] = str(value)
    print(gettext("cli.serve.listening", ctx.lang, url=url), file=ctx.out, flush=True)
    # No access log: it would write request paths, and with them the feed tokens.
    Granian("web.server:create", address=args.host, port=args.port,
            interface=Interfaces.ASGI, factory=True, websockets=False, log_access=False,
            log_level="warning").serve()  # type: ignore[arg-type]
    return EXIT_OK


def cmd_subscribers_add(args: argparse.Namespace, ctx: Context) -> int:
    """Add a subscriber; its token is shown once, in the printed addresses, and never again."""
    import secrets

    from calendars.feeds import feed_catalogue
    from state.models import SubscriberRow
    from web.feeds import ALL_FEEDS, token_hash
    from yhdyspinta.commands import UserError

    registry = ctx.registry()
    definitions = ctx.definitions()
    known = {spec.id for spec in feed_catalogue(registry, definitions)}
    feeds = [ALL_FEEDS] if args.all else list(dict.fromkeys(args.feed or []))
    if not feeds:
        raise UserError(gettext("cli.error.no_feeds", ctx.lang))
    unknown = [f for f in feeds if f != ALL_FEEDS and f not in known]
    if unknown:
        raise UserError(gettext("cli.error.unknown_feed", ctx.lang, feeds=", ".join(unknown)))
    token = secrets.token_urlsafe(32)  # 256 bits
    engine = engine_for(ctx)
    with write_session(engine) as session:
        row = SubscriberRow(name=args.name, token_hash=token_hash(token), feeds=" ".join(feeds),
                            created_at=clock.now())
        session.add(row)
        session.flush()
        subscriber_id = row.id
    print(gettext("cli.subscribers.added", ctx.lang, id=subscriber_id, name=args.name),
          file=ctx.out)
    from calendars.urls import Urls

    urls = Urls(ctx.settings.public_url)
    for feed in (sorted(known) if args.all else feeds)[:50 if args.all else None]:
        https = urls.feed(feed, token=token)
        print(f"  {https}", file=ctx.out)
        print(f"  {Urls.webcal(https)}", file=ctx.out)
    return EXIT_OK


def cmd_subscribers_list(args: argparse.Namespace, ctx: Context) -> int:
    """List subscribers (never their tokens)."""
    from sqlmodel import Session, select

    from state.models import SubscriberRow
    from yhdyspinta.commands import print_table

    with Session(engine_for(ctx)) as session:
        rows = session.exec(select(SubscriberRow).order_by(SubscriberRow.id)).all()  # type: ignore[arg-type]
    headers = tuple(gettext(c, ctx.lang) for c in (
        N_("cli.col.id"), N_("cli.col.name"), N_("cli.col.feeds"), N_("cli.col.created"),
        N_("cli.col.revoked")))
    print_table(headers, [
        (str(r.id), r.name, r.feeds, _local(r.created_at),
         _local(r.revoked_at) if r.revoked_at else "") for r in rows
    ], ctx.out)
    return EXIT_OK


def cmd_subscribers_revoke(args: argparse.Namespace, ctx: Context) -> int:
    """Revoke a subscriber's token: its addresses answer 404 from the next poll on."""
    from state.models import SubscriberRow
    from yhdyspinta.commands import UserError

    with write_session(engine_for(ctx)) as session:
        row = session.get(SubscriberRow, args.id)
        if row is None:
            raise UserError(gettext("cli.error.unknown_subscriber", ctx.lang, id=args.id))
        if row.revoked_at is None:
            row.revoked_at = clock.now()
    print(gettext("cli.subscribers.revoked", ctx.lang, id=args.id), file=ctx.out)
    return EXIT_OK
