"""Errors of the status store; each says what was wrong and what to do."""

from __future__ import annotations

from dataclasses import dataclass

from obligations.catalogue import N_


class StateError(Exception):
    """Base of the status store's errors; the CLI prints the message as one line.

    With a `key` (a catalogue id), the CLI prints the catalogue's words for it in the reader's
    language (filled in with `values`) instead of the English message.
    """

    def __init__(self, message: str, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.values = values


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


class UnsafeUrlError(StateError):
    """Raised when an address to be stored is not plain http(s) (or holds a password)."""

    def __init__(self, field: str, reason: str) -> None:
        words = {"scheme": "only http:// or https:// addresses are kept",
                 "malformed": "not a valid http(s) address",
                 "password": "an address with a password is not kept (it would be shown)",
                 "long": "longer than 2000 characters"}
        keys = {"scheme": N_("cli.error.url_scheme"), "malformed": N_("cli.error.url_malformed"),
                "password": N_("cli.error.url_password"), "long": N_("cli.error.url_long")}
        super().__init__(f"{field}: {words[reason]}", keys[reason], field=field)


class SchemaError(StateError):
    """Raised when the database schema is not the one this version of the code expects."""


class StaleStepError(StateError):
    """Raised when a step changed after the writer read it (its revision moved on)."""

    def __init__(self, occurrence_id: str, step: str, revision: int, status: object,
                 note: str | None, changed_by: str, changed_at: object) -> None:
        super().__init__(f"step {step!r} of {occurrence_id!r} was changed meanwhile by "
                         f"{changed_by} (now revision {revision}); reload and try again")
        self.revision = revision
        self.status = status
        self.note = note
        self.changed_by = changed_by
        self.changed_at = changed_at


@dataclass(frozen=True, slots=True)
class FileProblem:
    """One bad value of an imported file: its line and column."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.column}: {self.message}"


class FileImportError(Exception):
    """Every problem of an imported file (contacts, statuses); nothing was imported."""

    def __init__(self, source: str, problems: list[FileProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}:{p}" for p in problems))


class ContactImportError(FileImportError):
    """Every problem of a contacts file; nothing was imported."""


class StatusImportError(FileImportError):
    """Every problem of a status file; nothing was imported."""
