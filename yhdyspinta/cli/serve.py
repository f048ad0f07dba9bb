"""`yhdyspinta serve`: sync, then the pages, feeds and API over HTTP until stopped.

The one command module that reaches `web/`: it starts the server. The settings go to the
server's worker as an object (Granian's target loader), not through the environment.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from obligations.catalogue import gettext
from obligations.lang import Lang
from yhdyspinta.cli.common import EXIT_OK, Context, UserError, add_today, port, seconds

if TYPE_CHECKING:
    from granian.constants import Loops

    from yhdyspinta.settings import Settings


def register(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """Declare `serve`."""
    serve = commands.add_parser("serve", help=gettext("cli.help.serve", lang), parents=[common],
                                description=gettext("cli.help.serve", lang))
    serve.add_argument("--host", default="127.0.0.1", help=gettext("cli.help.host", lang))
    serve.add_argument("--port", type=port(lang), default=8080,
                       help=gettext("cli.help.port", lang))
    serve.add_argument("--poll", type=seconds(lang), default=5.0, metavar="SECONDS",
                       help=gettext("cli.help.poll", lang))
    add_today(serve, lang)
    serve.set_defaults(handler=cmd_serve)


def server_settings(settings: Settings, host: str, port_number: int, poll: float,
                    ) -> tuple[Settings, str]:
    """The settings the server runs with, and the address it is reached at.

    Without YHDYSPINTA_PUBLIC_URL, links (sign-in, subscriptions) point where we listen.
    """
    url = settings.public_url.rstrip("/")
    update: dict[str, Any] = {"poll_seconds": poll}
    if "public_url" not in settings.model_fields_set:
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        url = (f"http://{shown}:{port_number}" if ":" not in shown
               else f"http://[{shown}]:{port_number}")
        update["public_url"] = url
    return settings.model_copy(update=update), url


def event_loop(available: Iterable[str]) -> Loops:
    """The worker's event loop: uvloop where Granian can build it, else asyncio's own.

    Granian hands each request to the loop from its Rust thread; on uvloop the feed server
    answered more of them per second than on asyncio's selector loop (README, "Feeds").
    It is a dependency on CPython off Windows; elsewhere asyncio's loop serves the same.
    Named rather than Granian's `auto`, which would prefer an experimental loop (rloop)
    if one were ever installed.
    """
    from granian.constants import Loops

    return Loops.uvloop if "uvloop" in available else Loops.asyncio


def cmd_serve(args: argparse.Namespace, ctx: Context) -> int:
    """Sync, then serve over HTTP until stopped (Granian's RSGI interface, one worker)."""
    import socket

    from granian import Granian, loops
    from granian.constants import HTTPModes, Interfaces

    from web.server import create
    from yhdyspinta.cli.plan import sync_store

    try:  # fail at once, in one line, if the address cannot be had
        with socket.create_server((args.host, args.port)):
            pass
    except OSError as error:
        raise UserError(gettext("cli.error.listen", ctx.lang, address=f"{args.host}:{args.port}",
                          reason=(error.strerror or str(error)).split(" (while")[0])) from None
    today = ctx.today(args.today)
    sync_store(ctx, today)
    settings, url = server_settings(ctx.settings.model_copy(update={"today": args.today})
                                    if args.today else ctx.settings,
                                    args.host, args.port, args.poll)
    print(gettext("cli.serve.listening", ctx.lang, url=url), file=ctx.out, flush=True)
    # No access log: it would write request paths, and with them the feed tokens. HTTP/1.1
    # only: calendar clients and browsers speak nothing else over plain http (HTTP/2 needs
    # TLS, which a proxy in front ends), so no connection waits on protocol detection.
    Granian("web.server:create", address=args.host, port=args.port,
            interface=Interfaces.RSGI, http=HTTPModes.http1, websockets=False,
            loop=event_loop(loops.keys()),
            log_access=False, log_level="warning").serve(  # type: ignore[arg-type]
        target_loader=partial(create, settings), wrap_loader=False)
    return EXIT_OK
