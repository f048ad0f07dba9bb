"""Signed "mark done" links: bound to what they name, with a last day, unforgeable."""

from __future__ import annotations

from datetime import date

import pytest

from state.marklinks import MarkLink, MarkLinkError, make_link, sign, verify

SECRET = "s" * 43
DAY = date(2026, 12, 1)


def test_a_link_gives_back_what_it_was_made_for_until_its_last_day():
    token = make_link(SECRET, "municipal-budget.m564.2027", "council", "Anna@Oulu.fi", 3, DAY,
                      14)
    assert verify(SECRET, token, date(2026, 12, 15)) == MarkLink(
        occurrence_id="municipal-budget.m564.2027", step="council", email="anna@oulu.fi",
        revision=3, expires=date(2026, 12, 15))
    with pytest.raises(MarkLinkError) as expired:
        verify(SECRET, token, date(2026, 12, 16))
    assert expired.value.reason == "expired"


@pytest.mark.parametrize("change", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # the signature
    lambda t: "x" + t,  # the payload
    lambda t: t.replace(".", ""),
    lambda t: "",
    lambda t: t + "." + t,
    lambda t: "a" * 2000,
])
def test_a_changed_token_is_refused(change):
    token = make_link(SECRET, "x.m564.2027", "council", "a@b.fi", 0, DAY, 14)
    with pytest.raises(MarkLinkError) as refused:
        verify(SECRET, change(token), DAY)
    assert refused.value.reason == "tampered"


def test_another_key_or_a_longer_life_cannot_be_forged():
    real = MarkLink(occurrence_id="x.m564.2027", step="council", email="a@b.fi", revision=0,
                    expires=date(2026, 12, 15))
    with pytest.raises(MarkLinkError):
        verify("another key", sign(SECRET, real), DAY)
    _body, mac = sign(SECRET, real).split(".")
    longer, _ = sign(SECRET, MarkLink(occurrence_id="x.m564.2027", step="council",
                                      email="a@b.fi", revision=0,
                                      expires=date(2099, 1, 1))).split(".")
    with pytest.raises(MarkLinkError):
        verify(SECRET, f"{longer}.{mac}", DAY)
    assert len(mac) >= 43  # 256 bits of HMAC-SHA256, URL-safe
