"""The one builder of addresses: pages, feeds and the links in messages. Pure.

Every address the pages, the CLI and the messages hand out is made here, so the routes of
`web/server.py` and the links pointing at them cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from obligations.parties import PartyRef
from obligations.schema import Lang


@dataclass(frozen=True, slots=True)
class Urls:
    """Addresses under one base (`YHDYSPINTA_PUBLIC_URL`; "" gives paths for the pages)."""

    base: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def feed(self, feed_id: str, lang: Lang | None = None, *, token: str | None = None,
             todo: bool = False) -> str:
        """A feed: `/public/{feed}.{lang}.ics`, or `/feeds/{token}/…` for a private one."""
        name = feed_id + (".todo" if todo else "") + (f".{lang}" if lang else "") + ".ics"
        if token is None:
            return f"{self.base}/public/{name}"
        return f"{self.base}/feeds/{token}/{name}"

    @staticmethod
    def webcal(url: str) -> str:
        """The same feed as a `webcal://` address (calendar apps subscribe to it)."""
        return "webcal://" + url.split("://", 1)[1] if "://" in url else url

    def municipality(self, code: str) -> str:
        """A municipality's page."""
        return f"{self.base}/municipality/{code}"

    def county(self, code: str) -> str:
        """A county's page (Helsinki's too)."""
        return f"{self.base}/county/{code}"

    def party(self, party: PartyRef) -> str:
        """A party's page: the municipality's, else the county's."""
        if party.is_municipality:
            return self.municipality(party.code)
        return self.county(party.code)

    def duty(self, occurrence_id: str) -> str:
        """A duty's page with its checklist."""
        return f"{self.base}/duty/{quote(occurrence_id)}"

    def step(self, occurrence_id: str, step: str, *, lang: Lang | None = None,
             saved: bool = False) -> str:
        """A step's form on its duty page (`?step=` survives sign-in; the fragment scrolls).

        `saved`: the page after a change, which says the step was saved.
        """
        query = {("saved" if saved else "step"): step, **({"lang": lang} if lang else {})}
        return f"{self.duty(occurrence_id)}?{urlencode(query)}#step-{quote(step)}"

    def mark_done(self, token: str, lang: Lang) -> str:
        """The one-click "mark done" link of a reminder email (a confirmation form)."""
        return f"{self.base}/mark-done?" + urlencode({"t": token, "lang": lang})
