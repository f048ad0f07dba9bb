"""What every job reads first: definitions, registry and county configuration."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import AppError
from obligations.catalogue import N_
from obligations.config import Configuration
from obligations.parties import Parties, Registry
from obligations.schema import ObligationDefinition
from yhdyspinta.settings import Settings


@dataclass(frozen=True)
class Inputs:
    """Everything a job reads before it starts: definitions, registry, configuration."""

    settings: Settings
    definitions: tuple[ObligationDefinition, ...]
    registry: Registry
    configuration: Configuration

    def parties(self) -> Parties:
        """The registry with the configuration's sub-regional groups, to name any party."""
        return self.configuration.parties(self.registry)

    def definition(self, obligation: str) -> ObligationDefinition:
        """The definition with this id (KeyError names the known ones)."""
        for definition in self.definitions:
            if definition.id == obligation:
                return definition
        raise KeyError(f"no obligation {obligation!r}; known: "
                       f"{', '.join(d.id for d in self.definitions)}")


def load_registry(settings: Settings) -> Registry:
    """The registry the settings name."""
    from obligations.parties import load_registry as load

    return load(settings.registry_dir, year=settings.registry_year)


def load_definitions(settings: Settings,
                     folder: Path | None = None) -> tuple[ObligationDefinition, ...]:
    """The definitions the settings (or `folder`) name."""
    from obligations.loader import load_definitions as load

    return load(folder or settings.definitions_dir)


def load_configuration(settings: Settings, definitions: Sequence[ObligationDefinition],
                       registry: Registry) -> Configuration:
    """The county configuration the settings name, checked against the rest."""
    from obligations.loader import load_configuration as load

    return load(settings.config_dir, definitions, registry)


def load_inputs(settings: Settings) -> Inputs:
    """Definitions, registry and configuration as the settings name them."""
    definitions = load_definitions(settings)
    registry = load_registry(settings)
    return Inputs(settings, definitions, registry,
                  load_configuration(settings, definitions, registry))


def check_region(registry: Registry, region: str | None) -> None:
    """Refuse a county code the registry does not know."""
    if region is not None and region not in {r.code for r in registry.regions}:
        raise AppError(N_("cli.error.unknown_region"), code=region)


def check_parties(registry: Registry, *, region: str | None = None,
                  municipality: str | None = None) -> None:
    """Refuse a county or municipality code the registry does not know."""
    check_region(registry, region)
    if municipality is not None and municipality not in {m.code for m in registry.municipalities}:
        raise AppError(N_("cli.error.unknown_municipality"), code=municipality)


def check_obligations(definitions: Sequence[ObligationDefinition],
                      obligations: Iterable[str] | None) -> None:
    """Refuse an obligation id that no definition has."""
    known = {d.id for d in definitions}
    for obligation in obligations or ():
        if obligation not in known:
            raise AppError(N_("cli.error.unknown_obligation"), code=obligation,
                           known=", ".join(sorted(known)))
