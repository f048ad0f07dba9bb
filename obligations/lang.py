"""The three languages of every user-facing text (no dependencies: `--help` imports it)."""

from __future__ import annotations

from typing import Literal

Lang = Literal["fi", "sv", "en"]
LANGS: tuple[Lang, ...] = ("fi", "sv", "en")
