"""The three languages of every user-facing text (no dependencies: `--help` imports it)."""

from __future__ import annotations

from typing import Literal

from obligations.catalogue import N_, gettext

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")

STEP_STATUS_KEYS: dict[str, str] = {
    "not_started": N_("step_status.not_started"),
    "in_progress": N_("step_status.in_progress"),
    "done": N_("step_status.done"),
    "waived": N_("step_status.waived"),
    "not_applicable": N_("step_status.not_applicable"),
}
"""The catalogue's id of a checklist step's status (here, not in vocabulary.py, because the
CLI's help must not import pydantic)."""


def step_status_label(status: str, lang: Lang) -> str:
    """A checklist step's status as people read it."""
    return gettext(STEP_STATUS_KEYS[status], lang)
