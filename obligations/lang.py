"""The three languages and the step statuses (no dependencies: `--help` imports it)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from obligations.catalogue import N_, gettext

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")


class StepStatus(StrEnum):
    """Where a checklist step stands: the one list of step statuses."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WAIVED = "waived"
    NOT_APPLICABLE = "not_applicable"

    @property
    def closed(self) -> bool:
        """True when the step needs nothing more (done, waived or not applicable)."""
        return self in CLOSED


CLOSED: frozenset[StepStatus] = frozenset(
    {StepStatus.DONE, StepStatus.WAIVED, StepStatus.NOT_APPLICABLE})
"""The statuses that close a step (a StrEnum: `"done" in CLOSED` holds too)."""

STEP_STATUSES: tuple[str, ...] = tuple(s.value for s in StepStatus)
"""The status names in their order, for command lines and forms."""

STEP_STATUS_KEYS: dict[str, str] = {
    StepStatus.NOT_STARTED: N_("step_status.not_started"),
    StepStatus.IN_PROGRESS: N_("step_status.in_progress"),
    StepStatus.DONE: N_("step_status.done"),
    StepStatus.WAIVED: N_("step_status.waived"),
    StepStatus.NOT_APPLICABLE: N_("step_status.not_applicable"),
}
"""The catalogue's id of a checklist step's status (here, not in vocabulary.py, because the
CLI's help must not import pydantic)."""


def step_status_label(status: str, lang: Lang) -> str:
    """A checklist step's status as people read it."""
    return gettext(STEP_STATUS_KEYS[status], lang)
