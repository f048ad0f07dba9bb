"""The parties of the cooperation, from the Statistics Finland classification shipped with us.

Municipalities belong to one organiser: a wellbeing services county (codes 01–21) or the
City of Helsinki (code 90), which organises its services itself and so is both parties in
one: it owes municipal duties, but no county duty (612/2021 §7 does not apply to it,
615/2021 §2) unless the county duty's own law reaches it (a definition's
`self_organising_municipalities`), and it has no §14 negotiation (611/2021 does not apply).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
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


class PartyRefKind(StrEnum):
    """What a party reference names.

    A municipality (`m564`, Helsinki included), a county (`r19`, also its joint negotiation
    with all its municipalities), a county with one municipality (`r19-m564`) or with one
    sub-regional group (`r19-oulu-area`).
    """

    MUNICIPALITY = "municipality"
    COUNTY = "county"
    PAIR = "pair"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class PartyRef:
    """Who owes a duty or holds a grant or contact, as a key (`m564`, `r19`, `r19-m564`).

    The one place keys are parsed and written; names come from `Parties.display_name`.
    """

    kind: PartyRefKind
    region: str | None = None
    municipality: str | None = None
    group: str | None = None

    @classmethod
    def of_municipality(cls, code: str) -> PartyRef:
        """`m564`."""
        return cls(PartyRefKind.MUNICIPALITY, municipality=code)

    @classmethod
    def of_county(cls, code: str) -> PartyRef:
        """`r19`."""
        return cls(PartyRefKind.COUNTY, region=code)

    @classmethod
    def of_pair(cls, region: str, municipality: str) -> PartyRef:
        """`r19-m564`."""
        return cls(PartyRefKind.PAIR, region=region, municipality=municipality)

    @classmethod
    def of_group(cls, region: str, group: str) -> PartyRef:
        """`r19-oulu-area`."""
        return cls(PartyRefKind.GROUP, region=region, group=group)

    @classmethod
    def owing(cls, *, negotiation: bool, municipality: str | None, region: str | None,
              participants: Sequence[str], group: str | None) -> PartyRef:
        """The party that owes a duty, from how the duty is stored or planned."""
        if municipality is not None and group is None and not negotiation:
            return cls.of_municipality(municipality)
        if region is not None and negotiation and group is None and len(participants) == 1:
            return cls.of_pair(region, participants[0])
        if region is not None and group is not None:
            return cls.of_group(region, group)
        return cls.of_county(region or "")

    @classmethod
    def parse(cls, key: str) -> PartyRef:
        """`m564`, `r19`, `r19-m564` or `r19-<group>`; ValueError naming what is wrong."""
        head, _, rest = key.partition("-")
        if head[:1] == "m" and head[1:].isdigit() and not rest:
            return cls.of_municipality(head[1:])
        if head[:1] == "r" and head[1:].isdigit():
            if not rest:
                return cls.of_county(head[1:])
            if rest[:1] == "m" and rest[1:].isdigit():
                return cls.of_pair(head[1:], rest[1:])
            return cls.of_group(head[1:], rest)
        raise ValueError(f"{key!r} is not a party: m + a municipality code (m564) "
                         "or r + a county code (r19)")

    @property
    def key(self) -> str:
        """The key as ids, grants and contacts write it."""
        if self.kind is PartyRefKind.MUNICIPALITY:
            return f"m{self.municipality}"
        county = f"r{self.region}"
        if self.kind is PartyRefKind.PAIR:
            return f"{county}-m{self.municipality}"
        if self.kind is PartyRefKind.GROUP:
            return f"{county}-{self.group}"
        return county

    @property
    def code(self) -> str:
        """The municipality's code for `m…`, else the county's."""
        return (self.municipality if self.kind is PartyRefKind.MUNICIPALITY
                else self.region) or ""

    @property
    def is_municipality(self) -> bool:
        """True for `m…`."""
        return self.kind is PartyRefKind.MUNICIPALITY

    def __str__(self) -> str:
        return self.key


@dataclass(frozen=True)
class Parties:
    """Names of every party: the registry, and the counties' sub-regional groups."""

    registry: Registry
    group_names: Mapping[tuple[str, str], Mapping[Lang, str]] = field(default_factory=dict)
    """(county code, group id) → the group's name per language, from the configuration."""

    def display_name(self, party: PartyRef, lang: Lang) -> str:
        """The party as a person reads it: the one place a party's name is made.

        The municipality, the county, or the county with the municipality or sub-regional
        group it negotiates with ("Pohjois-Pohjanmaan hyvinvointialue – Oulun seutu").
        """
        registry = self.registry
        if party.kind is PartyRefKind.MUNICIPALITY:
            return registry.municipality(party.municipality or "").name(lang)
        county = registry.region(party.region).name(lang) if party.region else ""
        if party.kind is PartyRefKind.PAIR:
            return f"{county} – {registry.municipality(party.municipality or '').name(lang)}"
        if party.kind is PartyRefKind.GROUP:
            names = self.group_names.get((party.region or "", party.group or ""))
            return f"{county} – {names[lang] if names else party.group}"
        return county


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

    def bad(file: Path, line: int, column: str, message: str) -> None:
        problems.append(Problem(str(file), line, column, message, "registry"))

    regions: dict[str, Region] = {}
    for line, row in region_rows:
        code, organiser = row["region_code"], row["organiser_type"]
        if not (len(code) == 2 and code.isdigit()):
            bad(folder / "regions.csv", line, "region_code", f"{code!r} is not a two-digit code")
        elif organiser not in (COUNTY_ORGANISER, HELSINKI_ORGANISER):
            bad(folder / "regions.csv", line, "organiser_type",
                f"unknown organiser type {organiser!r}")
        elif code in regions:
            bad(folder / "regions.csv", line, "region_code", f"{code} appears twice")
        else:
            regions[code] = Region(code, row["region_name_fi"], row["region_name_sv"],
                                   row["region_name_en"], organiser)

    municipalities: dict[str, Municipality] = {}
    for line, row in municipality_rows:
        code, language = row["municipality_code"], row["language"]
        if not (len(code) == 3 and code.isdigit()):
            bad(folder / "municipalities.csv", line, "municipality_code",
                f"{code!r} is not a three-digit code")
        elif code in municipalities:
            bad(folder / "municipalities.csv", line, "municipality_code", f"{code} appears twice")
        elif row["region_code"] not in regions:
            bad(folder / "municipalities.csv", line, "region_code",
                f"{row['region_code']!r} is not in regions.csv")
        elif language not in _LANGUAGE_STATUSES:
            bad(folder / "municipalities.csv", line, "language",
                f"{language!r} is not one of {', '.join(_LANGUAGE_STATUSES)}")
        else:
            municipalities[code] = Municipality(
                code, row["municipality_name_fi"], row["municipality_name_sv"],
                row["region_code"], language,  # type: ignore[arg-type]
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
