"""The one catalogue of words: complete in fi, sv and en, every id used, none missing.

The ids used are found as `pybabel extract` finds them (babel.cfg over the code and the
Jinja templates), so `make messages` and this test agree about what the code asks for.
"""

from __future__ import annotations

import io
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from calendars.wording import legal_citation, legal_url, section_citation
from obligations import catalogue
from obligations.catalogue import LOCALE_DIR, gettext, ngettext
from obligations.lang import LANGS
from obligations.schema import Arrangement, LegalBasis, PartyKind, Role
from obligations.vocabulary import ENUM_KEYS, ROLE_KEYS

ROOT = Path(__file__).parents[2]
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"


def _po(lang: str) -> Catalog:
    with (LOCALE_DIR / lang / "LC_MESSAGES" / f"{catalogue.DOMAIN}.po").open("rb") as po:
        return read_po(po, locale=lang)


def _ids(catalog: Catalog) -> set[str | tuple[str, ...]]:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def _used() -> set[str | tuple[str, ...]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    return {message if isinstance(message, str) else tuple(message)
            for _, _, message, _, _ in extract_from_dir(ROOT, method_map, options_map)}


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_written_in_every_language(lang):
    catalog = _po(lang)
    assert catalog.plural_forms == PLURAL_FORMS
    assert _ids(catalog) == _ids(_po("en")), "every language has the same ids"
    for message in catalog:
        if not message.id:
            continue
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(texts) == (2 if message.pluralizable else 1), message.id
        assert all(texts), f"{lang}: {message.id} has no text"
        assert not message.fuzzy, f"{lang}: {message.id} is fuzzy"


def test_the_languages_fill_in_the_same_fields():
    catalogs = {lang: _po(lang) for lang in LANGS}
    for message in catalogs["en"]:
        if not message.id:
            continue
        key = message.id
        seen = set()
        for lang in LANGS:
            string_ = catalogs[lang][key if isinstance(key, str) else key[0]].string
            texts = string_ if isinstance(string_, tuple) else (string_,)
            seen.add(frozenset().union(*(_fields(str(t)) for t in texts)))
        assert len(seen) == 1, f"{key}: the languages fill in different fields: {seen}"


def test_every_id_the_code_uses_is_in_the_catalogue_and_every_id_in_it_is_used():
    used, written = _used(), _ids(_po("en"))
    assert not used - written, f"used but not in the catalogue: {sorted(map(str, used - written))}"
    assert not written - used, f"in the catalogue but unused: {sorted(map(str, written - used))}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_is_compiled_from_the_po(lang):
    compiled = io.BytesIO()
    write_mo(compiled, _po(lang))
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / f"{catalogue.DOMAIN}.mo"
    assert mo.read_bytes() == compiled.getvalue(), f"{mo} is stale: run `make messages`"


def test_plurals_follow_the_count():
    def reminder(n: int, lang: str) -> str:
        return ngettext("mail.when.reminder", "mail.when.reminder.n", n, lang,  # type: ignore[arg-type]
                        days=n)

    assert [reminder(n, "sv") for n in (1, 2)] == ["1 dag kvar", "2 dagar kvar"]
    assert [reminder(n, "en") for n in (1, 2)] == ["1 day to go", "2 days to go"]
    assert [reminder(n, "fi") for n in (1, 2)] == ["määräpäivään 1 päivä",
                                                    "määräpäivään 2 päivää"]
    assert gettext("web.find_none", "en", query="x") == "No municipality matches “x”."


@pytest.mark.parametrize(("section", "fi", "sv", "en"), [
    ("12", "12 §", "12 §", "section 12"),
    ("13a", "13 a §", "13 a §", "section 13a"),
    ("121(4)", "121 §:n 4 momentti", "121 § 4 mom.", "section 121(4)"),
    ("ch. 13", "13 luku", "13 kap.", "chapter 13"),
    ("liite 2", "liite 2 §", "liite 2 §", "liite 2 §"),
])
def test_sections_are_cited_as_each_language_cites_them(section, fi, sv, en):
    assert [section_citation(section, lang) for lang in LANGS] == [fi, sv, en]


def test_swedish_readers_get_finlex_in_swedish():
    basis = LegalBasis.model_validate({
        "act": "612/2021", "title": {"fi": "Laki", "sv": "Lag", "en": "Act"}, "sections": ["6"],
        "url": "https://finlex.fi/fi/laki/ajantasa/2021/20210612", "kind": "statute",
        "verification": "statute_text"})
    assert legal_url(basis, "sv") == "https://finlex.fi/sv/lag/ajantasa/2021/20210612"
    assert legal_url(basis, "fi") == legal_url(basis, "en") == \
        "https://finlex.fi/fi/laki/ajantasa/2021/20210612"
    assert legal_citation(basis, "fi") == "Laki 612/2021 6 §"
    other = basis.model_copy(update={"url": "https://example.fi/laki"})
    assert legal_url(other, "sv") == "https://example.fi/laki"


def test_every_vocabulary_value_has_labels_in_three_languages():
    """Every enum member has a catalogue id (each in every language: the tests above)."""
    for enum, keys in ENUM_KEYS.items():
        assert set(keys) == set(enum), enum
    assert set(ROLE_KEYS) == {(role, party) for role in Role for party in PartyKind}
    assert Arrangement.WHOLE_REGION in ENUM_KEYS[Arrangement]
