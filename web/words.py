"""How a request's language is chosen (the pages' words are in the catalogue)."""

from __future__ import annotations

from obligations.lang import LANGS, Lang


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> Lang:
    """The page's language: the switch (query), then the remembered choice, then the browser.

    Accept-Language is read with its q-values (RFC 9110 §12.5.4); Finnish is the default.
    """
    for chosen in (query_lang, cookie_lang):
        if chosen in LANGS:
            return chosen
    best: tuple[float, int, Lang] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if primary in LANGS and quality > 0:
            candidate = (quality, -position, primary)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else "fi"
