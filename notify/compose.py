"""Messages from notices: a digest per contact and channel, or one message per notice.

Each message says, in the contact's language: the duty and its party, the step and who
does it, the statutory and effective dates and why they differ, the legal basis, the whole
checklist, and links to the calendar feed and the status page when configured. Email gets
HTML (apprise derives the text part from it) and the duties as an .ics attachment; Teams
gets an Adaptive Card. Pure: the same notices and store view give the same message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Any

import jinja2

from calendars.duty import Duty, DutyStep
from calendars.feeds import FeedRenderer, home_feed, is_public
from calendars.ics import CalendarMeta, render_calendar, render_event, render_todo
from calendars.urls import Urls
from calendars.wording import describe_shift, finnish_date, legal_citation, legal_url
from notify.plan import Channel, Contact, Kind, Notice, owner_parties
from obligations.catalogue import N_, gettext, ngettext
from obligations.lang import step_status_label
from obligations.parties import PartyRef
from obligations.schema import Lang, PartyKind, Role
from obligations.vocabulary import role_label
from state.marklinks import make_link
from yhdyspinta.templating import environment

COMING_DAYS = 30
"""A digest also lists the contact's other open steps due within this many days."""

LONG_OVERDUE_DAYS = 30
"""Steps overdue longer than this are no news: a digest lists them once a week (Mondays),
under their own heading, so that what is due now and what is newly late lead every day."""

DAILY_CAP = 3
"""At most this many messages a day to one contact on one channel (the default of
`YHDYSPINTA_NOTIFY_DAILY_CAP`): a `single` contact's further notices go into one digest."""

_SUBJECTS: Mapping[Kind, str] = {
    Kind.REMINDER: N_("mail.subject.reminder"),
    Kind.ESCALATION: N_("mail.subject.escalation"),
}


@dataclass(frozen=True, slots=True)
class Links:
    """Where messages may point; None leaves a link out."""

    public_url: str | None = None
    """Base of the feed server, for feeds that are public."""
    public_feeds: frozenset[str] = frozenset()
    status_page: str | None = None
    """A status page address; `{party}` and `{occurrence}` are filled in."""
    pages_url: str | None = None
    """Base of the pages: each step links to its form, `/duty/{occurrence}#step-{step}`."""
    mark_secret: str | None = field(default=None, repr=False)
    """Signs the one-click "mark done" links of emails (`state.marklinks`); None: none."""
    mark_days: int = 14
    """How many days a "mark done" link works."""


@dataclass(frozen=True, slots=True)
class ChecklistLine:
    """One step of a duty's checklist as shown in a message."""

    done: bool
    name: str
    role: str
    due: str
    status: str


@dataclass(frozen=True, slots=True)
class StepLine:
    """One step that needs attention: what, who, when, and why the date moved."""

    occurrence_id: str
    step_id: str
    step: str
    role: str
    when: str
    due: str
    statutory: str | None
    """The statutory date when the effective one differs."""
    why: str | None
    escalation_level: int
    legal_limit: str | None = None
    """The last day the law allows, when it is later than the target."""
    standing: str | None = None
    """Past the legal limit, or late against the target only; None when not late."""
    url: str | None = None
    """The step on its duty page, where its form is (after signing in)."""
    done_url: str | None = None
    """A signed one-click "mark done" link for this recipient (email only)."""


@dataclass(frozen=True, slots=True)
class Item:
    """A duty with the steps of it that need attention, and its whole checklist."""

    occurrence_id: str
    duty: str
    """Obligation, period and party: "Hyvinvointikertomus 2026 – Kajaani"."""
    steps: tuple[StepLine, ...]
    basis: tuple[tuple[str, str], ...]
    """(text, address) of each provision."""
    checklist: tuple[ChecklistLine, ...]
    links: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and its items."""

    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Message:
    """One message to one contact on one channel, with the notices it carries."""

    key: str
    """The outbox key: a re-run that composes the same message finds it queued already."""
    contact: Contact
    channel: Channel
    notice_keys: tuple[str, ...]
    """`Notice.key` of each notice carried; one queued already is not sent again."""
    occurrence_ids: tuple[str, ...]
    subject: str
    text: str
    html: str
    card: dict[str, Any]
    """The Teams Adaptive Card (JSON), written for every channel, posted only to Teams."""
    ics: bytes | None
    """The listed duties as a calendar attachment; email only (None for Teams)."""
    lang: Lang
    summary: tuple[str, ...]
    """One line per item, for `remind --dry-run`."""
    day: date | None = None
    """The day the text was written for ("3 days to go"): on a later day it is wrong."""

    def payload(self) -> str:
        """What the outbox keeps: everything the sender needs, nothing secret."""
        return json.dumps({
            "subject": self.subject, "text": self.text, "html": self.html, "card": self.card,
            "ics": self.ics.decode() if self.ics is not None else None, "lang": self.lang,
            "day": self.day.isoformat() if self.day is not None else None,
        }, ensure_ascii=False, sort_keys=True)


@cache
def _templates() -> jinja2.Environment:
    return environment(
        loader=jinja2.PackageLoader("notify", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _lang(contact: Contact) -> Lang:
    value = contact.language
    return value if value in ("fi", "sv", "en") else "fi"  # type: ignore[return-value]


@dataclass
class Composer:
    """Builds messages over one store view (`renderer` holds the view and the definitions)."""

    renderer: FeedRenderer
    today: date
    links: Links = field(default_factory=Links)
    daily_cap: int = DAILY_CAP
    sent_today: Mapping[tuple[int, Channel], int] = field(default_factory=dict)
    """Messages queued earlier today per (contact id, channel): they count to the cap."""
    _by_id: dict[str, Duty] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_id = {o.id: o for o in self.renderer.occurrences}

    def compose(self, notices: Sequence[Notice]) -> list[Message]:
        """Digest contacts get one message per channel; single contacts one per notice."""
        groups: dict[tuple[int, Channel], list[Notice]] = {}
        for notice in notices:
            groups.setdefault((notice.contact.id, notice.channel), []).append(notice)
        messages: list[Message] = []
        for (_, channel), group in sorted(groups.items(), key=lambda g: (g[0][0], g[0][1].value)):
            contact = group[0].contact
            if contact.delivery != "single":
                messages.append(self._digest(contact, channel, group))
                continue
            room = self.daily_cap - self.sent_today.get((contact.id, channel), 0)
            if len(group) <= room:
                messages.extend(self._single(n) for n in group)
                continue
            # Over the cap: the most urgent alone, the rest (at least one) in one digest.
            urgent = sorted(group, key=self._urgency)
            singles = max(room - 1, 0)
            messages.extend(self._single(n) for n in urgent[:singles])
            messages.append(self._digest(contact, channel, urgent[singles:]))
        return messages

    def _urgency(self, notice: Notice) -> tuple[int, int, date, str, str]:
        """Escalations first (the higher the level, the sooner), then the earliest due."""
        trigger = notice.trigger
        occurrence = self._by_id[trigger.occurrence_id]
        step = next(s for s in occurrence.steps if s.step == trigger.step)
        return (0 if trigger.kind is Kind.ESCALATION else 1, -trigger.level,
                step.due_effective, trigger.occurrence_id, trigger.step)

    # --- building ---------------------------------------------------------------------

    def _single(self, notice: Notice) -> Message:
        lang = _lang(notice.contact)
        trigger = notice.trigger
        (item,) = self._items([(trigger.occurrence_id, trigger.step, trigger.level)], lang,
                              notice.contact, notice.channel)
        line = item.steps[0]
        subject = gettext(_SUBJECTS[trigger.kind], lang, step=line.step, duty=item.duty,
                          date=line.due)
        heading = (gettext("mail.section.overdue", lang) if trigger.kind is Kind.ESCALATION
                   else gettext("mail.section.now", lang))
        return self._message(notice.key, notice.contact, notice.channel, (notice,), subject,
                             gettext("mail.intro.single", lang), [Section(heading, (item,))],
                             lang)

    def _digest(self, contact: Contact, channel: Channel, notices: list[Notice]) -> Message:
        lang = _lang(contact)
        now: list[tuple[str, str, int]] = []
        overdue: list[tuple[str, str, int]] = []
        told = set()
        for notice in notices:
            trigger = notice.trigger
            told.add((trigger.occurrence_id, trigger.step))
            (overdue if trigger.kind is Kind.ESCALATION else now).append(
                (trigger.occurrence_id, trigger.step, trigger.level))
        coming: list[tuple[str, str, int]] = []
        long_overdue: list[tuple[str, str, int]] = []
        weekly = self.today.weekday() == 0
        for occurrence, step in self._contact_steps(contact):
            if (occurrence.id, step.step) in told:
                continue
            if step.due_effective < self.today - timedelta(days=LONG_OVERDUE_DAYS):
                if weekly:
                    long_overdue.append((occurrence.id, step.step, 0))
            elif step.due_effective < self.today:
                overdue.append((occurrence.id, step.step, 0))
            elif step.due_effective <= self.today + timedelta(days=COMING_DAYS):
                coming.append((occurrence.id, step.step, 0))
        sections = [Section(gettext("mail.section.now", lang),
                            self._items(now, lang, contact, channel)),
                    Section(gettext("mail.section.overdue", lang),
                            self._items(overdue, lang, contact, channel)),
                    Section(gettext("mail.section.coming", lang, days=COMING_DAYS),
                            self._items(coming, lang, contact, channel)),
                    Section(gettext("mail.section.long_overdue", lang, days=LONG_OVERDUE_DAYS),
                            self._items(long_overdue, lang, contact, channel))]
        keys = sorted(n.key for n in notices)
        digest = hashlib.sha256("\n".join(keys).encode()).hexdigest()[:16]
        key = f"digest|c{contact.id}|{channel.value}|{self.today.isoformat()}|{digest}"
        count = len(now) + len(overdue)
        subject = ngettext("mail.subject.digest", "mail.subject.digest.n", count, lang,
                           date=finnish_date(self.today), count=count)
        return self._message(key, contact, channel, tuple(notices), subject,
                             gettext("mail.intro.digest", lang),
                             [s for s in sections if s.items], lang)

    def _contact_steps(self, contact: Contact) -> list[tuple[Duty, DutyStep]]:
        """Open steps of the contact's party that are theirs (a coordinator sees them all).

        A duty that is not tracked (`Duty.tracked`) has no line in a digest.
        """
        found = []
        for occurrence in self.renderer.occurrences:
            if occurrence.cancelled or not occurrence.tracked or \
                    occurrence.obligation not in self.renderer.definitions:
                continue
            for step in occurrence.steps:
                if step.closed or contact.party not in owner_parties(occurrence, step):
                    continue
                if contact.role in (step.role, Role.COORDINATOR.value):
                    found.append((occurrence, step))
        return found

    def _items(self, wanted: Sequence[tuple[str, str, int]], lang: Lang,
               contact: Contact, channel: Channel) -> tuple[Item, ...]:
        """Steps grouped by duty, so a checklist is shown once however many steps are due."""
        grouped: dict[str, list[StepLine]] = {}
        for occurrence_id, step_id, level in wanted:
            grouped.setdefault(occurrence_id, []).append(
                self._step_line(occurrence_id, step_id, lang, level, contact, channel))
        items = []
        for occurrence_id, lines in grouped.items():
            order = [s.step for s in self._by_id[occurrence_id].steps]
            lines.sort(key=lambda line: order.index(line.step_id))
            items.append(self._item(occurrence_id, tuple(lines), lang, contact))
        items.sort(key=lambda i: (self._by_id[i.occurrence_id].due_effective, i.duty))
        return tuple(items)

    def _step_line(self, occurrence_id: str, step_id: str, lang: Lang, level: int,
                   contact: Contact, channel: Channel) -> StepLine:
        occurrence = self._by_id[occurrence_id]
        definition = self.renderer.definitions[occurrence.obligation]
        step = next(s for s in occurrence.steps if s.step == step_id)
        days = (step.due_effective - self.today).days
        if days > 0:
            when = ngettext("mail.when.reminder", "mail.when.reminder.n", days, lang, days=days)
        elif days == 0:
            when = gettext("mail.when.today", lang)
        else:
            when = ngettext("mail.when.overdue", "mail.when.overdue.n", -days, lang, days=-days)
        why = None
        if step.due != step.due_effective:
            why = gettext("feed.because", lang) + " " + describe_shift(step.shift, lang)
        return StepLine(
            occurrence_id=occurrence_id, step_id=step_id,
            step=definition.step(step.step).names.get(lang),
            role=role_label(Role(step.role), PartyKind(step.party), lang),
            when=when, due=finnish_date(step.due_effective),
            statutory=finnish_date(step.due) if step.due != step.due_effective else None,
            why=why, escalation_level=level,
            legal_limit=finnish_date(step.limit) if step.limit != step.due_effective else None,
            standing=(gettext("mail.state.past_limit", lang) if step.limit < self.today else
                      gettext("mail.state.late", lang) if days < 0 else None),
            **self._step_links(occurrence_id, step, lang, contact, channel))

    def _step_links(self, occurrence_id: str, step: DutyStep, lang: Lang, contact: Contact,
                    channel: Channel) -> dict[str, str | None]:
        """The step's form on its duty page; for an email, also a "mark done" link."""
        base = self.links.pages_url
        if not base:
            return {}
        urls = Urls(base)
        found: dict[str, str | None] = {"url": urls.step(occurrence_id, step.step, lang=lang)}
        if self.links.mark_secret and channel is Channel.EMAIL and contact.email:
            token = make_link(self.links.mark_secret, occurrence_id, step.step, contact.email,
                              step.revision, self.today, self.links.mark_days)
            found["done_url"] = urls.mark_done(token, lang)
        return found

    def _item(self, occurrence_id: str, lines: tuple[StepLine, ...], lang: Lang,
              contact: Contact) -> Item:
        occurrence = self._by_id[occurrence_id]
        definition = self.renderer.definitions[occurrence.obligation]
        basis = tuple((legal_citation(b, lang), legal_url(b, lang))
                      for b in definition.legal_basis)
        checklist = tuple(
            ChecklistLine(
                done=s.closed,
                name=definition.step(s.step).names.get(lang),
                role=role_label(Role(s.role), PartyKind(s.party), lang),
                due=finnish_date(s.due_effective),
                status=step_status_label(s.status, lang),
            )
            for s in occurrence.steps)
        return Item(
            occurrence_id=occurrence.id,
            duty=f"{definition.names.get(lang)} {occurrence.period} – "
                 f"{self.renderer.party_name(occurrence, lang)}",
            steps=lines,
            basis=basis,
            checklist=checklist,
            links=self._links(occurrence, contact, lang),
        )

    def _links(self, occurrence: Duty, contact: Contact,
               lang: Lang) -> tuple[tuple[str, str], ...]:
        links: list[tuple[str, str]] = []
        feed = home_feed(PartyRef.parse(contact.party))
        if self.links.public_url and is_public(feed, self.links.public_feeds):
            links.append((gettext("mail.feed", lang),
                          Urls(self.links.public_url).feed(feed, lang)))
        if self.links.status_page:
            links.append((gettext("mail.status_page", lang), self.links.status_page.format(
                party=contact.party, occurrence=occurrence.id)))
        return tuple(links)

    def _status_page(self, contact: Contact) -> str | None:
        """The contact's party's status page (where a card's "and N more" points)."""
        if not self.links.status_page or "{occurrence}" in self.links.status_page:
            return None  # an address of one duty cannot list the rest
        return self.links.status_page.format(party=contact.party)

    # --- rendering --------------------------------------------------------------------

    def _message(self, key: str, contact: Contact, channel: Channel,
                 notices: tuple[Notice, ...], subject: str, intro: str,
                 sections: list[Section], lang: Lang) -> Message:
        context = {"contact": contact, "subject": subject, "intro": intro,
                   "sections": sections,
                   "greeting": gettext("mail.greeting", lang, name=contact.name), "lang": lang}
        env = _templates()
        text = env.get_template("message.txt").render(context)
        html = env.get_template("message.html").render(context)
        occurrence_ids = tuple(dict.fromkeys(i.occurrence_id for s in sections for i in s.items))
        return Message(
            key=key, contact=contact, channel=channel,
            notice_keys=tuple(n.key for n in notices), occurrence_ids=occurrence_ids,
            subject=subject, text=text, html=html,
            card=_card(subject, intro, sections, lang, self._status_page(contact)),
            ics=self._ics(occurrence_ids, lang) if channel is Channel.EMAIL else None,
            lang=lang,
            summary=tuple(f"{section.heading}: {item.duty} / {line.step} ({line.due}, "
                          f"{line.when})" for section in sections for item in section.items
                          for line in item.steps),
            day=self.today,
        )

    def _ics(self, occurrence_ids: Sequence[str], lang: Lang) -> bytes:
        """Every duty the message lists, with its checklist, to add to any calendar."""
        renderer = self.renderer
        components: list[bytes] = []
        for occurrence_id in occurrence_ids:
            occurrence = self._by_id[occurrence_id]
            components.append(render_event(renderer.event_data(occurrence, lang)))
            components.extend(render_todo(renderer.todo_data(occurrence, step, lang))
                              for step in occurrence.steps)
        meta = CalendarMeta(name=gettext("mail.calendar.name", lang),
                            description=gettext("mail.footer", lang), prodid=renderer.prodid,
                            color="teal", refresh=renderer.refresh, language=lang,
                            apple_color="#008080")
        return render_calendar(meta, components)


CARD_VERSION = "1.4"
"""Every element and property used is in Adaptive Cards 1.4, which Teams renders on every
client; the tests check the cards against that version with Microsoft's own library."""

MAX_POST_BYTES = 28 * 1024
"""Teams refuses a message over about 28 KB; a card is built to fit, envelope included."""

_ENVELOPE = len(json.dumps({"type": "message", "attachments": [{
    "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
    "content": {}}]}))


def _size(value: object) -> int:
    """Bytes of `value` in the posted JSON (apprise sends it with ASCII escapes)."""
    return len(json.dumps(value))


def _card_item(item: Item, lang: Lang) -> list[dict[str, Any]]:
    """A duty's elements: its name, the steps that need attention, basis and checklist."""
    elements: list[dict[str, Any]] = [{"type": "TextBlock", "text": item.duty,
                                       "weight": "Bolder", "wrap": True, "spacing": "Medium"}]
    for line in item.steps:
        if line.escalation_level:
            elements.append({"type": "TextBlock", "color": "Attention", "wrap": True,
                             "text": gettext("mail.escalated", lang,
                                             level=line.escalation_level)})
        facts = [{"title": gettext("mail.step", lang), "value": line.step},
                 {"title": gettext("mail.role", lang), "value": line.role},
                 {"title": gettext("mail.due", lang), "value": f"{line.due} ({line.when})"}]
        if line.statutory:
            facts.append({"title": gettext("mail.statutory", lang), "value": line.statutory})
            facts.append({"title": gettext("mail.why", lang), "value": line.why or ""})
        if line.legal_limit:
            facts.append({"title": gettext("mail.legal_limit", lang), "value": line.legal_limit})
        if line.standing:
            facts.append({"title": gettext("mail.state", lang), "value": line.standing})
        elements.append({"type": "FactSet", "facts": facts})
        if line.url:
            title = gettext("mail.open_step", lang)
            elements.append({"type": "TextBlock", "wrap": True, "spacing": "Small",
                             "text": f"[{title}]({line.url})"})
    elements.append({"type": "FactSet", "facts": [
        {"title": gettext("mail.basis", lang), "value": f"[{text}]({url})"}
        for text, url in item.basis]})
    elements.append({"type": "TextBlock", "text": gettext("mail.checklist", lang),
                     "weight": "Bolder", "wrap": True})
    # A FactSet lines the values up in a column, which TextBlocks cannot.
    elements.append({"type": "FactSet", "spacing": "None", "facts": [
        {"title": f"{'☑' if line.done else '☐'} {line.name}",
         "value": f"{line.role}, {line.due} ({line.status})"} for line in item.checklist]})
    return elements


def _card(subject: str, intro: str, sections: list[Section], lang: Lang,
          more_url: str | None = None) -> dict[str, Any]:
    """An Adaptive Card that fits one Teams post.

    The most urgent items come first (sections are in that order), then as many as fit,
    then "and N more" with a link to where the rest are.
    """
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": CARD_VERSION,
        "body": [{"type": "TextBlock", "text": subject, "weight": "Bolder", "size": "Large",
                  "wrap": True},
                 {"type": "TextBlock", "text": intro, "wrap": True}],
    }
    body: list[dict[str, Any]] = card["body"]
    actions: dict[str, str] = {}
    if more_url:
        actions[more_url] = gettext("mail.status_page", lang)
    queue = [(section, index == 0, item) for section in sections
             for index, item in enumerate(section.items)]
    # Room kept for the "more" line, the actions' brackets and the envelope.
    used = _size(card) + _ENVELOPE + 1024
    shown = 0
    for section, first, item in queue:
        elements = _card_item(item, lang)
        if first:
            elements.insert(0, {"type": "TextBlock", "text": section.heading,
                                "weight": "Bolder", "size": "Medium", "separator": True,
                                "wrap": True})
        links = [(url, title) for title, url in item.links if url not in actions]
        cost = sum(_size(element) + 2 for element in elements) + sum(
            _size({"type": "Action.OpenUrl", "title": t, "url": u}) + 2 for u, t in links)
        if used + cost > MAX_POST_BYTES:
            break
        body.extend(elements)
        actions.update((url, title) for url, title in links)
        used += cost
        shown += 1
    total = len(queue)
    if shown < total:
        body.append({"type": "TextBlock", "wrap": True, "separator": True, "weight": "Bolder",
                     "text": ngettext("mail.more", "mail.more.n", total - shown, lang,
                                      count=total - shown) if more_url else
                     ngettext("mail.more.no_link", "mail.more.no_link.n", total - shown, lang,
                              count=total - shown)})
    if actions:
        card["actions"] = [{"type": "Action.OpenUrl", "title": title, "url": url}
                           for url, title in actions.items()]
    return card
