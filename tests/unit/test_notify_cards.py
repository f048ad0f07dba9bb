"""Teams cards: valid for the version they declare (Microsoft's adaptivecards library under
Node), and never over one post's 28 KB however much a digest holds."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from calendars.duty import Duty
from calendars.feeds import FeedRenderer
from calendars.schedule import PlanFilter, PlanWindow, plan
from notify.compose import MAX_POST_BYTES, Composer, Links
from notify.plan import (
    Channel,
    Contact,
    Kind,
    Notice,
    Trigger,
    escalation_days,
    plan_notices,
    reminder_days,
)
from notify.transport import card_envelope
from obligations.catalogue import gettext, ngettext
from obligations.config import EMPTY_CONFIGURATION
from tests.feed_fixtures import feed_view_of
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
    """The bytes the transport posts for a card (envelope included, ASCII-escaped JSON)."""
    return len(json.dumps(card_envelope(card)))


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
        trigger = Trigger(occurrence_id=occurrence.id, step=step.step, kind=kind, offset=7,
                          level=n % 2, scheduled=TODAY)
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


def _busiest_day(view: list[Duty], definitions: dict[str, Any], contact: Contact,
                 non_working_days: Any, start: date, end: date) -> tuple[date, list[Notice]]:
    """The working day in [start, end] with the most notices for `contact`, found exactly.

    Each open step can give a contact at most one notice a day, on one of its reminder or
    escalation days (`notify.plan` decides them; no catch-up, as for a service that ran
    every day). So the steps scheduled on a day bound its notices from above: days are
    planned in that order until no bound can beat the best found.
    """
    bound: Counter[date] = Counter()
    for occurrence in view:
        definition = definitions[occurrence.obligation]
        for step in occurrence.steps:
            planned = next((s for s in definition.steps if s.id == step.step), None)
            offsets = (planned.reminders if planned and planned.reminders is not None
                       else definition.reminders)
            days = set(reminder_days(step.due_effective, offsets, non_working_days))
            days |= set(escalation_days(step.due_effective, definition.escalations,
                                        non_working_days))
            bound.update(day for day in days if start <= day <= end)
    best: tuple[date, list[Notice]] | None = None
    for day, most in sorted(bound.items(), key=lambda item: (-item[1], item[0])):
        if best is not None and most <= len(best[1]):
            break
        notices = list(plan_notices(view, definitions, [contact], EMPTY_CONFIGURATION,
                                    non_working_days, day, catch_up_days=0).notices)
        if best is None or len(notices) > len(best[1]):
            best = (day, notices)
    assert best is not None
    return best


def test_the_busiest_day_of_the_largest_county_fits_one_post_and_is_valid(
        definitions, registry, non_working_days):
    county = max(registry.counties, key=lambda r: (len(registry.members(r.code)), r.code))
    view = feed_view_of(plan(definitions, registry, non_working_days,
                             PlanWindow(date(2026, 1, 1), date(2027, 12, 31)),
                             selection=PlanFilter(region=county.code)))
    by_id = {d.id: d for d in definitions}
    county_view = FeedRenderer(definitions=by_id, registry=registry,
                            non_working_days=non_working_days, occurrences=view,
                            prodid="-//test//FI")
    links = Links(status_page="https://hyte.example.fi/{party}")
    cards: dict[str, dict[str, Any]] = {}
    for lang in ("fi", "sv", "en"):
        coordinator = Contact(id=1, party=f"r{county.code}", role="coordinator",
                              name="Kaisa Koordinaattori", language=lang, delivery="digest",
                              channels=(Channel.TEAMS,))
        day, notices = _busiest_day(view, by_id, coordinator, non_working_days,
                                    date(2026, 1, 1), date(2026, 12, 31))
        assert len(notices) >= 50  # a flood's day, not a quiet one
        (digest,) = Composer(county_view, day, links).compose(notices)
        assert _posted_size(digest.card) <= MAX_POST_BYTES
        # Not everything fits: the card says how many more and links to the rest.
        listed = digest.text.count(gettext("mail.checklist", lang))
        titles = sum(1 for b in digest.card["body"] if b.get("spacing") == "Medium")
        assert 1 <= titles < listed
        more = digest.card["body"][-1]["text"]
        assert more == ngettext("mail.more", "mail.more.n", listed - titles, lang,
                                count=listed - titles)
        assert digest.card["actions"][0]["url"] == f"https://hyte.example.fi/r{county.code}"
        cards[f"busiest-{lang}"] = digest.card
    assert _validate(cards) == {name: [] for name in cards}
