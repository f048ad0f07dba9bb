"""Errors of the obligations package.

Every error carries one or more `Problem`s, each naming the file, the line and the field,
so that the CLI can print one line per problem and exit non-zero without a traceback.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one place of an input file.

    `code` and `context` let the edge translate the message; `message` is the English text.
    """

    file: str
    line: int | None
    field: str
    message: str
    code: str = "invalid"
    context: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __str__(self) -> str:
        return self.render(self.message)

    def render(self, message: str) -> str:
        """`file:line: field: message` on one line, whatever the input held."""
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return one_line(f"{where}: {self.field or '(file)'}: {message}")


def one_line(text: str) -> str:
    """Escape line breaks so that one problem is always one line of output."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class ObligationsError(Exception):
    """Base of every error raised by the obligations package."""


class InputError(ObligationsError):
    """Raised when definitions, configuration or registry files are invalid.

    Loading collects every problem it can find before raising, so that one run of
    `yhdyspinta validate` lists them all.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownPartyError(ObligationsError):
    """Raised when a municipality or county code is not in the registry."""

    def __init__(self, kind: str, code: str) -> None:
        self.kind = kind
        self.code = code
        super().__init__(f"unknown {kind} code {code!r}")
