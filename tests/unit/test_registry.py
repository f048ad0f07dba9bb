"""The shipped registry: Statistics Finland 2026 classification, 292 mainland municipalities."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter

import pytest

from obligations.errors import InputError, UnknownPartyError
from obligations.parties import default_registry_folder, load_registry

# Municipalities per organiser, from shared/data/README.md ("Verification").
EXPECTED_MEMBERS = {
    "01": 7, "02": 6, "03": 10, "04": 2, "05": 27, "06": 16, "07": 11, "08": 23, "09": 10,
    "10": 6, "11": 9, "12": 11, "13": 19, "14": 13, "15": 22, "16": 18, "17": 14, "18": 8,
    "19": 30, "20": 8, "21": 21, "90": 1,
}


def test_counts(registry):
    assert registry.year == 2026
    assert len(registry.municipalities) == 292
    assert len(registry.regions) == 22
    assert len(registry.counties) == 21


def test_members_per_organiser(registry):
    assert {r.code: len(registry.members(r.code)) for r in registry.regions} == EXPECTED_MEMBERS


def test_language_status_counts(registry):
    assert Counter(m.language for m in registry.municipalities) == {
        "fi": 259, "fi-sv": 18, "sv-fi": 15,
    }


def test_helsinki_is_its_own_organiser(registry):
    """Helsinki (091) belongs to organiser 90, the City of Helsinki, which is no county."""
    helsinki = registry.municipality("091")
    assert helsinki.region_code == "90"
    assert registry.region("90").is_county is False
    assert all(pair.municipality.code != "091" for pair in registry.pairs())
    assert sum(1 for _ in registry.pairs()) == 291


@pytest.mark.parametrize(
    ("code", "name_fi", "name_sv", "region", "lang"),
    [
        ("205", "Kajaani", "Kajana", "20", "fi"),
        ("905", "Vaasa", "Vasa", "17", "fi"),
        ("564", "Oulu", "Uleåborg", "19", "fi"),
        ("091", "Helsinki", "Helsingfors", "90", "fi"),
        ("599", "Pedersören kunta", "Pedersöre", "17", "sv"),
    ],
)
def test_real_municipalities(registry, code, name_fi, name_sv, region, lang):
    municipality = registry.municipality(code)
    assert (municipality.name("fi"), municipality.name("sv"), municipality.region_code,
            municipality.default_lang) == (name_fi, name_sv, region, lang)


def test_pertunmaa_merged_into_mantyharju(registry):
    """Pertunmaa (588) merged into Mäntyharju (507) on 1.1.2025."""
    with pytest.raises(UnknownPartyError):
        registry.municipality("588")
    assert registry.municipality("507").region_code == "12"


MUNICIPALITY_COLUMNS = ["municipality_code", "municipality_name_fi", "municipality_name_sv",
                        "region_code", "region_name_fi", "region_name_sv", "language"]
REGION_COLUMNS = ["region_code", "region_name_fi", "region_name_sv", "region_name_en",
                  "organiser_type"]


def _rows(name: str, columns: list[str]) -> list[dict[str, str]]:
    """A shipped CSV file read as text, beside the loader: as the README says it is written."""
    data = (default_registry_folder() / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "UTF-8 without a byte-order mark"
    assert b"\r" not in data, "LF line endings"
    assert data.endswith(b"\n")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    assert reader.fieldnames == columns
    return list(reader)


def test_shipped_copy_is_as_its_readme_describes():
    """The copy in obligations/registry/ keeps the published format and its stated facts.

    (It is a verbatim copy of the project's shared reference data; this checks the copy
    itself, so it runs wherever the repository does.)
    """
    municipalities = _rows("municipalities.csv", MUNICIPALITY_COLUMNS)
    regions = {row["region_code"]: row for row in _rows("regions.csv", REGION_COLUMNS)}
    assert len(municipalities) == 292
    assert all(re.fullmatch(r"\d{3}", m["municipality_code"]) for m in municipalities)
    assert all(re.fullmatch(r"\d{2}", code) for code in regions)
    assert {r["organiser_type"] for r in regions.values()} == {"wellbeing_services_county",
                                                                "city_of_helsinki"}
    assert [c for c, r in regions.items() if r["organiser_type"] == "city_of_helsinki"] == ["90"]
    for municipality in municipalities:  # the county names repeated in each row agree
        region = regions[municipality["region_code"]]
        assert (municipality["region_name_fi"], municipality["region_name_sv"]) == (
            region["region_name_fi"], region["region_name_sv"])
    finnish_only = [m for m in municipalities if m["language"] == "fi"]
    assert sum(m["municipality_name_sv"] != m["municipality_name_fi"]
               for m in finnish_only) == 81  # Oulu/Uleåborg, Akaa/Ackas, …


def test_another_year_in_the_same_format_loads(tmp_path):
    folder = tmp_path / "2025"
    shutil.copytree(default_registry_folder(), folder)
    registry = load_registry(folder, year=2025)
    assert registry.year == 2025
    assert len(registry.municipalities) == 292


def test_a_byte_order_mark_is_accepted(tmp_path):
    """Spreadsheet programs save CSV with a BOM; the header must still be recognised."""
    shutil.copytree(default_registry_folder(), tmp_path, dirs_exist_ok=True)
    path = tmp_path / "municipalities.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert len(load_registry(tmp_path, year=2026).municipalities) == 292


def test_broken_registry_names_file_line_and_column(tmp_path):
    shutil.copytree(default_registry_folder(), tmp_path, dirs_exist_ok=True)
    path = tmp_path / "municipalities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace(",fi", ",xx")  # line 4 of the file
    lines.append(lines[1])  # a duplicate of line 2
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_registry(tmp_path, year=2026)
    messages = [str(p) for p in caught.value.problems]
    assert messages == [
        f"{path}:4: language: 'xx' is not one of fi, fi-sv, sv-fi, sv",
        f"{path}:294: municipality_code: 005 appears twice",
    ]
