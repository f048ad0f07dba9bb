"""YAML reading that remembers the line of every key, so errors can name file:line: field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from obligations.errors import InputError, Problem

Path_ = tuple[str | int, ...]

try:  # the C loader is much faster; fall back where libyaml is missing
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class SourceMap:
    """Lines of the keys and items of one YAML document, by their path in the data."""

    file: str
    lines: dict[Path_, int]

    def locate(self, data: Any, loc: Sequence[str | int]) -> tuple[int | None, str]:
        """Turn a validation location into (line, field path) against the data.

        Pydantic puts union tags and markers such as '[key]' into locations; those
        that do not index into the data are skipped. A key missing from the data is
        kept in the field path and the line of its parent is used.
        """
        matched: list[str | int] = []
        node = data
        trailing: list[str | int] = []
        for part in loc:
            if trailing:
                trailing.append(part)
                continue
            indexes_list = isinstance(node, list) and isinstance(part, int) \
                and 0 <= part < len(node)
            if (isinstance(node, dict) and part in node) or indexes_list:
                matched.append(part)
                node = node[part]
            elif isinstance(node, dict) and node.get("kind") == part:
                continue  # discriminated-union tag
            elif isinstance(part, str) and part.startswith(("[", "function-")):
                continue
            elif isinstance(node, dict) and isinstance(part, str):
                trailing.append(part)  # a missing key
            else:
                continue
        line = self.line_of(tuple(matched))
        return line, format_field(tuple(matched) + tuple(trailing))

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest part of `path` that the document has."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def format_field(path: Sequence[str | int]) -> str:
    """`('steps', 2, 'role')` -> `steps[2].role`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def load_yaml(path: Path, display_name: str) -> tuple[Any, SourceMap]:
    """Parse one YAML document, keeping the line of every key and list item.

    Duplicate keys, which PyYAML would silently overwrite, are reported.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(display_name, None, "", f"not UTF-8 text ({exc.reason})", "encoding")]
        ) from None
    except OSError as exc:
        raise InputError(
            [Problem(display_name, None, "", f"cannot be read: {exc.strerror}", "unreadable")]
        ) from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            [Problem(display_name, line, "", f"YAML syntax error: {reason}", "yaml_syntax")]
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(
            [Problem(display_name, None, "", f"YAML error: {exc}", "yaml_syntax")]
        ) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {}
    problems: list[Problem] = []
    if root is None:
        return None, SourceMap(display_name, lines)
    lines[()] = root.start_mark.line + 1
    data = _build(root, (), lines, problems, display_name, loader, set())
    if problems:
        raise InputError(problems)
    return data, SourceMap(display_name, lines)


def _build(
    node: yaml.Node,
    path: Path_,
    lines: dict[Path_, int],
    problems: list[Problem],
    file: str,
    loader: yaml.SafeLoader,
    seen: set[int],
) -> Any:
    if id(node) in seen:
        # An alias: the same node again. Definitions need none, and refusing them keeps
        # "billion laughs" documents and self-references out. The first one is reported;
        # a bomb has thousands, and one line says it all.
        if not any(p.code == "alias" for p in problems):
            problems.append(Problem(file, node.start_mark.line + 1, format_field(path),
                                    "YAML anchors and aliases (&, *) are not supported",
                                    "alias"))
        return None
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS.get(type(node), ()):
        # `!custom {...}`, `!!set`, `!!binary`: PyYAML would build the mapping or list all
        # the same and the tag would be lost without a word.
        problems.append(Problem(file, node.start_mark.line + 1, format_field(path),
                                f"unknown YAML tag {_short(node.tag)!r}", "yaml_tag",
                                {"tag": _short(node.tag)}))
        return None
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, path, problems, file, loader)
            if not isinstance(key, str | int) or isinstance(key, bool):
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, format_field(path),
                            "keys must be plain text", "bad_key")
                )
                continue
            key_path = (*path, key)
            if key in result:
                problems.append(
                    Problem(file, key_node.start_mark.line + 1, format_field(key_path),
                            "duplicate key (an earlier line sets it already)", "duplicate_key")
                )
                continue
            lines[key_path] = key_node.start_mark.line + 1
            result[key] = _build(value_node, key_path, lines, problems, file, loader, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            item_path = (*path, index)
            lines[item_path] = item.start_mark.line + 1
            items.append(_build(item, item_path, lines, problems, file, loader, seen))
        return items
    return _scalar(node, path, problems, file, loader)


_CORE = "tag:yaml.org,2002:"
_PLAIN_TAGS: dict[type[yaml.Node], frozenset[str]] = {
    yaml.MappingNode: frozenset({_CORE + "map"}),
    yaml.SequenceNode: frozenset({_CORE + "seq"}),
    yaml.ScalarNode: frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null",
                                                   "timestamp")),
}
"""The tags a definition's nodes may have: YAML's plain map, list and scalar types."""


def _short(tag: str) -> str:
    """`tag:yaml.org,2002:set` as it is written: `!!set`."""
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


def _scalar(node: yaml.Node, path: Path_, problems: list[Problem], file: str,
            loader: yaml.SafeLoader) -> Any:
    """One scalar's value; a bad one (31.2., an unknown !!tag) is a problem, not a crash."""
    if not isinstance(node, yaml.ScalarNode):
        problems.append(Problem(file, node.start_mark.line + 1, format_field(path),
                                "keys must be plain text", "bad_key"))
        return None
    if node.tag not in _PLAIN_TAGS[yaml.ScalarNode]:
        problems.append(Problem(file, node.start_mark.line + 1, format_field(path),
                                f"unknown YAML tag {_short(node.tag)!r}", "yaml_tag",
                                {"tag": _short(node.tag)}))
        return None
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(Problem(file, node.start_mark.line + 1, format_field(path),
                                f"cannot read the value {node.value!r}: {reason}",
                                "bad_value"))
        return None
