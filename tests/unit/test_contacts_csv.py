"""Contacts CSV the csv module cannot read: one line with file, line and column, no import."""

from __future__ import annotations

import pytest

from state.contacts import parse_contacts
from state.errors import ContactImportError

HEADER = "party,role,name,email,teams,language,delivery\n"
GOOD = "564,coordinator,Anna,anna@ouka.fi,,fi,digest\n"


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param(GOOD + "564,coordinator,Bo,bo@ouka.fi,,fi,digest,extra,more\n",
                 ["3: column 8: 2 more field(s) than the header"], id="more-fields"),
    pytest.param("564,coordinator,Bo,bo@ouka.fi,,fi,digest,\n" + GOOD,
                 ["2: column 8: 1 more field(s) than the header"], id="trailing-comma"),
    pytest.param(GOOD + "564,coordinator,An\x00na,anna@ouka.fi,,fi,digest\n",
                 ["3: name: holds a NUL byte (is this a CSV text file?)"], id="nul"),
    pytest.param("564,coordinator,Anna,anna@ouka.fi,,fi,digest\x00\n",
                 ["2: delivery: holds a NUL byte (is this a CSV text file?)"], id="nul-last"),
    pytest.param("564,coordinator,Anna,anna@ouka.fi," + "x" * 200_000 + ",fi,digest\n",
                 ["2: teams: longer than 100000 characters"], id="huge-field"),
    pytest.param(GOOD + '564,coordinator,Anna,"' + ("y" * 1000 + "\n") * 200
                 + '",,fi,digest\n',
                 ["3: email: not readable as CSV: field larger than field limit (131072)"],
                 id="huge-quoted-field-over-many-lines"),
])
def test_unreadable_rows(registry, body, expected):
    with pytest.raises(ContactImportError) as caught:
        parse_contacts(HEADER + body, "contacts.csv", registry)
    assert [str(p) for p in caught.value.problems] == expected


def test_nul_in_the_header(registry):
    with pytest.raises(ContactImportError) as caught:
        parse_contacts("party,ro\x00le,name\n", "contacts.csv", registry)
    assert [str(p) for p in caught.value.problems] == [
        "1: (header): holds a NUL byte (is this a CSV text file?)"]


def test_fewer_fields_are_reported_per_column(registry):
    with pytest.raises(ContactImportError) as caught:
        parse_contacts(HEADER + "564,coordinator,Anna\n", "contacts.csv", registry)
    assert [str(p) for p in caught.value.problems] == [
        "2: email: give an email or a teams address",
        "2: language: '' is not fi, sv or en"]


def test_a_good_file_still_reads(registry):
    assert [c.name for c in parse_contacts(HEADER + GOOD, "contacts.csv", registry)] == ["Anna"]


def test_through_the_command_nothing_is_imported(tmp_path, monkeypatch):
    import io

    from yhdyspinta.cli import main

    monkeypatch.setenv("YHDYSPINTA_DATABASE_URL", f"sqlite:///{tmp_path}/store.db")
    path = tmp_path / "contacts.csv"
    path.write_text(HEADER + GOOD + "564,coordinator,Bo,bo@ouka.fi,,fi,digest,extra\n"
                    + "91,coordinator,C\x00,c@hel.fi,,fi,digest\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = main(["contacts", "import", str(path), "--lang", "en"], out=out, err=err)
    assert (code, out.getvalue()) == (1, "")
    assert err.getvalue().splitlines() == [
        f"yhdyspinta: error: {path}:4: name: holds a NUL byte (is this a CSV text file?)",
        "yhdyspinta: error: 1 problem; nothing was used."]
    out = io.StringIO()
    assert main(["contacts", "list", "--lang", "en"], out=out, err=err) == 0
    assert len(out.getvalue().splitlines()) == 2  # header and rule: nothing imported
