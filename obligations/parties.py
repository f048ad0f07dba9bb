"""The parties of the cooperation, from the Statistics Finland classification shipped with us.

Municipalities belong to one organiser: a wellbeing services county (codes 01–21) or the
City of Helsinki (code 90), which organises its services itself and so is both parties in
one: it owes municipal duties, but no county duty (612/2021 §7 does not apply to it,
615/2021 §2) unless the county duty's own law reaches it (a definition's
`self_organising_municipalities`), and it has no §14 negotiation (611/2021 does not apply).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

from obligations.errors import InputError, Problem, UnknownPartyError
from obligations.schema import Lang

DEFAULT_REGISTRY_YEAR = 2026
HELSINKI_ORGANISER = "city_of_helsinki"
COUNTY_ORGANISER = "wellbeing_services_county"

LanguageStatus = Literal["fi", "fi-sv", "sv-fi", "sv"]
_LANGUAGE_STATUSES: tuple[str, ...] = ("fi", "fi-sv", "sv-fi", "sv")

MUNICIPALITY_COLUMNS = (
    "municipality_code", "municipality_name_fi", "municipality_name_sv",
    "region_code", "region_name_fi", "region_name_sv", "language",
)
REGION_COLUMNS = ("region_code", "region_name_fi", "region_name_sv", "region_name_en",
                  "organiser_type")


@dataclass(frozen=True, slots=True)
class Region:
    """A wellbeing services county, or the City of Helsinki as organiser."""

    code: str
    name_fi: str
    name_sv: str
    name_en: str
    organiser_type: str

    @property
    def is_county(self) -> bool:
        """False for the City of Helsinki, which owes no county duties."""
        return self.organiser_type == COUNTY_ORGANISER

    def name(self, lang: Lang) -> str:
        """The name in `lang`."""
        return {"fi": self.name_fi, "sv": self.name_sv, "en": self.name_en}[lang]


@dataclass(frozen=True, slots=True)
class Municipality:
    """A mainland municipality with its organiser and language status."""

    code: str
    name_fi: str
    name_sv: str
    region_code: str
    language: LanguageStatus

    def name(self, lang: Lang) -> str:
        """The name in `lang`; English uses the name in the majority's language.

        "Närpes" and "Jakobstad" in English, not "Närpiö" and "Pietarsaari": English texts
        use the name the place goes by (Swedish-only and Swedish-majority municipalities).
        """
        if lang == "sv" or (lang == "en" and self.default_lang == "sv"):
            return self.name_sv
        return self.name_fi

    @property
    def default_lang(self) -> Lang:
        """Language of the majority: Swedish for Swedish-only and Swedish-majority ones."""
        return "sv" if self.language in ("sv", "sv-fi") else "fi"


@dataclass(frozen=True, slots=True)
class Pair:
    """A municipality and the county it belongs to: the unit the law binds together."""

    municipality: Municipality
    region: Region


@dataclass(frozen=True)
class Registry:
    """Municipalities and organisers valid for one classification year."""

    year: int
    source: str
    regions: tuple[Region, ...]
    municipalities: tuple[Municipality, ...]
    _regions_by_code: dict[str, Region] = field(init=False, repr=False, compare=False)
    _municipalities_by_code: dict[str, Municipality] = field(
        init=False, repr=False, compare=False
    )
    _members: dict[str, tuple[Municipality, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regions_by_code", {r.code: r for r in self.regions})
        object.__setattr__(
            self, "_municipalities_by_code", {m.code: m for m in self.municipalities}
        )
        members: dict[str, list[Municipality]] = {r.code: [] for r in self.regions}
        for municipality in self.municipalities:
            members[municipality.region_code].append(municipality)
        object.__setattr__(self, "_members", {k: tuple(v) for k, v in members.items()})

    def region(self, code: str) -> Region:
        """The organiser with `code` (UnknownPartyError if none)."""
        try:
            return self._regions_by_code[code]
        except KeyError:
            raise UnknownPartyError("region", code) from None

    def municipality(self, code: str) -> Municipality:
        """The municipality with `code` (UnknownPartyError if none)."""
        try:
            return self._municipalities_by_code[code]
        except KeyError:
            raise UnknownPartyError("municipality", code) from None

    def members(self, region_code: str) -> tuple[Municipality, ...]:
        """Municipalities of one organiser, in code order."""
        self.region(region_code)
        return self._members[region_code]

    @property
    def counties(self) -> tuple[Region, ...]:
        """The wellbeing services counties (Helsinki left out)."""
        return tuple(r for r in self.regions if r.is_county)

    def pairs(self) -> Iterator[Pair]:
        """Every municipality × its county; Helsinki has none (it is its own organiser)."""
        for municipality in self.municipalities:
            region = self._regions_by_code[municipality.region_code]
            if region.is_county:
                yield Pair(municipality, region)


def default_registry_folder(year: int = DEFAULT_REGISTRY_YEAR) -> Path:
    """Folder of the registry year shipped inside the package."""
    return Path(str(resources.files("obligations") / "registry" / str(year)))


def load_registry(folder: Path | None = None, *, year: int | None = None) -> Registry:
    """Read `municipalities.csv` and `regions.csv` of one classification year.

    Every problem is collected and raised as one InputError naming file, line and column.
    """
    year = year if year is not None else DEFAULT_REGISTRY_YEAR
    folder = folder if folder is not None else default_registry_folder(year)
    problems: list[Problem] = []
    region_rows = _read_csv(folder / "regions.csv", REGION_COLUMNS, problems)
    municipality_rows = _read_csv(folder / "municipalities.csv", MUNICIPALITY_COLUMNS, problems)
    if problems:
        raise InputError(problems)

    regions: dict[str, Region] = {}
    regions_file = str(folder / "regions.csv")
    for line, row in region_rows:
        code = row["region_code"]
        if not (len(code) == 2 and code.isdigit()):
            problems.append(Problem(regions_file, line, "region_code",
                                    f"{code!r} is not a two-digit code", "registry"))
            continue
        if row["organiser_type"] not in (COUNTY_ORGANISER, HELSINKI_ORGANISER):
            problems.append(Problem(regions_file, line, "organiser_type",
                                    f"unknown organiser type {row['organiser_type']!r}",
                                    "registry"))
            continue
        if code in regions:
            problems.append(Problem(regions_file, line, "region_code",
                                    f"{code} appears twice", "registry"))
            continue
        regions[code] = Region(code, row["region_name_fi"], row["region_name_sv"],
                               row["region_name_en"], row["organiser_type"])

    municipalities: dict[str, Municipality] = {}
    municipalities_file = str(folder / "municipalities.csv")
    for line, row in municipality_rows:
        code = row["municipality_code"]
        if not (len(code) == 3 and code.isdigit()):
            problems.append(Problem(municipalities_file, line, "municipality_code",
                                    f"{code!r} is not a three-digit code", "registry"))
        elif code in municipalities:
            problems.append(Problem(municipalities_file, line, "municipality_code",
                                    f"{code} appears twice", "registry"))
        elif row["region_code"] not in regions:
            problems.append(Problem(municipalities_file, line, "region_code",
                                    f"{row['region_code']!r} is not in regions.csv", "registry"))
        elif row["language"] not in _LANGUAGE_STATUSES:
            problems.append(Problem(municipalities_file, line, "language",
                                    f"{row['language']!r} is not one of "
                                    f"{', '.join(_LANGUAGE_STATUSES)}", "registry"))
        else:
            municipalities[code] = Municipality(
                code, row["municipality_name_fi"], row["municipality_name_sv"],
                row["region_code"], row["language"],  # type: ignore[arg-type]
            )
    if problems:
        raise InputError(problems)
    return Registry(
        year=year,
        source=f"Statistics Finland classification {year} ({folder})",
        regions=tuple(sorted(regions.values(), key=lambda r: r.code)),
        municipalities=tuple(sorted(municipalities.values(), key=lambda m: m.code)),
    )


def _read_csv(
    path: Path, columns: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                problems.append(Problem(str(path), 1, ", ".join(missing),
                                        "missing column(s) in the header", "registry"))
                return []
            rows = []
            for row in reader:
                if any(row.get(c) in (None, "") for c in columns):
                    empty = next(c for c in columns if row.get(c) in (None, ""))
                    problems.append(Problem(str(path), reader.line_num, empty,
                                            "empty value", "registry"))
                    continue
                rows.append((reader.line_num, {c: row[c].strip() for c in columns}))
            return rows
    except OSError as exc:
        problems.append(Problem(str(path), None, "", f"cannot be read: {exc.strerror}",
                                "unreadable"))
        return []
    except UnicodeDecodeError:
        problems.append(Problem(str(path), None, "", "not UTF-8 text", "encoding"))
        return []
