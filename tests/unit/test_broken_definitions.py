"""A corpus of broken definition files, each named for its defect, with the exact message.

Each file is validated alone in a folder of its own; the id inside equals the file name
(except where that is the defect), so every problem listed is the one the file was made for.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from obligations.errors import InputError
from obligations.loader import load_definitions

CORPUS = Path(__file__).parent / "broken_definitions"

EXPECTED: dict[str, list[str]] = {
    "alias-bomb": ["15: notes_again: YAML anchors and aliases (&, *) are not supported"],
    "billion-laughs": ["21: b[0]: YAML anchors and aliases (&, *) are not supported"],
    "binary-scalar": ["20: deadline.note: unknown YAML tag '!!binary'"],
    "core-tag-set": ["16: deadline.rule: unknown YAML tag '!!set'"],
    "bad-date-value": [
        "21: notes[0]: cannot read the value '2026-02-30': day is out of range for month"],
    "date-in-year-per-term": ["16: deadline.rule: date_in_year needs a yearly cadence"],
    "bad-act-number": [
        "7: legal_basis[0].act: '612-2021' must be a statute number like 612/2021"],
    "bad-cadence": [
        "14: cadence: Input should be 'annual_calendar_year', 'annual_fiscal_year', "
        "'once_per_term', 'continuous' or 'rolling'"],
    "bad-role": [
        "27: steps[1].role: Input should be 'preparer', 'coordinator', 'responsible_body', "
        "'multisector_group', 'board', 'council', 'auditor', 'audit_committee', "
        "'finance_office', 'council_secretary', 'communications', 'top_management', "
        "'elected_leadership' or 'experts'"],
    "days-before-on-obligation": [
        "16: deadline.rule.kind: days_before_deadline is only for steps"],
    "duplicate-key": ["21: deadline.kind: duplicate key (an earlier line sets it already)"],
    "duplicate-step-id": ["25: steps[1].id: step id 'first' is used twice"],
    "end-of-term-year-on-annual": [
        "16: deadline.rule: end_of_term_year needs a per-term cadence"],
    "february-30": ["16: deadline.rule: Value error, 30.2. is not a day of every year"],
    "id-not-file-name": ["1: id: must equal the file name 'id-not-file-name'"],
    "missing-names": ["1: names: required field is missing"],
    "missing-swedish-name": ["2: names.sv: required field is missing"],
    "multiline-name": ["5: names.en: 'Test\\nobligation' must be one line (no line breaks)"],
    "negotiation-without-participants": [
        "1: participants: a negotiation names its participants"],
    "no-steps": ["1: steps: required field is missing"],
    "not-a-mapping": ["1: (file): the file must hold a mapping of keys to values"],
    "participants-on-single-party": [
        "21: participants: only negotiations (owed_by pair_jointly or region_convenes) have "
        "participants"],
    "self-dependency": [
        "22: depends_on[0].obligation: an obligation cannot depend on itself",
        "21: depends_on: dependency cycle: self-dependency -> self-dependency"],
    "self-organising-not-county": [
        "14: self_organising_municipalities: only county duties (owed_by region) can be owed "
        "by municipalities outside every county as well"],
    "step-after-duty": [
        "26: steps[0].deadline.rule: a step the law gives no date cannot be due after the "
        "duty's statutory date"],
    "step-after-unknown": ["28: steps[1].after[0]: no step 'zeroth' in this definition"],
    "step-after-itself": ["28: steps[1].after[1]: step 'second' cannot come after itself"],
    "step-cycle": ["25: steps[0].after: steps come after each other: first -> second -> first"],
    "step-cycle-three": [
        "25: steps[0].after: steps come after each other: first -> third -> second -> first"],
    "unknown-tag-mapping": ["2: names: unknown YAML tag '!translations'"],
    "unknown-tag-scalar": ["13: owed_by: unknown YAML tag '!env'"],
    "unknown-tag-sequence": ["21: steps: unknown YAML tag '!ordered'"],
    "step-party-on-single-party": [
        "25: steps[0].party: only duties of both parties name the party of a step"],
    "term-year-five": ["16: deadline.rule.term_year: Input should be less than or equal to 4"],
    "unknown-dependency": ["22: depends_on[0].obligation: no obligation 'no-such-duty'"],
    "unknown-field": ["14: cadense: unknown field; did you mean 'cadence'?"],
    "unknown-rule-kind": [
        "16: deadline.rule: Input tag 'someday' found using 'kind' does not match any of the "
        "expected tags: 'date_in_year', 'end_of_period', 'end_of_term_year', "
        "'days_before_deadline', 'anniversary'"],
    "rolling-without-anchor": ["14: cadence: a rolling cadence needs anchor_step"],
    "rolling-unknown-anchor": ["16: anchor_step: no step 'approval' in this definition"],
    "rolling-end-of-period": [
        "18: deadline.rule: a rolling duty is due on the anniversary of its last approval: "
        "rule {kind: anniversary}"],
    "rolling-every-zero-years": ["15: every_years: Input should be greater than or equal to 1"],
    "rolling-step-date-in-year": [
        "31: steps[1].deadline.rule: a rolling duty's steps take days_before_deadline"],
    "every-years-on-annual": ["15: every_years: only a rolling cadence has every_years"],
    "anniversary-on-annual": ["16: deadline.rule: anniversary needs a rolling cadence"],
    "yaml-syntax-error": ["14: (file): YAML syntax error: did not find expected ',' or ']'"],
}


def test_every_corpus_file_has_an_expectation():
    assert sorted(p.stem for p in CORPUS.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("defect", sorted(EXPECTED))
def test_broken_definition(tmp_path, defect):
    shutil.copy(CORPUS / f"{defect}.yaml", tmp_path)
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    prefix = f"{tmp_path / defect}.yaml:"
    assert [str(p).removeprefix(prefix) for p in caught.value.problems] == EXPECTED[defect]


def test_same_id_in_two_files(tmp_path):
    """Two files claiming one id: the later file (in name order) is told so."""
    source = Path(__file__).parents[1] / "fixtures" / "definitions"
    original = source / "municipal-financial-statements.yaml"
    shutil.copy(original, tmp_path / "municipal-financial-statements.yaml")
    shutil.copy(original, tmp_path / "municipal-financial-statements-copy.yaml")
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    copy = tmp_path / "municipal-financial-statements-copy.yaml"
    second = tmp_path / "municipal-financial-statements.yaml"
    assert [str(p) for p in caught.value.problems] == [
        f"{copy}:2: id: must equal the file name 'municipal-financial-statements-copy'",
        f"{second}:2: id: id 'municipal-financial-statements' is used twice",
    ]


def test_dependency_cycle_across_files(tmp_path):
    base = (CORPUS / "unknown-dependency.yaml").read_text(encoding="utf-8")
    for name, other in (("duty-a", "duty-b"), ("duty-b", "duty-a")):
        text = base.replace("id: unknown-dependency", f"id: {name}")
        (tmp_path / f"{name}.yaml").write_text(text.replace("no-such-duty", other),
                                               encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    assert [p.message for p in caught.value.problems] == [
        "dependency cycle: duty-a -> duty-b -> duty-a"]


def test_empty_folder(tmp_path):
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path}: (file): holds no definition files (*.yaml)"]


def test_not_utf8(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes("names: Hyvinvointikertomus ä".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    assert caught.value.problems[0].code == "encoding"


def _one_good_definition(folder: Path) -> None:
    source = Path(__file__).parents[2] / "obligations" / "definitions"
    shutil.copy(source / "municipal-financial-statements.yaml", folder)


@pytest.mark.parametrize(("make", "reason"), [
    pytest.param(lambda f: (f / "gone.yaml").symlink_to(f / "nowhere.yaml"),
                 "cannot be read: a link that leads nowhere", id="dangling-link"),
    pytest.param(lambda f: (f / "loop.yaml").symlink_to(f / "loop.yaml"),
                 "cannot be read: Too many levels of symbolic links", id="link-loop"),
    pytest.param(lambda f: ((f / "a.yaml").symlink_to(f / "b.yaml"),
                            (f / "b.yaml").symlink_to(f / "a.yaml")),
                 "cannot be read: Too many levels of symbolic links", id="two-link-loop"),
    pytest.param(lambda f: (f / "folder.yaml").mkdir(), "is not a file", id="folder"),
])
def test_unreadable_entry_is_named_not_skipped(tmp_path, make, reason):
    _one_good_definition(tmp_path)
    make(tmp_path)
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    lines = [str(p) for p in caught.value.problems]
    assert lines
    assert all(line.endswith(f": (file): {reason}") for line in lines)
    assert not any("municipal-financial-statements" in line for line in lines)


def test_a_link_to_a_good_file_is_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _one_good_definition(elsewhere)
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "municipal-financial-statements.yaml").symlink_to(
        elsewhere / "municipal-financial-statements.yaml")
    assert [d.id for d in load_definitions(folder)] == ["municipal-financial-statements"]


def test_a_dangling_link_in_the_configuration_folder(tmp_path, definitions, registry):
    from obligations.loader import load_configuration

    (tmp_path / "19.yaml").symlink_to(tmp_path / "missing.yaml")
    with pytest.raises(InputError) as caught:
        load_configuration(tmp_path, definitions, registry)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / '19.yaml'}: (file): cannot be read: a link that leads nowhere"]


def test_an_alias_bomb_takes_no_time(tmp_path):
    """One line, and the document is never expanded (10^9 items would take minutes)."""
    import time

    shutil.copy(CORPUS / "billion-laughs.yaml", tmp_path)
    started = time.perf_counter()
    with pytest.raises(InputError) as caught:
        load_definitions(tmp_path)
    assert time.perf_counter() - started < 5
    assert len(caught.value.problems) == 1


@pytest.mark.parametrize(("defect", "lang", "message"), [
    ("step-cycle", "fi", "25: steps[0].after: kohdat tulevat toistensa jälkeen: "
                         "first -> second -> first"),
    ("step-after-itself", "sv", "28: steps[1].after[1]: punkten 'second' kan inte komma efter "
                                "sig själv"),
    ("unknown-tag-mapping", "fi", "2: names: tuntematon YAML-tunniste '!translations'"),
    ("billion-laughs", "sv", "21: b[0]: YAML-ankare och -alias (&, *) stöds inte"),
])
def test_validate_says_it_in_the_readers_language(tmp_path, defect, lang, message):
    import io

    from yhdyspinta.cli import main

    shutil.copy(CORPUS / f"{defect}.yaml", tmp_path)
    out, err = io.StringIO(), io.StringIO()
    code = main(["validate", str(tmp_path), "--lang", lang], out=out, err=err)
    assert code == 1
    assert err.getvalue().splitlines()[0] == f"{tmp_path / defect}.yaml:{message}"
    assert len(err.getvalue().splitlines()) == 2
