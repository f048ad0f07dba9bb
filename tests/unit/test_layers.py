"""The layers hold: what each package may import, checked over the whole import graph.

- `obligations/` and `calendars/` (the pure core) import nothing of `state`, `notify`,
  `web`, `flows` or `yhdyspinta`, nor SQLAlchemy, SQLModel, Prefect, apprise, Jinja or resvg;
- `state/` imports nothing of `notify`, `web`, `flows` or the application layer (`app`);
- `app/` imports nothing of `web`, `flows` or the CLI;
- nothing outside the CLI package imports the CLI (`yhdyspinta.cli`): only the console
  script's entry point (`[project.scripts]`) runs it;
- the CLI's command modules and the flows call the application layer: they import nothing
  of `state`, `notify` or `web` (nor SQLAlchemy) themselves. Two command modules are named
  exceptions: `serve` starts the server (`web.server`), `nightly` runs a flow.

Every import counts: at module level, inside functions, under `TYPE_CHECKING`, and
`importlib.import_module("literal")`. A rule is checked on everything a module reaches
through the project's own modules, so an indirect import (core → shell → SQLAlchemy) fails
too; a `direct` rule only on what the module itself imports (the CLI and the flows reach
the store through `app/`, which may import it). The checker is proved on temporary trees
with deliberately wrong imports.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
PACKAGES = ("obligations", "calendars", "state", "notify", "app", "web", "flows", "yhdyspinta")
CLI = "yhdyspinta.cli"
PURE = ("obligations", "calendars")


@dataclass(frozen=True)
class Rule:
    """Modules under `layers` may not reach a module named by `forbidden` (or below it)."""

    name: str
    layers: tuple[str, ...]
    forbidden: tuple[str, ...]
    exempt: tuple[str, ...] = ()
    """Modules under `layers` that the rule does not look at."""
    direct: bool = False
    """Only the module's own imports count, not what they import in turn."""
    allowed: tuple[tuple[str, str], ...] = ()
    """(module, import) pairs the rule lets through, each for a reason in the docstring."""


RULES = (
    Rule("the core is pure", PURE,
         ("state", "notify", "app", "web", "flows", "yhdyspinta", "sqlalchemy", "sqlmodel",
          "alembic", "prefect", "apprise", "jinja2", "resvg_py", "granian")),
    Rule("the store knows no senders, pages or flows", ("state",),
         ("notify", "app", "web", "flows")),
    Rule("the application layer knows no pages, flows or CLI", ("app",),
         ("web", "flows", CLI, "granian")),
    Rule("only the entry point imports the CLI", PACKAGES, (CLI,), exempt=(CLI,)),
    Rule("the CLI calls the application layer", (CLI,),
         ("state", "notify", "web", "flows", "sqlalchemy", "sqlmodel", "alembic", "apprise",
          "jinja2"), direct=True,
         allowed=((f"{CLI}.serve", "web.server"), (f"{CLI}.nightly", "flows.sync_obligations"))),
    Rule("the flows only orchestrate", ("flows",),
         ("state", "notify", "web", CLI, "sqlalchemy", "sqlmodel"), direct=True),
)


def _under(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in prefixes)


def module_name(path: Path, root: Path) -> str:
    """`state/db.py` → `state.db`; `state/__init__.py` → `state`."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(tree: ast.Module, module: str, is_package: bool) -> set[str]:
    """Every dotted name the module imports, wherever the import statement stands."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            # `from yhdyspinta import cli` imports the module yhdyspinta.cli.
            names |= {f"{base}.{alias.name}" for alias in node.names if alias.name != "*"}
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name)
                       and node.func.id in ("import_module", "__import__")))):
            names.add(node.args[0].value)
    return names


def import_graph(root: Path, packages: Iterable[str]) -> dict[str, set[str]]:
    """Each module of `packages` under `root` with the names it imports."""
    graph: dict[str, set[str]] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            name = module_name(path, root)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            graph[name] = imports_of(tree, name, path.name == "__init__.py")
    return graph


def _internal(name: str, graph: Mapping[str, set[str]]) -> list[str]:
    """The project modules importing `name` runs: the module and its parent packages."""
    parts = name.split(".")
    return [m for m in (".".join(parts[:i]) for i in range(1, len(parts) + 1)) if m in graph]


def violations(graph: Mapping[str, set[str]], rules: Iterable[Rule]) -> list[str]:
    """`rule: a → b → forbidden` for every module that reaches what its rule forbids."""
    found: list[str] = []
    for rule in rules:
        for start in sorted(m for m in graph
                            if _under(m, rule.layers) and not _under(m, rule.exempt)):
            if rule.direct:
                bad = sorted(n for n in graph[start] if _under(n, rule.forbidden)
                             and not any(start == m and _under(n, (a,))
                                         for m, a in rule.allowed))
                if bad:
                    found.append(f"{rule.name}: {start} → {bad[0]}")
                continue
            chain: dict[str, str | None] = {start: None}
            queue = [start]
            while queue:
                current = queue.pop(0)
                bad = sorted(n for n in graph[current] if _under(n, rule.forbidden))
                if bad:
                    path: list[str] = [bad[0]]
                    step: str | None = current
                    while step is not None:
                        path.append(step)
                        step = chain[step]
                    found.append(f"{rule.name}: {' → '.join(reversed(path))}")
                    break
                for name in sorted(graph[current]):
                    for module in _internal(name, graph):
                        if module not in chain:
                            chain[module] = current
                            queue.append(module)
    return found


def test_the_project_keeps_its_layers():
    assert violations(import_graph(ROOT, PACKAGES), RULES) == []


def test_every_package_is_checked():
    """A new top-level package must be given its place in the rules (and in PACKAGES)."""
    ignored = {"tests", "bench", "scripts", "docs", "deployments"}
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")} - ignored
    assert on_disk == set(PACKAGES)


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in {**{f"{p}/__init__.py": "" for p in PACKAGES}, **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(("files", "expected"), [
    ({"calendars/bad.py": "import sqlalchemy\n"},
     "the core is pure: calendars.bad → sqlalchemy"),
    ({"calendars/bad.py": "def f():\n    from resvg_py import svg_to_bytes\n"},
     "the core is pure: calendars.bad → resvg_py"),
    ({"obligations/bad.py": "from typing import TYPE_CHECKING\n"
                            "if TYPE_CHECKING:\n    from state.models import X\n"},
     "the core is pure: obligations.bad → state.models"),
    ({"obligations/bad.py": "from calendars import helper\n",
      "calendars/helper.py": "import yhdyspinta.settings\n"},
     ["the core is pure: calendars.helper → yhdyspinta.settings",
      "the core is pure: obligations.bad → calendars.helper → yhdyspinta.settings"]),
    ({"state/bad.py": "from notify.channels import parse\n"},
     "the store knows no senders, pages or flows: state.bad → notify.channels"),
    ({"state/bad.py": "from . import helper\n", "state/helper.py": "import web.pages\n"},
     ["the store knows no senders, pages or flows: state.bad → state.helper → web.pages",
      "the store knows no senders, pages or flows: state.helper → web.pages"]),
    ({"yhdyspinta/nightly.py": "from yhdyspinta.cli import Context\n"},
     "only the entry point imports the CLI: yhdyspinta.nightly → yhdyspinta.cli"),
    ({"yhdyspinta/jobs.py": "from yhdyspinta import cli\n"},
     "only the entry point imports the CLI: yhdyspinta.jobs → yhdyspinta.cli"),
    ({"flows/x.py": "import importlib\nimportlib.import_module('yhdyspinta.cli')\n"},
     ["only the entry point imports the CLI: flows.x → yhdyspinta.cli",
      "the flows only orchestrate: flows.x → yhdyspinta.cli"]),
    ({"app/bad.py": "from web.pages import Pages\n"},
     "the application layer knows no pages, flows or CLI: app.bad → web.pages"),
    ({"app/bad.py": "def f():\n    from flows.sync_obligations import sync_obligations\n"},
     "the application layer knows no pages, flows or CLI: app.bad → flows.sync_obligations"),
    ({"app/bad.py": "from yhdyspinta.cli.common import Context\n"},
     ["the application layer knows no pages, flows or CLI: app.bad → yhdyspinta.cli.common",
      "only the entry point imports the CLI: app.bad → yhdyspinta.cli.common"]),
    ({"state/bad.py": "from app.planning import plan_and_sync\n"},
     "the store knows no senders, pages or flows: state.bad → app.planning"),
    ({"yhdyspinta/cli/__init__.py": "", "yhdyspinta/cli/status.py": "import sqlalchemy\n"},
     "the CLI calls the application layer: yhdyspinta.cli.status → sqlalchemy"),
    ({"yhdyspinta/cli/__init__.py": "",
      "yhdyspinta/cli/plan.py": "def f():\n    from state.sync import sync_plan\n"},
     "the CLI calls the application layer: yhdyspinta.cli.plan → state.sync"),
    ({"yhdyspinta/cli/__init__.py": "", "yhdyspinta/cli/status.py": "import web.pages\n"},
     "the CLI calls the application layer: yhdyspinta.cli.status → web.pages"),
    ({"flows/bad.py": "from state.db import make_engine\n"},
     "the flows only orchestrate: flows.bad → state.db"),
    ({"flows/bad.py": "def f():\n    from notify.dispatch import dispatch\n"},
     "the flows only orchestrate: flows.bad → notify.dispatch"),
])
def test_a_wrong_import_fails(tmp_path, files, expected):
    """The checker itself: each deliberately wrong import is found, with its chain."""
    wanted = [expected] if isinstance(expected, str) else expected
    assert violations(import_graph(_tree(tmp_path, files), PACKAGES), RULES) == wanted


def test_allowed_imports_pass(tmp_path):
    """What the rules allow does not fail: the CLI's modules import each other and `app/`,
    `app/` the store, the flows `app/` and Prefect; `serve` the server, `nightly` a flow."""
    files = {
        "calendars/ok.py": "import holidays\nfrom obligations.schema import Lang\n",
        "state/ok.py": "import sqlalchemy\nfrom calendars import ok\n",
        "notify/ok.py": "import apprise\nfrom state import ok\n",
        "app/ok.py": "import sqlalchemy\nfrom state import ok\nfrom notify import ok as n\n"
                     "import yhdyspinta.settings\n",
        "web/ok.py": "from app import ok\n",
        "flows/ok.py": "import prefect\nfrom app import ok\nfrom calendars import ok as c\n",
        "yhdyspinta/cli/__init__.py": "from yhdyspinta.cli import common, serve, nightly\n",
        "yhdyspinta/cli/common.py": "from app import ok\n",
        "yhdyspinta/cli/serve.py": "def f():\n    from web.server import create\n",
        "yhdyspinta/cli/nightly.py": "def f():\n    from flows.sync_obligations import run\n",
    }
    assert violations(import_graph(_tree(tmp_path, files), PACKAGES), RULES) == []


def test_the_console_script_is_the_cli_entry_point():
    """The one importer the rules allow the CLI: `[project.scripts]` names its `main`."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"] == {"yhdyspinta": f"{CLI}:main"}
