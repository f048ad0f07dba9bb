"""Teams cards: valid for the version they declare (Microsoft's adaptivecards library under
Node), and never over one post's 28 KB however much a digest holds."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from calendars.feeds import FeedRenderer
from notify.compose import MAX_POST_BYTES, Composer, Links
from notify.plan import Channel, Contact, Kind, Notice, Trigger
from tests.unit.test_notify_compose import OCCURRENCE, renderer  # noqa: F401 (a fixture)

JS = Path(__file__).parents[1] / "js"
TODAY = date(2027, 3, 22)


def _validate(cards: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    node = shutil.which("node")
    if node is None or not (JS / "node_modules" / "adaptivecards").is_dir():
        pytest.fail("Node and tests/js/node_modules are needed (make test installs them)")
    done = subprocess.run([node, str(JS / "validate-cards.js")], input=json.dumps(cards),
                          capture_output=True, text=True, check=True, timeout=60)
    problems: dict[str, list[str]] = json.loads(done.stdout)
    return problems


def _posted_size(card: dict[str, Any]) -> int:
    """The body apprise posts for a card (see notify/transport.py)."""
    return len(json.dumps({"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
        "content": card}]}))


def _contact(delivery: str, language: str = "fi") -> Contact:
    return Contact(id=7, party="m905", role="coordinator", name="Anna Sjöberg",
                   language=language, delivery=delivery, channels=(Channel.TEAMS,))


def _many(renderer: FeedRenderer, count: int) -> FeedRenderer:  # noqa: F811
    """The fixture's duty `count` times, as if a county coordinator had that many."""
    (occurrence,) = renderer.occurrences
    copies = [replace(occurrence, id=f"{OCCURRENCE}-{n}") for n in range(count)]
    return replace(renderer, occurrences=copies)


def _notices(renderer: FeedRenderer, contact: Contact) -> list[Notice]:  # noqa: F811
    notices = []
    for n, occurrence in enumerate(renderer.occurrences):
        step = occurrence.steps[n % 2 * 2]
        kind = Kind.ESCALATION if n % 2 else Kind.REMINDER
        trigger = Trigger(occurrence.id, step.step, kind, 7, n % 2, TODAY)
        notices.append(Notice(trigger, contact, Channel.TEAMS))
    return notices


def test_every_kind_of_card_is_valid_for_the_version_it_declares(renderer):  # noqa: F811
    links = Links(status_page="https://hyte.example.fi/{party}")
    cards: dict[str, dict[str, Any]] = {}
    for lang in ("fi", "sv", "en"):
        single = Composer(renderer, TODAY, links).compose(
            _notices(renderer, _contact("single", lang)))
        cards[f"reminder-{lang}"] = single[0].card
        big = _many(renderer, 300)
        (digest,) = Composer(big, TODAY, links).compose(_notices(big, _contact("digest", lang)))
        cards[f"digest-{lang}"] = digest.card
    escalation = Composer(_many(renderer, 2), TODAY).compose(
        _notices(_many(renderer, 2), _contact("single")))[1]
    cards["escalation"] = escalation.card
    assert any(b.get("color") == "Attention" for b in escalation.card["body"])
    problems = _validate(cards)
    assert set(problems) == set(cards)
    assert problems == {name: [] for name in cards}


def test_the_validator_finds_what_a_version_lacks():
    card = {"type": "AdaptiveCard", "version": "1.4",
            "body": [{"type": "TextBlock", "text": "x", "style": "heading"}]}
    (problem,) = _validate({"heading": card})["heading"]
    assert "1.5" in problem


@pytest.mark.parametrize("count", [1, 40, 477])
def test_a_digest_card_fits_one_post_and_says_how_many_more(renderer, count):  # noqa: F811
    big = _many(renderer, count)
    links = Links(status_page="https://hyte.example.fi/{party}")
    (digest,) = Composer(big, TODAY, links).compose(_notices(big, _contact("digest")))
    assert _posted_size(digest.card) <= MAX_POST_BYTES
    body = digest.card["body"]
    shown = sum(1 for b in body if b.get("spacing") == "Medium")  # one title per duty
    more = [b["text"] for b in body if str(b.get("text", "")).startswith("… ja ")]
    listed = digest.text.count("Tarkistuslista:")  # the email lists every item
    assert shown >= 1
    if count == 1:
        assert (more, shown) == ([], listed)
    else:
        (line,) = more
        assert line == f"… ja {listed - shown} muuta: katso tilannesivulta."
        assert any(a["url"] == "https://hyte.example.fi/m905" for a in digest.card["actions"])
