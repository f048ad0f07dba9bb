"""The CLI's own words in Finnish, Swedish and English, and how the language is chosen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from obligations.errors import Problem
from obligations.lang import LANGS, Lang

MESSAGES: Mapping[str, Mapping[Lang, str]] = {
    # --- help -------------------------------------------------------------------------
    "prog": {
        "fi": "Kuntien ja hyvinvointialueiden lakisääteinen yhteistyö ajossa olevina työnkulkuina.",
        "sv": "Kommunernas och välfärdsområdenas lagstadgade samarbete som arbetsflöden.",
        "en": "Statutory cooperation of municipalities and wellbeing services counties as "
              "running workflows.",
    },
    "help.lang": {"fi": "kieli: fi, sv tai en", "sv": "språk: fi, sv eller en",
                  "en": "language: fi, sv or en"},
    "help.definitions": {"fi": "velvoitemääritysten kansio", "sv": "mapp med definitioner",
                         "en": "folder of obligation definitions"},
    "help.config": {"fi": "hyvinvointialueiden asetuskansio", "sv": "mapp med välfärdsområdenas "
                    "inställningar", "en": "folder of county configuration files"},
    "help.registry": {"fi": "kuntarekisterin kansio (municipalities.csv, regions.csv)",
                      "sv": "mapp med kommunregistret (municipalities.csv, regions.csv)",
                      "en": "registry folder (municipalities.csv, regions.csv)"},
    "help.registry_year": {"fi": "rekisterin luokitusvuosi", "sv": "registrets klassificeringsår",
                           "en": "classification year of the registry"},
    "help.validate": {"fi": "tarkista määritykset ja asetukset",
                      "sv": "kontrollera definitioner och inställningar",
                      "en": "check definitions and configuration"},
    "help.validate_folder": {"fi": "määrityskansio (oletus: mukana tulevat)",
                             "sv": "mapp med definitioner (standard: de medföljande)",
                             "en": "definitions folder (default: the shipped ones)"},
    "help.parties": {"fi": "näytä kunnat ja hyvinvointialueet", "sv": "visa kommuner och "
                     "välfärdsområden", "en": "show municipalities and counties"},
    "help.plan": {"fi": "laske velvoitteet päivämäärineen", "sv": "beräkna förpliktelser med "
                  "datum", "en": "plan dated obligations"},
    "help.from": {"fi": "alkupäivä (VVVV-KK-PP), oletus: kuluvan valtuustokauden alku",
                  "sv": "startdatum (ÅÅÅÅ-MM-DD), standard: den pågående periodens början",
                  "en": "first day (YYYY-MM-DD), default: start of the current council term"},
    "help.to": {"fi": "loppupäivä (VVVV-KK-PP), oletus: kuluvan valtuustokauden loppu",
                "sv": "slutdatum (ÅÅÅÅ-MM-DD), standard: den pågående periodens slut",
                "en": "last day (YYYY-MM-DD), default: end of the current council term"},
    "help.today": {"fi": "päivä, jota pidetään tänään (testaukseen)",
                   "sv": "dagen som räknas som i dag (för test)",
                   "en": "the day taken as today (for testing)"},
    "help.region": {"fi": "vain tämä hyvinvointialue (koodi, esim. 19)",
                    "sv": "endast detta välfärdsområde (kod, t.ex. 19)",
                    "en": "only this county (code, e.g. 19)"},
    "help.municipality": {"fi": "vain tämän kunnan velvoitteet (koodi, esim. 564)",
                          "sv": "endast kommunens förpliktelser (kod, t.ex. 564)",
                          "en": "only duties of this municipality (code, e.g. 564)"},
    "help.obligation": {"fi": "vain tämä velvoite (tunniste; voi toistaa)",
                        "sv": "endast denna förpliktelse (id; kan upprepas)",
                        "en": "only this obligation (id; may be repeated)"},
    "help.format": {"fi": "tulostusmuoto", "sv": "utdataformat", "en": "output format"},
    # --- errors -----------------------------------------------------------------------
    "error.prefix": {"fi": "virhe", "sv": "fel", "en": "error"},
    "error.problems": {"fi": "{count} virhettä; mitään ei otettu käyttöön.",
                       "sv": "{count} fel; ingenting togs i bruk.",
                       "en": "{count} problem(s); nothing was used."},
    "error.unknown_region": {"fi": "tuntematon hyvinvointialueen koodi {code!r}",
                             "sv": "okänd kod för välfärdsområde {code!r}",
                             "en": "unknown county code {code!r}"},
    "error.unknown_municipality": {"fi": "tuntematon kuntakoodi {code!r}",
                                   "sv": "okänd kommunkod {code!r}",
                                   "en": "unknown municipality code {code!r}"},
    "error.unknown_obligation": {"fi": "tuntematon velvoite {code!r}; tunnetut: {known}",
                                 "sv": "okänd förpliktelse {code!r}; kända: {known}",
                                 "en": "unknown obligation {code!r}; known: {known}"},
    "error.bad_date": {"fi": "virheellinen päivämäärä {value!r} (muoto VVVV-KK-PP)",
                       "sv": "ogiltigt datum {value!r} (format ÅÅÅÅ-MM-DD)",
                       "en": "invalid date {value!r} (expected YYYY-MM-DD)"},
    "error.settings": {"fi": "virheellinen asetus {name}: {reason}",
                       "sv": "ogiltig inställning {name}: {reason}",
                       "en": "invalid setting {name}: {reason}"},
    "error.planning": {"fi": "suunnittelu ei onnistu: {reason}",
                       "sv": "planeringen misslyckades: {reason}",
                       "en": "cannot plan: {reason}"},
    # --- output -----------------------------------------------------------------------
    "ok.valid": {"fi": "{definitions} määritystä ja {configs} asetustiedostoa kunnossa.",
                 "sv": "{definitions} definitioner och {configs} inställningsfiler är giltiga.",
                 "en": "{definitions} definitions and {configs} configuration files are valid."},
    "col.code": {"fi": "koodi", "sv": "kod", "en": "code"},
    "col.name": {"fi": "nimi", "sv": "namn", "en": "name"},
    "col.organiser": {"fi": "järjestäjä", "sv": "organisatör", "en": "organiser"},
    "col.language": {"fi": "kielisuhde", "sv": "språkstatus", "en": "language status"},
    "col.due": {"fi": "määräpäivä", "sv": "sista dag", "en": "due"},
    "col.effective": {"fi": "käytännössä", "sv": "i praktiken", "en": "effective"},
    "col.obligation": {"fi": "velvoite", "sv": "förpliktelse", "en": "obligation"},
    "col.party": {"fi": "osapuoli", "sv": "part", "en": "party"},
    "col.term_year": {"fi": "kausivuosi", "sv": "periodår", "en": "term year"},
    "col.shift": {"fi": "siirron syy", "sv": "orsak till flyttning", "en": "why shifted"},
    "summary.title": {"fi": "Yhdyspinta – velvoitteet {start}–{end}",
                      "sv": "Yhdyspinta – förpliktelser {start}–{end}",
                      "en": "Yhdyspinta – obligations {start}–{end}"},
    "summary.registry": {
        "fi": "Rekisteri {year}: {municipalities} kuntaa, {counties} hyvinvointialuetta ja "
              "Helsingin kaupunki.",
        "sv": "Register {year}: {municipalities} kommuner, {counties} välfärdsområden och "
              "Helsingfors stad.",
        "en": "Registry {year}: {municipalities} municipalities, {counties} counties and "
              "the City of Helsinki."},
    "summary.total": {"fi": "{count} velvoitetta, {steps} tarkistuslistan kohtaa, "
                      "{shifted} määräpäivää siirtyy vapaapäivän vuoksi.",
                      "sv": "{count} förpliktelser, {steps} punkter på checklistorna, "
                      "{shifted} sista dagar flyttas på grund av fridagar.",
                      "en": "{count} obligations, {steps} checklist steps, {shifted} deadlines "
                      "move off a non-working day."},
    "summary.by_obligation": {"fi": "Velvoitteittain:", "sv": "Per förpliktelse:",
                              "en": "By obligation:"},
    "summary.by_term_year": {"fi": "Valtuustokauden vuosittain (1 alku, 2–3 toteutus ja "
                             "seuranta, 4 kauden vaihteen valmistelu):",
                             "sv": "Per år av perioden (1 start, 2–3 genomförande och "
                             "uppföljning, 4 förberedelse för periodskiftet):",
                             "en": "By term year (1 start, 2–3 implementation and monitoring, "
                             "4 preparing the change of term):"},
    "summary.next": {"fi": "Seuraavat määräpäivät {today} alkaen:",
                     "sv": "Närmaste sista dagar från {today}:",
                     "en": "Next deadlines from {today}:"},
    "summary.candidate": {"fi": "(ehdokas)", "sv": "(kandidat)", "en": "(candidate)"},
}

_PROBLEM_MESSAGES: Mapping[str, Mapping[Lang, str]] = {
    "missing": {"fi": "pakollinen kenttä puuttuu", "sv": "obligatoriskt fält saknas",
                "en": "required field is missing"},
    "duplicate_key": {"fi": "sama avain toiseen kertaan", "sv": "samma nyckel en gång till",
                      "en": "duplicate key (an earlier line sets it already)"},
}


def choose_lang(explicit: str | None, environ: Mapping[str, str] | None = None) -> Lang:
    """--lang, else YHDYSPINTA_LANG, else the locale (fi/sv), else English."""
    environ = os.environ if environ is None else environ
    for candidate in (explicit, environ.get("YHDYSPINTA_LANG"), environ.get("LC_ALL"),
                      environ.get("LANG")):
        if candidate:
            prefix = candidate[:2].lower()
            for lang in LANGS:
                if prefix == lang:
                    return lang
            if candidate is explicit:
                break
    return "en"


def t(key: str, lang: Lang, **values: Any) -> str:
    """One message in `lang`, with its values filled in."""
    return MESSAGES[key][lang].format(**values)


def problem_line(problem: Problem, lang: Lang) -> str:
    """`file:line: field: what is wrong`, with the message in `lang` where we have one."""
    translated = _PROBLEM_MESSAGES.get(problem.code)
    if translated is None or lang == "en":
        return str(problem)
    return problem.render(translated[lang])
