"""The pure core stays pure: no clock, no environment, no network, no processes.

`obligations/` and `calendars/` may not import os, subprocess, socket, time, random or read
the clock (which packages and libraries they may import is `test_layers.py`'s rule); only
the loaders (`obligations/loader.py`, `obligations/parties.py`, `yamlsource.py`) read
files, and only `calendars/workdays.py` imports `holidays`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PURE_PACKAGES = ("obligations", "calendars")
FORBIDDEN_IMPORTS = {"os", "subprocess", "socket", "time", "random"}
FILE_READERS = {"obligations/loader.py", "obligations/parties.py", "obligations/yamlsource.py",
                "obligations/catalogue.py"}


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PURE_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "tree"), list(_modules()), ids=lambda v: v
                         if isinstance(v, str) else "")
def test_pure_module(name, tree):
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & FORBIDDEN_IMPORTS
    if "holidays" in imported:
        assert name == "calendars/workdays.py"
    source = ast.unparse(tree)
    for clock in ("date.today", "datetime.now", "datetime.utcnow", "time.time"):
        assert clock not in source, f"{name} reads the clock"
    if name not in FILE_READERS:
        for io in ("open(", "read_text", "read_bytes", "write_text"):
            assert io not in source, f"{name} does file I/O"
