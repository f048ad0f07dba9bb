"""Load and validate definitions and configuration; the one module here that reads files.

Every problem found is collected, with file, line and field, and raised together as one
`InputError`; nothing is returned from a folder that has any problem.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from obligations.config import Configuration, RegionConfigFile
from obligations.errors import InputError, Problem
from obligations.parties import Registry
from obligations.schema import (
    Arrangement,
    Cadence,
    DeadlineSource,
    ObligationDefinition,
    OwedBy,
)
from obligations.yamlsource import SourceMap, format_field, load_yaml

ModelT = TypeVar("ModelT", bound=BaseModel)


def default_definitions_folder() -> Path:
    """The definitions shipped inside the package."""
    return Path(str(resources.files("obligations") / "definitions"))


def _yaml_files(folder: Path, problems: list[Problem]) -> list[Path]:
    """The folder's *.yaml files.

    An entry that cannot be read (a dangling link, a link loop, a folder named *.yaml) is
    a problem, never skipped in silence.
    """
    if not folder.is_dir():
        problems.append(Problem(str(folder), None, "", "is not a folder", "not_a_folder"))
        return []
    try:
        entries = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError as exc:
        problems.append(Problem(str(folder), None, "", f"cannot be read: {exc.strerror}",
                                "unreadable"))
        return []
    files = []
    for entry in entries:
        try:
            entry.stat()  # follows links: a dangling one or a loop raises here
        except OSError as exc:
            reason = "a link that leads nowhere" if entry.is_symlink() and \
                exc.strerror == "No such file or directory" else exc.strerror
            problems.append(Problem(str(entry), None, "", f"cannot be read: {reason}",
                                    "unreadable"))
            continue
        if not entry.is_file():
            problems.append(Problem(str(entry), None, "", "is not a file", "unreadable"))
            continue
        files.append(entry)
    return files


def _load_each(
    files: Iterable[Path], model: type[ModelT], problems: list[Problem]
) -> Iterator[tuple[ModelT, Path, SourceMap, dict[str, Any]]]:
    """Each file that reads and validates as `model`; the others' problems go to `problems`.

    Definitions and configuration files are read the same way, so that a broken file is
    reported alike and never stops the others from being checked.
    """
    for path in files:
        try:
            data, source = load_yaml(path, str(path))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        value = _validate(model, data, source, problems)
        if value is not None:
            yield value, path, source, data


def _validate(
    model: type[ModelT], data: Any, source: SourceMap, problems: list[Problem]
) -> ModelT | None:
    if not isinstance(data, dict):
        problems.append(Problem(source.file, source.line_of(()), "",
                                "the file must hold a mapping of keys to values", "not_mapping"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_explain(exc, data, source))
        return None


def _explain(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
    """Pydantic's errors as problems, without the echoes a person does not need.

    An error whose location a deeper error extends is an echo of it (a list "too short"
    because its only item failed). An unknown key next to a missing one of a similar name
    is a typo: one problem, with the suggestion.
    """
    errors = exc.errors(include_url=False)
    locs = [tuple(e["loc"]) for e in errors]
    missing = [loc for loc, e in zip(locs, errors, strict=True) if e["type"] == "missing"]
    suggestions: dict[tuple[Any, ...], str] = {}
    for loc, error in zip(locs, errors, strict=True):
        if error["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            siblings = [str(m[-1]) for m in missing if m[:-1] == loc[:-1]]
            close = difflib.get_close_matches(loc[-1], siblings, n=1)
            if close:
                suggestions[loc] = close[0]
    consumed = {(*loc[:-1], name) for loc, name in suggestions.items()}
    problems = []
    for loc, error in zip(locs, errors, strict=True):
        if loc in consumed or any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            continue
        message, code = error["msg"], error["type"]
        if code == "extra_forbidden":
            message = "unknown field"
            if loc in suggestions:
                message += f"; did you mean {suggestions[loc]!r}?"
        elif code == "missing":
            message = "required field is missing"
        line, field_path = source.locate(data, loc)
        problems.append(Problem(source.file, line, field_path, message, code,
                                dict(error.get("ctx") or {})))
    return problems


def load_definitions(folder: Path | None = None) -> tuple[ObligationDefinition, ...]:
    """Every definition in `folder`, validated one by one and then against each other."""
    folder = folder if folder is not None else default_definitions_folder()
    problems: list[Problem] = []
    files = _yaml_files(folder, problems)
    if not files and not problems:
        problems.append(Problem(str(folder), None, "", "holds no definition files (*.yaml)",
                                "empty"))
    loaded = list(_load_each(files, ObligationDefinition, problems))
    for definition, path, source, data in loaded:
        problems.extend(_check_definition(definition, path, source, data))
    problems.extend(_check_across(loaded))
    if problems:
        raise InputError(problems)
    return tuple(sorted((d for d, *_ in loaded), key=lambda d: d.id))


def _problem(source: SourceMap, path: tuple[str | int, ...], message: str, code: str,
             **context: Any) -> Problem:
    return Problem(source.file, source.line_of(path), format_field(path), message, code, context)


def _check_definition(
    definition: ObligationDefinition, path: Path, source: SourceMap, data: dict[str, Any]
) -> list[Problem]:
    """Rules that need the whole definition: ids, step order, negotiation fields."""
    problems: list[Problem] = []
    if definition.id != path.stem:
        problems.append(_problem(source, ("id",), f"must equal the file name {path.stem!r}",
                                 "id_mismatch", expected=path.stem))
    cycle = _step_cycle(definition)
    if cycle:
        first = next(i for i, s in enumerate(definition.steps) if s.id == cycle[0])
        problems.append(_problem(source, ("steps", first, "after"),
                                 "steps come after each other: "
                                 + " -> ".join([*cycle, cycle[0]]), "step_cycle",
                                 ring=" -> ".join([*cycle, cycle[0]])))
    seen: dict[str, int] = {}
    for index, step in enumerate(definition.steps):
        if step.id in seen:
            problems.append(_problem(source, ("steps", index, "id"),
                                     f"step id {step.id!r} is used twice", "duplicate_step",
                                     step=step.id))
        seen.setdefault(step.id, index)
        for after_index, before in enumerate(step.after or ()):
            if before == step.id:
                problems.append(_problem(source, ("steps", index, "after", after_index),
                                         f"step {step.id!r} cannot come after itself",
                                         "step_self", step=before))
            elif before not in seen and not cycle:
                known = before in {s.id for s in definition.steps}
                message = (f"step {before!r} must be listed before {step.id!r}" if known
                           else f"no step {before!r} in this definition")
                problems.append(_problem(source, ("steps", index, "after", after_index), message,
                                         "step_order" if known else "unknown_step", step=before))
        if step.party is not None and not definition.owed_by.is_negotiation:
            problems.append(_problem(
                source, ("steps", index, "party"),
                "only duties of both parties name the party of a step", "step_party"))
        if step.deadline is not None and step.deadline.rule.kind == "end_of_term_year" \
                and not definition.cadence.per_term:
            problems.append(_problem(source, ("steps", index, "deadline", "rule"),
                                     "end_of_term_year needs a per-term cadence", "rule_cadence"))
    problems.extend(_steps_within_the_duty(definition, source))
    if definition.deadline.rule.kind == "days_before_deadline":
        problems.append(_problem(source, ("deadline", "rule", "kind"),
                                 "days_before_deadline is only for steps", "rule_kind"))
    for index, step in enumerate(definition.steps):
        if step.deadline is not None and step.deadline.rule.kind == "date_in_year" \
                and definition.cadence.per_term:
            problems.append(_problem(source, ("steps", index, "deadline", "rule"),
                                     "date_in_year needs a yearly cadence", "rule_cadence"))
    if definition.deadline.rule.kind == "date_in_year" and definition.cadence.per_term:
        problems.append(_problem(source, ("deadline", "rule"),
                                 "date_in_year needs a yearly cadence", "rule_cadence"))
    if definition.deadline.rule.kind == "end_of_term_year" and not definition.cadence.per_term:
        problems.append(_problem(source, ("deadline", "rule"),
                                 "end_of_term_year needs a per-term cadence", "rule_cadence"))
    problems.extend(_check_rolling(definition, source, data))
    if definition.self_organising_municipalities and definition.owed_by is not OwedBy.REGION:
        problems.append(_problem(source, ("self_organising_municipalities",),
                                 f"only county duties (owed_by {OwedBy.REGION.value}) can be "
                                 "owed by municipalities outside every county as well",
                                 "not_county_duty"))
    if definition.owed_by.is_negotiation:
        if definition.default_arrangement is None:
            problems.append(_problem(source, ("default_arrangement",),
                                     "a negotiation needs a default arrangement", "missing"))
        if not definition.participants:
            problems.append(_problem(source, ("participants",),
                                     "a negotiation names its participants", "missing"))
    else:
        for key in ("default_arrangement", "participants"):
            if key in data:
                problems.append(_problem(source, (key,),
                                         f"only negotiations (owed_by {OwedBy.PAIR_JOINTLY.value}"
                                         f" or {OwedBy.REGION_CONVENES.value}) have {key}",
                                         "not_negotiation"))
    return problems


_ROLLING_STEP_RULES = frozenset({"days_before_deadline", "end_of_period", "anniversary"})
"""A rolling duty's step is dated from the review's due day, never from a calendar."""


def _check_rolling(definition: ObligationDefinition, source: SourceMap,
                   data: dict[str, Any]) -> list[Problem]:
    """A rolling duty's interval, approval step and anniversary; no other duty has these.

    Its steps count back from the review's due day.
    """
    if definition.cadence is not Cadence.ROLLING:
        problems = [_problem(source, (key,), "only a rolling cadence has " + key, "not_rolling")
                    for key in ("every_years", "anchor_step") if key in data]
        rules = [(("deadline", "rule"), definition.deadline)] + [
            (("steps", i, "deadline", "rule"), s.deadline)
            for i, s in enumerate(definition.steps) if s.deadline is not None]
        problems.extend(_problem(source, at, "anniversary needs a rolling cadence",
                                 "rule_cadence")
                        for at, deadline in rules if deadline.rule.kind == "anniversary")
        return problems
    problems = [_problem(source, ("cadence",), f"a rolling cadence needs {key}",
                         "rolling_missing")
                for key in ("every_years", "anchor_step") if key not in data]
    if definition.anchor_step is not None and definition.anchor_step not in {
            s.id for s in definition.steps}:
        problems.append(_problem(source, ("anchor_step",),
                                 f"no step {definition.anchor_step!r} in this definition",
                                 "unknown_step"))
    if definition.deadline.rule.kind != "anniversary":
        problems.append(_problem(source, ("deadline", "rule"),
                                 "a rolling duty is due on the anniversary of its last approval:"
                                 " rule {kind: anniversary}", "rule_cadence"))
    for index, step in enumerate(definition.steps):
        if step.deadline is not None and step.deadline.rule.kind not in _ROLLING_STEP_RULES:
            problems.append(_problem(source, ("steps", index, "deadline", "rule"),
                                     "a rolling duty's steps take days_before_deadline",
                                     "rule_cadence"))
    return problems


def _step_cycle(definition: ObligationDefinition) -> list[str]:
    """Steps that come after each other in a ring of two or more, if any (the first found)."""
    after = {s.id: [b for b in s.after or () if b != s.id] for s in definition.steps}
    return _cycle([s.id for s in definition.steps], after)


def _steps_within_the_duty(definition: ObligationDefinition, source: SourceMap) -> list[Problem]:
    """A step the law gives no date cannot be due after the duty's own date."""
    problems: list[Problem] = []
    rule = definition.deadline.rule
    if definition.deadline.source is not DeadlineSource.STATUTE or rule.kind != "date_in_year":
        return problems
    for index, step in enumerate(definition.steps):
        own = step.deadline
        if own is None or own.source is DeadlineSource.STATUTE or \
                own.rule.kind != "date_in_year":
            continue
        if (own.rule.year_offset, own.rule.month, own.rule.day) > \
                (rule.year_offset, rule.month, rule.day):
            problems.append(_problem(source, ("steps", index, "deadline", "rule"),
                                     "a step the law gives no date cannot be due after the "
                                     "duty's statutory date", "after_legal_limit"))
    return problems


def _check_across(
    loaded: Sequence[tuple[ObligationDefinition, Path, SourceMap, dict[str, Any]]],
) -> list[Problem]:
    """Unique ids, known dependencies, no dependency cycles."""
    problems: list[Problem] = []
    by_id: dict[str, ObligationDefinition] = {}
    for definition, _path, source, _data in loaded:
        if definition.id in by_id:
            problems.append(_problem(source, ("id",), f"id {definition.id!r} is used twice",
                                     "duplicate_id"))
        by_id[definition.id] = definition
    for definition, _path, source, _data in loaded:
        for index, dependency in enumerate(definition.depends_on):
            if dependency.obligation not in by_id:
                problems.append(_problem(source, ("depends_on", index, "obligation"),
                                         f"no obligation {dependency.obligation!r}",
                                         "unknown_obligation"))
            elif dependency.obligation == definition.id and dependency.period_offset == 0:
                problems.append(_problem(source, ("depends_on", index, "obligation"),
                                         "an obligation cannot depend on itself", "cycle"))
    cycle = _find_cycle(by_id)
    if cycle:
        definition = by_id[cycle[0]]
        source = next(s for d, _p, s, _ in loaded if d.id == definition.id)
        problems.append(_problem(source, ("depends_on",),
                                 "dependency cycle: " + " -> ".join([*cycle, cycle[0]]), "cycle"))
    return problems


def _find_cycle(by_id: dict[str, ObligationDefinition]) -> list[str]:
    """A cycle of same-period dependencies, if there is one (deterministic: sorted walk)."""
    edges = {node: [d.obligation for d in definition.depends_on if d.period_offset == 0]
             for node, definition in by_id.items()}
    return _cycle(sorted(by_id), edges)


def _cycle(nodes: list[str], edges: dict[str, list[str]]) -> list[str]:
    """The first ring a depth-first walk from `nodes` (in order) finds; empty if none.

    Edges to unknown nodes are ignored: another check names those.
    """
    state: dict[str, int] = {}  # 1: on the walk's path, 2: finished
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for target in edges.get(node, ()):
            if target not in edges:
                continue
            if state.get(target) == 1:
                return stack[stack.index(target):]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in nodes:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def load_configuration(
    folder: Path | None,
    definitions: Iterable[ObligationDefinition],
    registry: Registry,
) -> Configuration:
    """Every organiser's configuration file in `folder` (none if folder is None)."""
    if folder is None:
        return Configuration()
    problems: list[Problem] = []
    files = _yaml_files(folder, problems)
    by_id = {d.id: d for d in definitions}
    configs: dict[str, RegionConfigFile] = {}
    for config, _path, source, _data in _load_each(files, RegionConfigFile, problems):
        found = _check_config(config, source, by_id, registry)
        problems.extend(found)
        if config.region in configs:
            problems.append(_problem(source, ("region",),
                                     f"another file configures region {config.region} already",
                                     "duplicate_region"))
        elif not found:
            configs[config.region] = config
    if problems:
        raise InputError(problems)
    return Configuration(regions=dict(sorted(configs.items())))


def _check_config(
    config: RegionConfigFile,
    source: SourceMap,
    by_id: dict[str, ObligationDefinition],
    registry: Registry,
) -> list[Problem]:
    problems: list[Problem] = []
    region = next((r for r in registry.regions if r.code == config.region), None)
    if region is None:
        return [_problem(source, ("region",), f"no region {config.region} in the registry "
                         f"{registry.year}", "unknown_region")]
    members = {m.code for m in registry.members(region.code)}
    at: tuple[str | int, ...]
    grouped: dict[str, str] = {}
    group_ids: set[str] = set()
    for index, group in enumerate(config.sub_regions):
        if group.id in group_ids:
            problems.append(_problem(source, ("sub_regions", index, "id"),
                                     f"sub-region id {group.id!r} is used twice", "duplicate_id"))
        group_ids.add(group.id)
        if not group.municipalities:
            problems.append(_problem(source, ("sub_regions", index, "municipalities"),
                                     "a sub-region needs at least one municipality", "missing"))
        for m_index, code in enumerate(group.municipalities):
            at = ("sub_regions", index, "municipalities", m_index)
            if code not in members:
                problems.append(_problem(source, at, f"municipality {code} is not in region "
                                         f"{region.code}", "not_member"))
            elif code in grouped:
                problems.append(_problem(source, at, f"municipality {code} is already in "
                                         f"sub-region {grouped[code]!r}", "grouped_twice"))
            else:
                grouped[code] = group.id
    for obligation_id, setting in config.negotiations.items():
        at = ("negotiations", obligation_id)
        definition = by_id.get(obligation_id)
        if definition is None:
            problems.append(_problem(source, at, f"no obligation {obligation_id!r}",
                                     "unknown_obligation"))
        elif not definition.owed_by.is_negotiation:
            problems.append(_problem(source, at, f"{obligation_id!r} is not a negotiation",
                                     "not_negotiation"))
        elif not region.is_county:
            problems.append(_problem(source, at, "Helsinki holds no county negotiations",
                                     "not_county"))
        elif setting.arrangement is Arrangement.SUB_REGIONAL:
            ungrouped = sorted(members - grouped.keys())
            if ungrouped:
                problems.append(_problem(source, (*at, "arrangement"),
                                         "sub_regional needs every municipality in a sub-region;"
                                         f" not grouped: {', '.join(ungrouped)}", "ungrouped"))
    for obligation_id, dates in config.practice_dates.items():
        problems.extend(_check_dates(("practice_dates", obligation_id), obligation_id, dates,
                                     source, by_id))
    problems.extend(_check_approvals(("last_approvals",), config.last_approvals, source, by_id,
                                     county=region.is_county, municipality=False))
    for code, settings in config.municipalities.items():
        if code not in members:
            problems.append(_problem(source, ("municipalities", code),
                                     f"municipality {code} is not in region {region.code}",
                                     "not_member"))
            continue
        problems.extend(_check_approvals(("municipalities", code, "last_approvals"),
                                         settings.last_approvals, source, by_id,
                                         county=region.is_county, municipality=True))
        for obligation_id, dates in settings.practice_dates.items():
            definition = by_id.get(obligation_id)
            at = ("municipalities", code, "practice_dates", obligation_id)
            if definition is not None and definition.owed_by not in (
                OwedBy.MUNICIPALITY, OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY
            ):
                problems.append(_problem(source, at, "a municipality sets dates only for its own "
                                         "duties; set negotiation dates for the county",
                                         "not_own_duty"))
                continue
            problems.extend(_check_dates(at, obligation_id, dates, source, by_id))
    return problems


def _check_approvals(
    at: tuple[str | int, ...],
    approvals: dict[str, Any],
    source: SourceMap,
    by_id: dict[str, ObligationDefinition],
    *,
    county: bool,
    municipality: bool,
) -> list[Problem]:
    """A last approval is given only for a rolling duty the party itself owes."""
    problems: list[Problem] = []
    for obligation_id in approvals:
        definition = by_id.get(obligation_id)
        if definition is None:
            problems.append(_problem(source, (*at, obligation_id),
                                     f"no obligation {obligation_id!r}", "unknown_obligation"))
            continue
        owed_by = definition.owed_by
        owes = (owed_by in (OwedBy.MUNICIPALITY, OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY) or (
            owed_by is OwedBy.REGION and definition.self_organising_municipalities
            and not county)) if municipality else (
            county and owed_by in (OwedBy.REGION, OwedBy.MUNICIPALITY_AND_REGION_SEPARATELY))
        if definition.cadence is not Cadence.ROLLING:
            problems.append(_problem(source, (*at, obligation_id),
                                     f"{obligation_id!r} is not a rolling duty (cadence "
                                     f"{Cadence.ROLLING.value})", "not_rolling"))
        elif not owes:
            problems.append(_problem(source, (*at, obligation_id),
                                     f"{'the municipality' if municipality else 'the county'} "
                                     f"does not owe {obligation_id!r} itself", "not_own_duty"))
    return problems


def _check_dates(
    at: tuple[str | int, ...],
    obligation_id: str,
    dates: Any,
    source: SourceMap,
    by_id: dict[str, ObligationDefinition],
) -> list[Problem]:
    definition = by_id.get(obligation_id)
    if definition is None:
        return [_problem(source, at, f"no obligation {obligation_id!r}", "unknown_obligation")]
    problems: list[Problem] = []
    if dates.deadline is not None and definition.cadence is Cadence.ROLLING:
        problems.append(_problem(source, (*at, "deadline"),
                                 "a rolling duty is due on the anniversary of its last approval; "
                                 "set last_approvals instead", "rolling_date"))
    elif dates.deadline is not None:
        if definition.deadline.source is DeadlineSource.STATUTE:
            problems.append(_problem(source, (*at, "deadline"),
                                     "the law sets this date; it cannot be changed locally",
                                     "statutory_date"))
        problems.extend(_check_rule((*at, "deadline"), dates.deadline, definition, source,
                                    for_step=False))
    step_ids = {s.id: s for s in definition.steps}
    for step_id, rule in dates.steps.items():
        step = step_ids.get(step_id)
        if step is None:
            problems.append(_problem(source, (*at, "steps", step_id),
                                     f"no step {step_id!r} in {obligation_id}", "unknown_step"))
            continue
        if step.deadline is not None and step.deadline.source is DeadlineSource.STATUTE:
            problems.append(_problem(source, (*at, "steps", step_id),
                                     "the law sets this date; it cannot be changed locally",
                                     "statutory_date"))
        problems.extend(_check_rule((*at, "steps", step_id), rule, definition, source,
                                    for_step=True))
    return problems


def _check_rule(at: tuple[str | int, ...], rule: Any, definition: ObligationDefinition,
                source: SourceMap, *, for_step: bool) -> list[Problem]:
    if rule.kind == "anniversary" and definition.cadence is not Cadence.ROLLING:
        return [_problem(source, at, "anniversary needs a rolling cadence", "rule_cadence")]
    if definition.cadence is Cadence.ROLLING and rule.kind not in _ROLLING_STEP_RULES:
        return [_problem(source, at, "a rolling duty's steps take days_before_deadline",
                         "rule_cadence")]
    if rule.kind == "days_before_deadline" and not for_step:
        return [_problem(source, at, "days_before_deadline is only for steps", "rule_kind")]
    if rule.kind == "end_of_term_year" and not definition.cadence.per_term:
        return [_problem(source, at, "end_of_term_year needs a per-term cadence",
                         "rule_cadence")]
    if rule.kind == "date_in_year" and definition.cadence.per_term:
        return [_problem(source, at, "a per-term duty takes end_of_term_year, end_of_period or "
                         "(for steps) days_before_deadline, not date_in_year", "rule_cadence")]
    if rule.kind == "date_in_year" and rule.year_offset > 0 \
            and definition.deadline.source is not DeadlineSource.STATUTE:
        return [_problem(source, (*at, "year_offset"), "a local date cannot fall after the "
                         "year the duty is for: the law allows it only until 31.12",
                         "after_legal_limit")]
    return []
