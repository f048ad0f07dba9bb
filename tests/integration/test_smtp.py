"""Email over a real SMTP server on 127.0.0.1: headers by the standard library's policy,
one connection for many messages, 5xx given up at once, a stalled server bounded."""

from __future__ import annotations

import re
import socket
import threading
from email.header import decode_header, make_header

import pytest

from notify.smtp import SmtpRefusedError, SmtpSender, SmtpServerConfig, build_message
from state.channels import parse_smtp_url

LONG_SUBJECT = ("Muistutus: Hyvinvointikertomuksen ja -suunnitelman hyväksyminen "
                "valtuustossa – Laajan hyvinvointikertomuksen laatiminen ja hyväksyminen "
                "valtuustossa – Pohjois-Pohjanmaan hyvinvointialue – Oulun seutu (31.5.2029)")


def _sender(url: str, timeout: float = 15.0) -> SmtpSender:
    return SmtpSender(SmtpServerConfig.from_apprise(parse_smtp_url(url)), timeout=timeout)


def _message(sender: SmtpSender, to: str = "Anna <anna@example.fi>", subject: str = "s"):
    return build_message(sender.config, to=to, subject=subject, text="teksti", html="<p>h</p>",
                         ics=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", headers={"X-K": "k"})


def test_a_long_subject_is_folded_into_encoded_words_of_at_most_75_characters(smtp):
    sender = _sender(smtp.url())
    sender.send(_message(sender, subject=LONG_SUBJECT))
    sender.close()
    (raw,) = smtp.sink.raw
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    words = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head)
    assert words
    assert max(len(word) for word in words) <= 75
    (mail,) = smtp.sink.received
    assert str(make_header(decode_header(mail.message["Subject"]))) == LONG_SUBJECT
    assert mail.part("text/plain").strip() == "teksti"
    assert mail.attachments()["yhdyspinta.ics"].startswith(b"BEGIN:VCALENDAR")
    assert mail.message["From"] == "Yhdyspinta <hyte@yhdyspinta.invalid>"


def test_many_messages_go_over_one_connection(smtp):
    sender = _sender(smtp.url())
    for number in range(5):
        sender.send(_message(sender, subject=f"viesti {number}"))
    sender.close()
    assert len(smtp.sink.received) == 5
    assert len(set(smtp.sink.peers)) == 1


def test_a_connection_the_server_closed_is_replaced_without_losing_the_message(smtp):
    sender = _sender(smtp.url())
    sender.send(_message(sender, subject="first"))
    smtp.stop()
    smtp.start()  # the kept connection is dead now
    sender.send(_message(sender, subject="second"))
    sender.close()
    assert [m.message["Subject"] for m in smtp.sink.received] == ["first", "second"]
    assert len(set(smtp.sink.peers)) == 2


@pytest.mark.parametrize(("reply", "permanent"), [("550 5.1.1 No such user", True),
                                                  ("554 Transaction failed", True),
                                                  ("452 Mailbox full for now", False)])
def test_a_refusal_is_permanent_only_for_5xx(smtp, reply, permanent):
    smtp.sink.refuse, smtp.sink.refusal = 1, reply
    sender = _sender(smtp.url())
    with pytest.raises(SmtpRefusedError) as refused:
        sender.send(_message(sender))
    assert refused.value.permanent is permanent
    assert reply.split()[0] in str(refused.value)
    sender.send(_message(sender))  # the connection is still usable after a refusal
    sender.close()
    assert len(smtp.sink.received) == 1


def test_a_stalled_server_ends_the_attempt_with_a_retryable_error():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:  # takes the connection and never says a word
        listener.settimeout(5)
        try:
            accepted.append(listener.accept()[0])
        except OSError:
            return
        stop.wait(10)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    sender = _sender(f"mailto://127.0.0.1:{port}?from=hyte@x.invalid&mode=insecure",
                     timeout=0.5)
    try:
        with pytest.raises(OSError, match="timed out") as stalled:
            sender.send(_message(sender))
        # smtplib reports a reply that never came as a dropped connection: retried later.
        assert not isinstance(stalled.value, SmtpRefusedError)
        assert "timed out" in str(stalled.value)
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()
