"""Email over SMTP with the standard library, one kept-open connection per sending thread.

Messages are built by `EmailMessage` under the SMTP policy. Why not apprise's email
plugin (Teams still goes through apprise): it writes the Subject as one encoded word
however long (RFC 2047 allows 75 characters), opens a connection and loads the
certificate store for every message (13× slower than smtplib over one connection), and
reports a refusal only as log text, so a permanent refusal (5xx) could not be told from
a passing one (4xx, a dropped connection). apprise still parses the configured
`mailto://` / `mailtos://` URL, so the setting means what it did.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate, make_msgid
from typing import Any

SMTP_TIMEOUT_SECONDS = 15.0
"""Every connect, command and reply waits at most this long, so a stalled server cannot
hold a run (or its `--wait`) for ever; a timed-out attempt is retried later."""

DEFAULT_SENDER_NAME = "Yhdyspinta"


class SmtpRefusedError(Exception):
    """The server refused the message; `permanent` when retrying cannot help (5xx)."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True, slots=True)
class SmtpServerConfig:
    """Where and how to send, read once from the configured URL."""

    host: str
    port: int
    mode: str
    """`ssl` (TLS from the start), `starttls` or `insecure` (plain, for a local relay)."""
    user: str | None
    password: str | None
    sender: Address
    verify: bool

    @classmethod
    def from_apprise(cls, parsed: dict[str, Any]) -> SmtpServerConfig:
        """From apprise's parse of the URL (its defaults for port and mode included)."""
        from apprise.plugins.email import NotifyEmail

        plugin = NotifyEmail(**parsed)
        name, address = plugin.from_addr
        if not name or not (parsed.get("qsd") or {}).get("from"):
            name = DEFAULT_SENDER_NAME  # with no name in from=, apprise would say "Apprise"
        username, _, domain = str(address).rpartition("@")
        return cls(host=plugin.smtp_host or str(parsed["host"]), port=int(plugin.port or 25),
                   mode=str(plugin.secure_mode) if plugin.secure else "insecure",
                   user=plugin.user or None, password=plugin.password or None,
                   sender=Address(display_name=str(name), username=username, domain=domain),
                   verify=bool(plugin.verify_certificate))


def build_message(config: SmtpServerConfig, *, to: str, subject: str, text: str, html: str,
                  ics: bytes | None, headers: dict[str, str]) -> EmailMessage:
    """A multipart message (text, HTML, optional calendar) whose headers the policy folds."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = subject
    message["From"] = config.sender
    message["To"] = to
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=config.sender.domain or None)
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if ics is not None:
        message.add_attachment(ics, maintype="text", subtype="calendar",
                               filename="yhdyspinta.ics")
    return message


class SmtpSender:
    """Sends messages over one kept-open connection per thread; safe across threads."""

    def __init__(self, config: SmtpServerConfig, timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.config = config
        self.timeout = timeout
        # One context for every connection: the certificate store is read once. Checks
        # stay on unless the URL itself says verify=no.
        self._context = ssl.create_default_context()
        if not config.verify:
            self._context.check_hostname = False
            self._context.verify_mode = ssl.CERT_NONE
        self._local = threading.local()
        self._open: list[smtplib.SMTP] = []
        self._lock = threading.Lock()

    def send(self, message: EmailMessage) -> None:
        """Deliver one message; raises SmtpRefusedError or OSError (then it may be retried)."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            try:
                self._deliver(connection, message)
                return
            except (smtplib.SMTPServerDisconnected, ConnectionError):
                # The kept connection went stale between messages (the server closed it):
                # nothing was accepted, so one fresh try is safe.
                self._drop(connection)
        connection = self._connect()
        try:
            self._deliver(connection, message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop(connection)
            raise

    def close(self) -> None:
        """End every connection this sender opened (at the end of a run)."""
        with self._lock:
            connections, self._open = self._open, []
        for connection in connections:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        try:
            connection: smtplib.SMTP
            if config.mode == "ssl":
                connection = smtplib.SMTP_SSL(config.host, config.port, timeout=self.timeout,
                                              context=self._context)
            else:
                connection = smtplib.SMTP(config.host, config.port, timeout=self.timeout)
        except ssl.SSLCertVerificationError as error:
            raise _untrusted(error) from None
        except smtplib.SMTPResponseException as error:
            raise _refused(error.smtp_code, error.smtp_error) from None
        try:
            if config.mode == "starttls":
                try:
                    connection.starttls(context=self._context)
                except smtplib.SMTPNotSupportedError:
                    raise SmtpRefusedError("the SMTP server does not offer STARTTLS",
                                      permanent=True) from None
            if config.user:
                try:
                    connection.login(config.user, config.password or "")
                except smtplib.SMTPNotSupportedError:
                    raise SmtpRefusedError("the SMTP server does not offer a login (AUTH)",
                                      permanent=True) from None
                except smtplib.SMTPAuthenticationError as error:
                    raise SmtpRefusedError(f"the SMTP server refused the login ({error.smtp_code})",
                                      permanent=True) from None
        except ssl.SSLCertVerificationError as error:
            connection.close()
            raise _untrusted(error) from None
        except smtplib.SMTPResponseException as error:
            connection.close()
            raise _refused(error.smtp_code, error.smtp_error) from None
        except BaseException:
            connection.close()
            raise
        self._local.connection = connection
        with self._lock:
            self._open.append(connection)
        return connection

    def _drop(self, connection: smtplib.SMTP) -> None:
        self._local.connection = None
        with self._lock:
            if connection in self._open:
                self._open.remove(connection)
        connection.close()

    @staticmethod
    def _deliver(connection: smtplib.SMTP, message: EmailMessage) -> None:
        try:
            connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            answered = ", ".join(map(str, codes))
            raise SmtpRefusedError(f"the SMTP server refused the recipient ({answered})",
                                   permanent=all(code >= 500 for code in codes)) from None
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException as error:
            raise _refused(error.smtp_code, error.smtp_error) from None


def _untrusted(error: ssl.SSLCertVerificationError) -> SmtpRefusedError:
    return SmtpRefusedError("the SMTP server's certificate is not trusted "
                            f"({error.verify_message})", permanent=True)


def _refused(code: int, reply: bytes | str) -> SmtpRefusedError:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return SmtpRefusedError(f"the SMTP server answered {code} {text.strip()[:200]}",
                       permanent=code >= 500)
