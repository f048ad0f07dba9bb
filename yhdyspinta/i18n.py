"""How the CLI's language is chosen, and the CLI's words for settings and definition errors.

The words themselves are in the catalogue (`obligations/catalogue.py`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from obligations.catalogue import N_, gettext
from obligations.errors import Problem, one_line
from obligations.lang import LANGS, Lang

_SETTING_REASONS: Mapping[str, str] = {
    # pydantic's own error types, by their `type`, and ours (`setting_*`, settings.py)
    "int_parsing": N_("cli.setting.int_parsing"),
    "int_from_float": N_("cli.setting.int_from_float"),
    "float_parsing": N_("cli.setting.float_parsing"),
    "finite_number": N_("cli.setting.finite_number"),
    "greater_than": N_("cli.setting.greater_than"),
    "greater_than_equal": N_("cli.setting.greater_than_equal"),
    "less_than_equal": N_("cli.setting.less_than_equal"),
    "date_from_datetime_parsing": N_("cli.setting.date_from_datetime_parsing"),
    "date_parsing": N_("cli.setting.date_parsing"),
    "setting_url_scheme": N_("cli.setting.setting_url_scheme"),
    "setting_url_malformed": N_("cli.setting.setting_url_malformed"),
    "setting_database_malformed": N_("cli.setting.setting_database_malformed"),
    "setting_database_dialect": N_("cli.setting.setting_database_dialect"),
    "setting_database_driver": N_("cli.setting.setting_database_driver"),
    "setting_not_a_folder": N_("cli.setting.setting_not_a_folder"),
    "setting_today_range": N_("cli.setting.setting_today_range"),
    "setting_oidc_issuer": N_("cli.setting.setting_oidc_issuer"),
    "setting_oidc_incomplete": N_("cli.setting.setting_oidc_incomplete"),
}


def setting_reason(error_type: str, context: Mapping[str, Any], english: str,
                   lang: Lang) -> str:
    """Why a setting is bad, in `lang` where we have the words (pydantic's English if not).

    Never the value itself: a setting may hold a secret.
    """
    key = _SETTING_REASONS.get(error_type)
    if key is None:
        return one_line(english.removeprefix("Value error, "))
    shown = {k: int(v) if isinstance(v, float) and v.is_integer() else v
             for k, v in context.items()}
    return one_line(gettext(key, lang, **shown))


_PROBLEM_MESSAGES: Mapping[str, str] = {
    "missing": N_("cli.problem.missing"),
    "duplicate_key": N_("cli.problem.duplicate_key"),
    "alias": N_("cli.problem.alias"),
    "yaml_tag": N_("cli.problem.yaml_tag"),
    "step_self": N_("cli.problem.step_self"),
    "step_cycle": N_("cli.problem.step_cycle"),
}


def choose_lang(explicit: str | None, environ: Mapping[str, str] | None = None) -> Lang:
    """--lang, else YHDYSPINTA_LANG, else the locale (fi/sv), else English."""
    environ = os.environ if environ is None else environ
    for candidate in (explicit, environ.get("YHDYSPINTA_LANG"), environ.get("LC_ALL"),
                      environ.get("LANG")):
        if candidate:
            prefix = candidate[:2].lower()
            for lang in LANGS:
                if prefix == lang:
                    return lang
            if candidate is explicit:
                break
    return "en"


def problem_line(problem: Problem, lang: Lang) -> str:
    """`file:line: field: what is wrong`, with the message in `lang` where we have one."""
    key = _PROBLEM_MESSAGES.get(problem.code)
    if key is None or lang == "en":
        return str(problem)
    return problem.render(gettext(key, lang, **problem.context))
