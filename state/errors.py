"""Errors of the status store; each says what was wrong and what to do."""

from __future__ import annotations


class StateError(Exception):
    """Base of the status store's errors; the CLI prints the message as one line."""


class UnknownOccurrenceError(StateError):
    """Raised when an occurrence id is not in the store."""

    def __init__(self, occurrence_id: str) -> None:
        super().__init__(f"no occurrence {occurrence_id!r} in the store (run `yhdyspinta sync`"
                         " first, or see `yhdyspinta status` for ids)")


class UnknownStepError(StateError):
    """Raised when a step id is not one of the occurrence's steps."""

    def __init__(self, occurrence_id: str, step: str, known: list[str]) -> None:
        super().__init__(f"occurrence {occurrence_id!r} has no step {step!r}; its steps: "
                         f"{', '.join(known)}")


class TransitionError(StateError):
    """Raised when a status change is not allowed (e.g. done before its predecessors)."""


class SchemaError(StateError):
    """Raised when the database schema is not the one this version of the code expects."""
