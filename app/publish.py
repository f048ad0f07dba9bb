"""Publishing feeds: from the store to a renderer, and to files for static hosting.

`build_renderer` is what the server renders its feeds with; `export`, `export_all` and
`write_feeds` are what `calendars export`, the nightly job and the flows write files with.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from app.errors import AppError
from app.inputs import Inputs
from calendars.feeds import FeedRenderer, FeedSpec, feed_catalogue, removed_obligation_feeds
from calendars.urls import Urls
from calendars.workdays import finnish_non_working_days
from obligations.catalogue import N_
from obligations.config import EMPTY_CONFIGURATION, Configuration
from obligations.parties import PartyRef, Registry
from obligations.schema import LANGS, ObligationDefinition
from state.queries import feed_view
from yhdyspinta import __version__
from yhdyspinta.settings import Settings

PRODID = f"-//Yhdyspinta//Yhdyspinta {__version__}//FI"
DIR_MODE = 0o755
FILE_MODE = 0o644
"""Exported folders and files are readable by others: a web server serves them."""


def build_renderer(
    engine: Engine,
    settings: Settings,
    definitions: tuple[ObligationDefinition, ...],
    registry: Registry,
    today: date,
    configuration: Configuration = EMPTY_CONFIGURATION,
) -> tuple[FeedRenderer, tuple[FeedSpec, ...]]:
    """A renderer over the store's current view, and the feed catalogue."""
    start = today - timedelta(days=settings.feed_past_days)
    end = today + timedelta(days=settings.feed_future_days)
    non_working_days = finnish_non_working_days(start.year - 1, end.year + 1)
    view = feed_view(engine, start=start, end=end, today=today,
                     keep_cancelled_days=settings.keep_cancelled_days,
                     non_working_days=non_working_days,
                     tracked_from=configuration.tracked_from)
    renderer = FeedRenderer(
        definitions={d.id: d for d in definitions},
        registry=registry,
        non_working_days=non_working_days,
        occurrences=view,
        prodid=PRODID,
        obligation_until=today + timedelta(days=settings.obligation_feed_future_days),
        parties=configuration.parties(registry),
    )
    return renderer, (*feed_catalogue(registry, definitions),
                      *removed_obligation_feeds(view, definitions))


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What an export wrote."""

    feeds: int
    files: int


def file_name(spec: FeedSpec, lang: str | None) -> str:
    """`pair-564.sv.ics`, or `pair-564.ics` for the feed's default language."""
    return f"{spec.id}.{lang}.ics" if lang else f"{spec.id}.ics"


def feeds_of_region(catalogue: tuple[FeedSpec, ...], registry: Registry,
                    region: str) -> tuple[FeedSpec, ...]:
    """The feeds of one county and its municipalities (obligation feeds left out)."""
    members = {PartyRef.of_municipality(m.code) for m in registry.members(region)}
    return tuple(s for s in catalogue
                 if s.party == PartyRef.of_county(region) or s.party in members)


def export(outdir: Path, renderer: FeedRenderer, catalogue: tuple[FeedSpec, ...],
           public_url: str) -> ExportReport:
    """Write every feed in every language, and an index, replacing the previous export.

    Files are written into a new folder that replaces `outdir/feeds` only when complete,
    so a web server never serves a half-written export.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    with (outdir / ".feeds.lock").open("a") as lock:
        # One export at a time into a folder; under the lock, any staging folder left is
        # from an export that was killed, and is removed.
        fcntl.flock(lock, fcntl.LOCK_EX)
        for stale in outdir.glob(".feeds-*"):
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
        return _export(outdir, renderer, catalogue, public_url)


def _export(outdir: Path, renderer: FeedRenderer, catalogue: tuple[FeedSpec, ...],
            public_url: str) -> ExportReport:
    staging = Path(tempfile.mkdtemp(prefix=".feeds-", dir=outdir))
    staging.chmod(DIR_MODE)  # mkdtemp makes it 0700; a web server must read it
    files = 0
    index: list[dict[str, Any]] = []
    try:
        for spec in catalogue:
            entry: dict[str, Any] = {"id": spec.id, "kind": spec.kind,
                                     "default_lang": spec.default_lang, "names": {},
                                     "files": {}}
            for lang in LANGS:
                body = renderer.render(spec, lang)
                _write(staging / file_name(spec, lang), body)
                entry["names"][lang] = renderer.feed_name(spec, lang)
                entry["files"][lang] = f"feeds/{file_name(spec, lang)}"
                files += 1
                if lang == spec.default_lang:  # the same file under the short name
                    os.link(staging / file_name(spec, lang), staging / file_name(spec, None))
                    files += 1
            index.append(entry)
        _write(staging / "index.json",
               json.dumps({"feeds": index}, ensure_ascii=False, indent=1).encode())
        _write(staging / "index.html", _index_html(index, public_url).encode())
        target = outdir / "feeds"
        old = outdir / ".feeds-old"
        if old.exists():
            shutil.rmtree(old)
        if target.exists():
            target.replace(old)
        staging.replace(target)
        if old.exists():
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportReport(len(catalogue), files + 2)


def _write(path: Path, body: bytes) -> None:
    """A file readable by others (0644), whatever the umask."""
    path.write_bytes(body)
    path.chmod(FILE_MODE)


def export_base_url(settings: Settings) -> str:
    """`YHDYSPINTA_PUBLIC_URL` if it was set (the address `outdir` is served at), else ""."""
    return settings.public_url.rstrip("/") if "public_url" in settings.model_fields_set \
        else ""


def subscribe_links(public_url: str, path: str) -> tuple[str, str] | None:
    """The https (or http) and webcal addresses of an exported file, with a public URL."""
    if not public_url:
        return None
    address = f"{public_url.rstrip('/')}/{path}"
    return address, Urls.webcal(address)


def _index_html(index: list[dict[str, Any]], public_url: str) -> str:
    rows = []
    for entry in index:
        names, files = entry["names"], entry["files"]
        parts = []
        for lang in LANGS:
            link = (f'<a href="{html.escape(str(files[lang]).removeprefix("feeds/"))}" '
                    f'lang="{lang}">{lang}</a>')
            absolute = subscribe_links(public_url, str(files[lang]))
            if absolute is not None:
                web, webcal = (html.escape(a) for a in absolute)
                link += (f' (<a href="{webcal}">webcal</a> · <a href="{web}">'
                         f'{web.partition(":")[0]}</a>)')
            parts.append(link)
        links = " ".join(parts)
        rows.append(f"<tr><td>{html.escape(str(entry['id']))}</td>"
                    f"<td lang=\"fi\">{html.escape(names['fi'])}</td>"
                    f"<td lang=\"sv\">{html.escape(names['sv'])}</td>"
                    f"<td>{links}</td></tr>")
    return (
        "<!doctype html>\n<html lang=\"fi\"><head><meta charset=\"utf-8\">"
        "<title>Yhdyspinta – kalenterit / kalendrar / calendars</title></head><body>"
        "<h1>Yhdyspinta – kalenterit · kalendrar · calendars</h1>"
        + (f"<p>{html.escape(public_url)}</p>" if public_url else "") +
        "<table><thead><tr><th>id</th><th lang=\"fi\">nimi</th><th lang=\"sv\">namn</th>"
        "<th>fi · sv · en</th></tr></thead><tbody>\n"
        + "\n".join(rows) + "\n</tbody></table></body></html>\n"
    )


def export_feeds(engine: Engine, inputs: Inputs, outdir: Path, today: date,
                 region: str | None = None) -> ExportReport:
    """Every feed (or one county's) in every language, replacing the previous export whole."""
    renderer, catalogue = build_renderer(engine, inputs.settings, inputs.definitions,
                                         inputs.registry, today, inputs.configuration)
    if region is not None:
        if region not in {r.code for r in inputs.registry.regions}:
            raise AppError(N_("cli.error.unknown_region"), code=region)
        catalogue = feeds_of_region(catalogue, inputs.registry, region)
    return export(outdir, renderer, catalogue, export_base_url(inputs.settings))


def export_all(engine: Engine, inputs: Inputs, outdir: Path, today: date,
               region: str | None = None) -> ExportReport:
    """`export_feeds`, with the store's fingerprint recorded beside them.

    So `export_is_current` can tell whether anything changed since.
    """
    from state.subscribers import store_fingerprint

    fingerprint = store_fingerprint(engine, today)
    report = export_feeds(engine, inputs, outdir, today, region)
    (outdir / "feeds" / ".fingerprint").write_text(
        json.dumps([region, fingerprint], default=str), encoding="utf-8")
    return report


def export_is_current(engine: Engine, outdir: Path, today: date,
                      region: str | None = None) -> bool:
    """True when the last export was made from the store as it is now."""
    from state.subscribers import store_fingerprint

    marker = outdir / "feeds" / ".fingerprint"
    if not marker.exists():
        return False
    fingerprint = store_fingerprint(engine, today)
    return marker.read_text(encoding="utf-8") == json.dumps([region, fingerprint], default=str)


def obligation_feed_specs(inputs: Inputs, obligation: str) -> tuple[FeedSpec, ...]:
    """The obligation's own (national) feed."""
    return tuple(s for s in feed_catalogue(inputs.registry, inputs.definitions)
                 if s.kind == "obligation" and s.obligation == obligation)


def write_feeds(engine: Engine, inputs: Inputs, specs: Sequence[FeedSpec], outdir: Path,
                today: date) -> int:
    """Write some feeds in every language, each file replaced atomically in place.

    Unlike the full export, which swaps the whole folder, this leaves the other feeds
    alone: an obligation's run refreshes its own feed only.
    """
    renderer, _ = build_renderer(engine, inputs.settings, inputs.definitions,
                                 inputs.registry, today, inputs.configuration)
    folder = outdir / "feeds"
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for spec in specs:
        for lang in LANGS:
            body = renderer.render(spec, lang)
            names = [file_name(spec, lang)] + ([file_name(spec, None)]
                                               if lang == spec.default_lang else [])
            for name in names:
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=".tmp-")
                with os.fdopen(handle, "wb") as stream:
                    stream.write(body)
                Path(temporary).replace(folder / name)
                written += 1
    return written
