"""Messages: language, dates and why they moved, escaping, keys, the card."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from calendars.duty import Duty, DutyStep, ShiftReason
from calendars.feeds import FeedRenderer
from notify.compose import Composer, Links
from notify.plan import Channel, Contact, Kind, Notice, Trigger
from obligations.lang import StepStatus
from obligations.parties import PartyRef

OCCURRENCE = "municipal-financial-statements.m905.2026"


@pytest.fixture
def renderer(definitions, registry, non_working_days):
    # The financial statements of 2026 are due 31.3.2027, a Wednesday; the step below is
    # given a statutory day on Saturday 27.3.2027 moved to Monday 29.3.2027.
    definition = next(d for d in definitions if d.id == "municipal-financial-statements")
    steps = tuple(
        DutyStep(step=s.id, role=s.role.value, party="municipality",
                 due=date(2027, 3, 27) if n == 0 else date(2027, 3, 31),
                 due_effective=date(2027, 3, 29) if n == 0 else date(2027, 3, 31),
                 status=StepStatus.DONE if n == 1 else StepStatus.NOT_STARTED, revision=0,
                 changed_at=None,
                 shift=ShiftReason.between(date(2027, 3, 27), date(2027, 3, 29),
                                           non_working_days) if n == 0 else None)
        for n, s in enumerate(definition.steps))
    occurrence = Duty(
        id=OCCURRENCE, obligation=definition.id, owed_by="municipality",
        party=PartyRef.of_municipality("905"), municipality="905",
        region="15", participants=("905",), period="2026", term="2025-2029", term_year=2,
        due=date(2027, 3, 31), due_effective=date(2027, 3, 31), revision=1,
        changed_at=datetime(2026, 11, 28, 3, 0), cancelled=False, steps=steps)
    return FeedRenderer(definitions={d.id: d for d in definitions}, registry=registry,
                        non_working_days=non_working_days, occurrences=[occurrence],
                        prodid="-//test//FI")


def _notice(renderer: FeedRenderer, contact: Contact, step_index: int = 0,
            kind: Kind = Kind.REMINDER, level: int = 0) -> Notice:
    step = renderer.occurrences[0].steps[step_index]
    trigger = Trigger(occurrence_id=OCCURRENCE, step=step.step, kind=kind, offset=7, level=level,
                      scheduled=date(2027, 3, 22))
    return Notice(trigger, contact, Channel.EMAIL)


def _contact(name: str = "Anna Sjöberg", language: str = "sv",
             delivery: str = "single") -> Contact:
    return Contact(id=7, party="m905", role="coordinator", name=name, language=language,
                   delivery=delivery, channels=(Channel.EMAIL,))


def test_a_single_reminder_in_swedish_says_why_the_date_moved(renderer):
    composer = Composer(renderer, date(2027, 3, 22),
                        Links(status_page="https://hyte.example.fi/{party}/{occurrence}"))
    (message,) = composer.compose([_notice(renderer, _contact())])
    assert message.subject.startswith("Påminnelse: ")
    assert message.subject.endswith("(29.3.2027)")
    assert "Lagstadgad dag: 27.3.2027" in message.text
    assert "Varför en annan dag: " in message.text
    assert "lördag" in message.text.lower()
    assert "(7 dagar kvar)" in message.text
    assert f"https://hyte.example.fi/m905/{OCCURRENCE}" in message.html
    assert message.key == _notice(renderer, _contact()).key
    assert message.ics is not None
    assert b"BEGIN:VEVENT" in message.ics
    # The done step shows as done in the checklist, in words as well as by its box.
    assert "[x]" in message.text
    assert "(klar)" in message.text


def test_names_are_escaped_in_html_and_card_is_json(renderer):
    hostile = _contact(name='<script>alert("x")</script> & Co', language="en")
    (message,) = Composer(renderer, date(2027, 3, 22)).compose([_notice(renderer, hostile)])
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert json.loads(json.dumps(message.card))["type"] == "AdaptiveCard"
    assert message.lang == "en"
    assert message.subject.startswith("Reminder: ")


def test_a_digest_groups_steps_by_duty_and_has_a_stable_key(renderer):
    contact = _contact(delivery="digest", language="fi")
    notices = [_notice(renderer, contact, 0), _notice(renderer, contact, 2, Kind.ESCALATION, 1)]
    composer = Composer(renderer, date(2027, 3, 22))
    (first,) = composer.compose(notices)
    (second,) = composer.compose(list(reversed(notices)))
    assert first.key == second.key
    assert first.key.startswith("digest|c7|email|2027-03-22|")
    assert set(first.notice_keys) == {n.key for n in notices}
    # Once per section the duty is in: due now, overdue, and coming (its other open steps).
    assert first.text.count("Tarkistuslista:") == 3
    assert "== Tulossa 30 päivän sisällä ==" in first.text
    assert "Eskalointi, taso 1" in first.text


def test_a_digests_calendar_holds_every_duty_it_lists(renderer):
    from dataclasses import replace

    (occurrence,) = renderer.occurrences
    other = replace(occurrence, id=f"{OCCURRENCE}-other")
    both = replace(renderer, occurrences=[occurrence, other])
    contact = _contact(delivery="digest", language="en")
    # Only the first duty is reminded of today; the other is listed as coming or overdue.
    (digest,) = Composer(both, date(2027, 3, 22)).compose([_notice(both, contact)])
    assert digest.ics is not None
    assert set(digest.occurrence_ids) == {OCCURRENCE, other.id}
    for occurrence_id in digest.occurrence_ids:
        assert f"UID:{occurrence_id}@yhdyspinta.fi".encode() in digest.ics


def _copies(renderer, count: int):
    from dataclasses import replace

    (occurrence,) = renderer.occurrences
    return replace(renderer, occurrences=[replace(occurrence, id=f"{OCCURRENCE}-{n}")
                                          for n in range(count)])


def _each(renderer, contact: Contact, kind: Kind = Kind.REMINDER) -> list[Notice]:
    notices = []
    for occurrence in renderer.occurrences:
        step = occurrence.steps[0]
        trigger = Trigger(occurrence_id=occurrence.id, step=step.step, kind=kind, offset=7,
                          level=int(kind is Kind.ESCALATION), scheduled=date(2027, 3, 22))
        notices.append(Notice(trigger, contact, Channel.EMAIL))
    return notices


@pytest.mark.parametrize(("notices", "sent_before", "singles", "digests"), [
    (3, 0, 3, 0),     # within the cap: one message each
    (10, 0, 2, 1),    # over it: the two most urgent alone, the other eight in one digest
    (10, 2, 0, 1),    # two went out earlier today: one digest holds the rest
    (1, 3, 0, 1),     # the cap was reached earlier today: still one digest, never silence
])
def test_a_single_contact_gets_at_most_the_daily_cap(renderer, notices, sent_before, singles,
                                                     digests):
    many = _copies(renderer, notices)
    contact = _contact()
    composer = Composer(many, date(2027, 3, 22), daily_cap=3,
                        sent_today={(contact.id, Channel.EMAIL): sent_before})
    messages = composer.compose(_each(many, contact))
    kinds = [m.key.startswith("digest|") for m in messages]
    assert (kinds.count(False), kinds.count(True)) == (singles, digests)
    carried = [key for m in messages for key in m.notice_keys]
    assert sorted(carried) == sorted(n.key for n in _each(many, contact))  # none lost


def test_over_the_cap_the_escalations_go_alone_first(renderer):
    many = _copies(renderer, 6)
    contact = _contact()
    notices = _each(many, contact)
    escalated = _each(_copies(renderer, 6), contact, Kind.ESCALATION)[4:]
    messages = Composer(many, date(2027, 3, 22), daily_cap=3).compose(notices[:4] + escalated)
    alone = [m for m in messages if not m.key.startswith("digest|")]
    assert len(alone) == 2
    assert all(m.subject.startswith("Försenad: ") for m in alone)


@pytest.mark.parametrize(("today", "listed"), [(date(2027, 5, 3), True),    # a Monday
                                               (date(2027, 5, 4), False)])  # a Tuesday
def test_long_overdue_steps_are_in_the_weekly_digest_only(renderer, today, listed):
    from dataclasses import replace

    (occurrence,) = renderer.occurrences
    # Another duty of the contact's, due 31.3.2027: over 30 days late in May.
    late = replace(occurrence, id=f"{OCCURRENCE}-late")
    both = replace(renderer, occurrences=[occurrence, late])
    contact = _contact(delivery="digest", language="en")
    step = occurrence.steps[2]
    notice = Notice(Trigger(occurrence_id=OCCURRENCE, step=step.step, kind=Kind.ESCALATION,
                            offset=30, level=1, scheduled=today), contact, Channel.EMAIL)
    (digest,) = Composer(both, today).compose([notice])
    assert ("Over 30 days overdue (weekly summary on Mondays)" in digest.text) is listed
    assert (late.id in digest.occurrence_ids) is listed
    assert "== Overdue ==" in digest.text  # what was escalated today still leads


@pytest.mark.parametrize(("lang", "today", "wanted", "unwanted"), [
    ("fi", date(2027, 3, 22), ["Tavoitepäivä: 29.3.2027", "Lain takaraja: 31.12.2027"],
     ["Tilanne:"]),
    ("sv", date(2027, 4, 5), ["Måldag: 29.3.2027", "Lagens sista dag: 31.12.2027",
                              "Läge: Försenad mot måldagen; lagens sista dag har inte passerat"],
     []),
    ("en", date(2028, 1, 3), ["Target date: 29.3.2027", "Legal limit: 31.12.2027",
                              "Standing: The legal limit has passed"], ["Late against"]),
])
def test_a_message_shows_the_target_and_the_legal_limit(renderer, lang, today, wanted,
                                                        unwanted):
    """Issue 13: a step whose legal limit is later than its target says both, and whether
    it is late against the target only or past the legal limit."""
    from dataclasses import replace

    occurrence = renderer.occurrences[0]
    steps = (replace(occurrence.steps[0], legal_limit=date(2027, 12, 31)),
             *occurrence.steps[1:])
    later = replace(renderer, occurrences=[replace(occurrence, steps=steps)],
                    _by_key={}, _events={}, _todos={}, _step_events={})
    (message,) = Composer(later, today).compose([_notice(later, _contact(language=lang))])
    for text in wanted:
        assert text in message.text, text
        assert text.split(": ")[1] in message.html, text
    for text in unwanted:
        assert text not in message.text, text
    facts = json.dumps(message.card, ensure_ascii=False)
    assert wanted[1].split(": ")[1] in facts


def test_each_step_links_to_its_form_and_an_email_carries_a_signed_mark_done_link(renderer):
    from state.marklinks import verify

    links = Links(pages_url="https://hyte.example.fi/", mark_secret="k" * 32, mark_days=14)
    composer = Composer(renderer, date(2027, 3, 22), links)
    step = renderer.occurrences[0].steps[0].step
    contact = Contact(id=7, party="m905", role="coordinator", name="Anna", language="en",
                      delivery="single", channels=(Channel.EMAIL, Channel.TEAMS),
                      email="Anna@Vasa.fi")
    email = _notice(renderer, contact)
    teams = Notice(email.trigger, contact, Channel.TEAMS)
    by_channel = {m.channel: m for m in composer.compose([email, teams])}
    form = f"https://hyte.example.fi/duty/{OCCURRENCE}?step={step}&lang=en#step-{step}"
    mail = by_channel[Channel.EMAIL]
    assert f"Record it on the duty's page: {form}" in mail.text
    (token,) = [line.split("?t=", 1)[1].split("&", 1)[0] for line in mail.text.splitlines()
                if "Mark done with one click: " in line]
    link = verify("k" * 32, token, date(2027, 4, 5))
    assert (link.occurrence_id, link.step, link.email, link.revision) == (
        OCCURRENCE, step, "anna@vasa.fi", 0)
    card = json.dumps(by_channel[Channel.TEAMS].card)
    assert form in card
    assert "mark-done" not in card  # a channel post is read by many: no one-click link
    # No secret, no one-click link; no pages address, no links at all.
    plain = Composer(renderer, date(2027, 3, 22), Links(pages_url="https://hyte.example.fi"))
    assert "mark-done" not in plain.compose([email])[0].text
    assert "/duty/" not in Composer(renderer, date(2027, 3, 22)).compose([email])[0].text
