"""Jinja environments whose templates take their words from the catalogue.

The pages (`web/templates/`) and the messages (`notify/templates/`) write
`{{ _("web.home") }}`, `{{ _("mail.escalated", level=3) }}` or
`{{ ngettext("web.days_late", "web.days_late.n", days, days=days) }}`, in the language
of the `lang` the template is rendered with. These are `jinja2.ext.i18n`'s callables, so
`pybabel extract` finds the ids with Jinja's own extractor (babel.cfg); they are installed
old-style (`newstyle=False`) because the catalogue fills fields with `str.format`, not `%`,
and their result is autoescaped like any other value.
"""

from __future__ import annotations

from typing import Any

import jinja2

from obligations import catalogue


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, key: str, **fields: object) -> str:
    return catalogue.gettext(key, context["lang"], **fields)


@jinja2.pass_context
def _ngettext(context: jinja2.runtime.Context, key: str, key_plural: str, n: int,
              **fields: object) -> str:
    return catalogue.ngettext(key, key_plural, n, context["lang"], **fields)


def environment(**options: Any) -> jinja2.Environment:
    """A Jinja environment with `_`, `gettext` and `ngettext` from the catalogue."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext, ngettext=_ngettext, newstyle=False)
    return env
