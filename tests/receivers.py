"""Real receivers for the notification tests: an SMTP server and an HTTPS Teams endpoint.

Both listen on 127.0.0.1, record what arrives, and can be told to fail for a while, so
that the dispatcher's retries meet real refusals rather than mocks.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ReceivedMail:
    """One message as the SMTP server accepted it."""

    envelope_to: tuple[str, ...]
    message: EmailMessage

    @property
    def key(self) -> str:
        return str(self.message["X-Yhdyspinta-Key"] or "")

    def part(self, content_type: str) -> str:
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.get_filename():
                return str(part.get_content())
        raise AssertionError(f"no {content_type} part")

    def attachments(self) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        for part in self.message.walk():
            name = part.get_filename()
            if name:
                payload = part.get_payload(decode=True)
                assert isinstance(payload, bytes)
                found[name] = payload
        return found


@dataclass
class SmtpSink:
    """aiosmtpd handler: keeps every message; refuses with `refusal` while `refuse` > 0."""

    received: list[ReceivedMail] = field(default_factory=list)
    refuse: int = 0
    refusal: str = "451 Try again later"
    raw: list[bytes] = field(default_factory=list)
    """Every accepted message as it came over the wire."""
    peers: list[object] = field(default_factory=list)
    """The client's address of each accepted message (one per connection it came on)."""
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(  # noqa: N802 (aiosmtpd's name)
        self, server: SMTP, session: Session, envelope: Envelope,
    ) -> str:
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return self.refusal
            content = envelope.content if isinstance(envelope.content, bytes) else \
                str(envelope.content).encode()
            self.raw.append(content)
            self.peers.append(session.peer)
            parsed = email.message_from_bytes(content, policy=email.policy.default)
            assert isinstance(parsed, EmailMessage)
            self.received.append(ReceivedMail(tuple(envelope.rcpt_tos), parsed))
        return "250 OK"

    def received_keys(self) -> list[str]:
        with self.lock:
            return [mail.key for mail in self.received]


class SmtpServer:
    """A real SMTP server on 127.0.0.1 that can be stopped and started on the same port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.sink = SmtpSink()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def url(self, sender: str = "hyte@yhdyspinta.invalid") -> str:
        """The apprise URL of this server (plain SMTP, as on a local relay)."""
        return f"mailto://127.0.0.1:{self.port}?from={sender}&mode=insecure"


@dataclass
class TeamsPost:
    path: str
    query: str
    body: dict[str, Any]


class TeamsReceiver:
    """An HTTPS endpoint with a self-signed certificate standing in for a Teams workflow.

    `answers` is a queue of status codes to give before answering 202 again; a 429 comes
    with `Retry-After: {retry_after}`. `requests` records every request as it arrived
    (`time.monotonic()`, the status given), accepted or not.
    """

    workflow = "abc123workflow"
    signature = "Sig0SecretValue_ShouldNeverBeShown"

    def __init__(self, directory: Path) -> None:
        self.posts: list[TeamsPost] = []
        self.answers: list[int] = []
        self.retry_after = "1"
        self.requests: list[tuple[float, int]] = []
        self.lock = threading.Lock()
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert_file = directory / "teams-cert.pem"
        cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
        context.load_cert_chain(str(cert_file))
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with receiver.lock:
                    status = receiver.answers.pop(0) if receiver.answers else 202
                    receiver.requests.append((time.monotonic(), status))
                    retry_after = receiver.retry_after
                    if status < 300:
                        path, _, query = self.path.partition("?")
                        receiver.posts.append(TeamsPost(path, query, json.loads(raw)))
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def url(self) -> str:
        """The apprise workflows:// URL (certificate checks off: test only)."""
        return f"workflows://127.0.0.1:{self.port}/{self.workflow}/{self.signature}/?verify=no"

    def cards(self) -> Iterator[dict[str, Any]]:
        with self.lock:
            posts = list(self.posts)
        for post in posts:
            for attachment in post.body.get("attachments", []):
                yield attachment["content"]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
