"""The three languages of every user-facing text (no dependencies: `--help` imports it)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")

STEP_STATUS_LABELS: dict[str, dict[Lang, str]] = {
    "not_started": {"fi": "ei aloitettu", "sv": "ej påbörjad", "en": "not started"},
    "in_progress": {"fi": "kesken", "sv": "pågår", "en": "in progress"},
    "done": {"fi": "valmis", "sv": "klar", "en": "done"},
    "waived": {"fi": "ohitettu", "sv": "avstådd", "en": "waived"},
    "not_applicable": {"fi": "ei koske", "sv": "ej tillämplig", "en": "not applicable"},
}
"""A checklist step's status as people read it (here, not in vocabulary.py, because the
CLI's help must not import pydantic)."""
