"""The CLI's own words in Finnish, Swedish and English, and how the language is chosen."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from obligations.errors import Problem, one_line
from obligations.lang import LANGS, STEP_STATUS_LABELS, Lang

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
    "help.sync": {"fi": "laske ikkuna ja päivitä se tilatietokantaan",
                  "sv": "planera fönstret och uppdatera statusdatabasen",
                  "en": "plan the window and upsert it into the status store"},
    "help.status": {"fi": "missä kukin velvoite on, myöhässä olevat ensin",
                    "sv": "var varje förpliktelse står, försenade först",
                    "en": "where every duty stands, overdue ones first"},
    "help.overdue": {"fi": "vain myöhässä olevat", "sv": "endast försenade",
                     "en": "only overdue duties"},
    "help.step": {"fi": "tarkistuslistan kohdat", "sv": "punkterna på checklistan",
                  "en": "checklist steps"},
    "help.step_set": {"fi": "aseta kohdan tila (ja näyttö)", "sv": "ange punktens status "
                      "(och belägg)", "en": "set a step's status (and evidence)"},
    "help.evidence": {"fi": "linkki pöytäkirjaan tai asiakirjaan", "sv": "länk till protokoll "
                      "eller dokument", "en": "link to minutes or a document"},
    "help.decided_by": {"fi": "päättänyt toimielin", "sv": "beslutande organ",
                        "en": "deciding body"},
    "help.decided_on": {"fi": "päätöspäivä (VVVV-KK-PP)", "sv": "beslutsdatum (ÅÅÅÅ-MM-DD)",
                        "en": "decision date (YYYY-MM-DD)"},
    "help.section": {"fi": "pykälä", "sv": "paragraf", "en": "section (§) of the minutes"},
    "help.note": {"fi": "huomautus tai perustelu", "sv": "anteckning eller motivering",
                  "en": "note or reason"},
    "help.force": {"fi": "merkitse valmiiksi ennen edeltäviä kohtia (vaatii --note)",
                   "sv": "markera klar före föregående punkter (kräver --note)",
                   "en": "mark done before its predecessors (needs --note)"},
    "help.by": {"fi": "kuka muutoksen tekee", "sv": "vem som gör ändringen",
                "en": "who makes the change"},
    "help.audit": {"fi": "muutosloki", "sv": "ändringslogg", "en": "the audit trail"},
    "help.contacts": {"fi": "yhteyshenkilöt", "sv": "kontaktpersoner", "en": "contacts"},
    "help.contacts_import": {"fi": "tuo yhteyshenkilöt CSV-tiedostosta",
                             "sv": "importera kontakter från en CSV-fil",
                             "en": "import contacts from a CSV file"},
    "help.contacts_list": {"fi": "listaa yhteyshenkilöt", "sv": "lista kontakter",
                           "en": "list contacts"},
    "help.calendars": {"fi": "kalenterisyötteet", "sv": "kalenderflöden",
                       "en": "calendar feeds"},
    "help.calendars_export": {"fi": "kirjoita kaikki syötteet ja hakemisto kansioon",
                              "sv": "skriv alla flöden och ett index till en mapp",
                              "en": "write every feed and an index to a folder"},
    "calendars.exported": {"fi": "{feeds} syötettä, {files} tiedostoa: {folder}",
                           "sv": "{feeds} flöden, {files} filer: {folder}",
                           "en": "{feeds} feeds, {files} files: {folder}"},
    "help.serve": {"fi": "tarjoile syötteet HTTP:llä", "sv": "servera flödena över HTTP",
                   "en": "serve the feeds over HTTP"},
    "help.host": {"fi": "osoite", "sv": "adress", "en": "address to listen on"},
    "help.port": {"fi": "portti", "sv": "port", "en": "port"},
    "help.poll": {"fi": "kuinka usein muutokset tarkistetaan (s)",
                  "sv": "hur ofta ändringar kontrolleras (s)",
                  "en": "how often to look for changes (seconds)"},
    "help.subscribers": {"fi": "kalenterien tilaajat", "sv": "kalenderprenumeranter",
                         "en": "calendar subscribers"},
    "help.subscribers_add": {"fi": "lisää tilaaja ja anna sille osoitteet",
                             "sv": "lägg till en prenumerant och ge adresserna",
                             "en": "add a subscriber and print its addresses"},
    "help.subscribers_list": {"fi": "listaa tilaajat", "sv": "lista prenumeranter",
                              "en": "list subscribers"},
    "help.subscribers_revoke": {"fi": "peru tilaajan osoitteet", "sv": "återkalla adresserna",
                                "en": "revoke a subscriber's addresses"},
    "help.feed": {"fi": "syöte (voi toistaa), esim. pair-564", "sv": "flöde (kan upprepas), "
                  "t.ex. pair-564", "en": "feed (may be repeated), e.g. pair-564"},
    "help.all_feeds": {"fi": "kaikki syötteet", "sv": "alla flöden", "en": "every feed"},
    "serve.listening": {"fi": "Sivut, syötteet ja rajapinta: avaa {url}/ (Ctrl-C lopettaa)",
                        "sv": "Sidor, flöden och gränssnitt: öppna {url}/ (Ctrl-C avslutar)",
                        "en": "Pages, feeds and API: open {url}/ (Ctrl-C stops)"},
    "subscribers.added": {"fi": "Tilaaja {id} ({name}) lisätty. Osoitteet näytetään vain nyt:",
                          "sv": "Prenumerant {id} ({name}) tillagd. Adresserna visas bara nu:",
                          "en": "Subscriber {id} ({name}) added. The addresses are shown only "
                          "now:"},
    "subscribers.revoked": {"fi": "Tilaajan {id} osoitteet peruttu.",
                            "sv": "Prenumerant {id}: adresserna återkallade.",
                            "en": "Subscriber {id}: addresses revoked."},
    "error.no_feeds": {"fi": "anna --feed FEED tai --all", "sv": "ange --feed FEED eller --all",
                       "en": "give --feed FEED or --all"},
    "error.unknown_feed": {"fi": "tuntemattomia syötteitä: {feeds}",
                           "sv": "okända flöden: {feeds}", "en": "unknown feeds: {feeds}"},
    "error.unknown_subscriber": {"fi": "ei tilaajaa {id}", "sv": "ingen prenumerant {id}",
                                 "en": "no subscriber {id}"},
    "col.feeds": {"fi": "syötteet", "sv": "flöden", "en": "feeds"},
    "col.created": {"fi": "luotu", "sv": "skapad", "en": "created"},
    "col.revoked": {"fi": "peruttu", "sv": "återkallad", "en": "revoked"},
    "help.db": {"fi": "tietokannan rakenne", "sv": "databasens schema",
                "en": "database schema"},
    "help.db_upgrade": {"fi": "päivitä tietokannan rakenne", "sv": "uppgradera databasens "
                        "schema", "en": "upgrade the database schema"},
    "help.db_status": {"fi": "näytä tietokannan rakenneversio", "sv": "visa schemaversionen",
                       "en": "show the schema revision"},
    "error.database": {"fi": "tietokantaa {url} ei voi käyttää: {reason}",
                       "sv": "databasen {url} kan inte användas: {reason}",
                       "en": "cannot use the database {url}: {reason}"},
    "db.current": {"fi": "Tietokannan rakenne on ajan tasalla ({revision}).",
                   "sv": "Databasens schema är aktuellt ({revision}).",
                   "en": "The database schema is current ({revision})."},
    "db.upgraded": {"fi": "Tietokannan rakenne päivitetty: {before} → {after}.",
                    "sv": "Databasens schema uppgraderat: {before} → {after}.",
                    "en": "Database schema upgraded: {before} → {after}."},
    "db.status": {"fi": "Tietokanta: {current}; tämä versio: {head}.",
                  "sv": "Databasen: {current}; denna version: {head}.",
                  "en": "Database: {current}; this version: {head}."},
    "sync.report": {"fi": "uusia {new}, muuttuneita {changed}, peruttuja {cancelled}, "
                    "ennallaan {unchanged}",
                    "sv": "nya {new}, ändrade {changed}, inställda {cancelled}, "
                    "oförändrade {unchanged}",
                    "en": "new {new}, changed {changed}, cancelled {cancelled}, "
                    "unchanged {unchanged}"},
    "step.changed": {"fi": "{occurrence} / {step}: {old} → {new}",
                     "sv": "{occurrence} / {step}: {old} → {new}",
                     "en": "{occurrence} / {step}: {old} → {new}"},
    "step.unchanged": {"fi": "{occurrence} / {step}: jo {new}, ei muutosta",
                       "sv": "{occurrence} / {step}: redan {new}, ingen ändring",
                       "en": "{occurrence} / {step}: already {new}, nothing changed"},
    **{f"status.{status}": labels for status, labels in STEP_STATUS_LABELS.items()},
    "contacts.imported": {"fi": "Yhteyshenkilöitä lisätty {added}, päivitetty {updated}, "
                                "ennallaan {unchanged}.",
                          "sv": "Kontakter tillagda {added}, uppdaterade {updated}, "
                                "oförändrade {unchanged}.",
                          "en": "Contacts added {added}, updated {updated}, unchanged "
                                "{unchanged}."},
    # --- reminders --------------------------------------------------------------------
    "help.remind": {"fi": "lähetä tämän päivän muistutukset ja eskaloinnit (sähköposti, Teams)",
                    "sv": "skicka dagens påminnelser och eskaleringar (e-post, Teams)",
                    "en": "send today's reminders and escalations (email, Teams)"},
    "help.dry_run": {"fi": "näytä kenelle mitä lähtisi, mutta älä lähetä mitään",
                     "sv": "visa vad som skulle skickas till vem, men skicka inget",
                     "en": "show what would go to whom, but send nothing"},
    "help.workers": {"fi": "yhtä aikaa lähetettävät viestit (oletus: asetuksista)",
                     "sv": "meddelanden som skickas samtidigt (standard: inställningarna)",
                     "en": "messages sent at once (default: from the settings)"},
    "help.wait": {"fi": "kuinka monta sekuntia epäonnistuneita yritetään uudelleen",
                  "sv": "hur många sekunder misslyckade försöks på nytt",
                  "en": "how many seconds to keep retrying failed messages"},
    "help.outbox": {"fi": "lähtevien viestien jono", "sv": "kön av utgående meddelanden",
                    "en": "the queue of outgoing messages"},
    "help.outbox_list": {"fi": "näytä viestit (uusin ensin)", "sv": "visa meddelanden (nyaste "
                         "först)", "en": "list messages (newest first)"},
    "help.outbox_state": {"fi": "vain tässä tilassa olevat", "sv": "endast i detta tillstånd",
                          "en": "only those in this state"},
    "help.limit": {"fi": "enintään näin monta riviä", "sv": "högst så många rader",
                   "en": "at most this many rows"},
    "help.outbox_retry": {"fi": "yritä epäonnistuneita viestejä uudelleen",
                          "sv": "försök misslyckade meddelanden på nytt",
                          "en": "queue failed messages again"},
    "error.not_positive": {"fi": "{value!r} ei ole positiivinen kokonaisluku",
                           "sv": "{value!r} är inte ett positivt heltal",
                           "en": "{value!r} is not a positive whole number"},
    "error.not_non_negative": {"fi": "{value!r} ei ole nolla tai positiivinen luku",
                               "sv": "{value!r} är inte noll eller ett positivt tal",
                               "en": "{value!r} is not zero or a positive number"},
    "remind.non_working_day": {
        "fi": "{today} ei ole arkipäivä: viestejä ei lähetetä (ne lähtevät seuraavana "
              "arkiaamuna).",
        "sv": "{today} är ingen vardag: inga meddelanden skickas (de går ut nästa "
              "vardagsmorgon).",
        "en": "{today} is not a working day: nothing is sent (it goes out the next working "
              "morning)."},
    "remind.no_smtp": {"fi": "Huom: {name} saisi sähköpostia, mutta YHDYSPINTA_SMTP_URL "
                             "puuttuu.",
                       "sv": "Obs: {name} skulle få e-post, men YHDYSPINTA_SMTP_URL saknas.",
                       "en": "Note: {name} would get email, but YHDYSPINTA_SMTP_URL is not set."},
    "remind.no_email_server": {
        "fi": "Lähettämättä: {count} sähköpostimuistutusta, koska sähköpostipalvelinta ei ole "
              "asetettu (YHDYSPINTA_SMTP_URL).",
        "sv": "Inte skickade: {count} påminnelser per e-post, eftersom ingen e-postserver är "
              "inställd (YHDYSPINTA_SMTP_URL).",
        "en": "Not sent: {count} email notices, because no email server is configured "
              "(YHDYSPINTA_SMTP_URL)."},
    "remind.unaddressed": {
        "fi": "Huom: {count} muistutukselle ei löytynyt yhteyshenkilöä ({parties} osapuolta: "
              "{shown}). Tuo yhteyshenkilöt: `yhdyspinta contacts import`.",
        "sv": "Obs: ingen kontakt för {count} påminnelser ({parties} parter: {shown}). "
              "Importera kontakter: `yhdyspinta contacts import`.",
        "en": "Note: no contact for {count} notices ({parties} parties: {shown}). Import "
              "contacts: `yhdyspinta contacts import`."},
    "remind.dry_run": {"fi": "Kuivaharjoitus: {count} viestiä, mitään ei lähetetty.",
                       "sv": "Torrkörning: {count} meddelanden, inget skickades.",
                       "en": "Dry run: {count} messages, nothing sent."},
    "remind.queued": {"fi": "Jonoon {messages} viestiä ({notices} muistutusta; {already} oli "
                            "jonossa jo ennestään).",
                      "sv": "Köade {messages} meddelanden ({notices} påminnelser; {already} "
                            "fanns redan i kön).",
                      "en": "Queued {messages} messages ({notices} notices; {already} were "
                            "queued before)."},
    "remind.error": {"fi": "Epäonnistui: {message}: {error}",
                     "sv": "Misslyckades: {message}: {error}", "en": "Failed: {message}: {error}"},
    "remind.sent": {"fi": "Lähetetty {sent}, uusitaan myöhemmin {retrying}, luovuttu {failed}.",
                    "sv": "Skickade {sent}, försöks igen senare {retrying}, uppgivna {failed}.",
                    "en": "Sent {sent}, to retry later {retrying}, given up {failed}."},
    "remind.unsent": {
        "fi": "Lähettämättä: {pending} odottaa uutta yritystä, {failed} epäonnistui lopullisesti "
              "(katso `yhdyspinta outbox list`).",
        "sv": "Oskickade: {pending} väntar på nytt försök, {failed} misslyckades slutgiltigt "
              "(se `yhdyspinta outbox list`).",
        "en": "Unsent: {pending} waiting for a retry, {failed} failed for good "
              "(see `yhdyspinta outbox list`)."},
    "outbox.retried": {"fi": "{count} viestiä palautettiin jonoon.",
                       "sv": "{count} meddelanden lades tillbaka i kön.",
                       "en": "{count} messages queued again."},
    "col.state": {"fi": "tila", "sv": "tillstånd", "en": "state"},
    "col.channel": {"fi": "kanava", "sv": "kanal", "en": "channel"},
    "col.recipient": {"fi": "vastaanottaja", "sv": "mottagare", "en": "recipient"},
    "col.attempts": {"fi": "yrityksiä", "sv": "försök", "en": "attempts"},
    "col.when": {"fi": "aika", "sv": "tid", "en": "when"},
    "col.key": {"fi": "avain", "sv": "nyckel", "en": "key"},
    "col.error": {"fi": "virhe", "sv": "fel", "en": "error"},
    # --- deployments ------------------------------------------------------------------
    "help.deployments": {"fi": "Prefect-käyttöönotot (prefect.yaml)",
                         "sv": "Prefect-driftsättningar (prefect.yaml)",
                         "en": "Prefect deployments (prefect.yaml)"},
    "help.deployments_generate": {
        "fi": "kirjoita prefect.yaml määrityksistä (yksi käyttöönotto velvoitetta kohden)",
        "sv": "skriv prefect.yaml från definitionerna (en driftsättning per förpliktelse)",
        "en": "write prefect.yaml from the definitions (one deployment per obligation)"},
    "help.deployments_output": {"fi": "kirjoitettava tiedosto", "sv": "filen som skrivs",
                                "en": "the file to write"},
    "help.deployments_check": {"fi": "älä kirjoita; virhe, jos tiedosto on vanhentunut",
                               "sv": "skriv inte; fel om filen är inaktuell",
                               "en": "write nothing; fail if the file is stale"},
    "deployments.stale": {
        "fi": "{path} ei vastaa määrityksiä: aja `yhdyspinta deployments generate`.",
        "sv": "{path} motsvarar inte definitionerna: kör `yhdyspinta deployments generate`.",
        "en": "{path} does not match the definitions: run `yhdyspinta deployments generate`."},
    "deployments.current": {"fi": "{path} on ajan tasalla ({count} velvoitetta).",
                            "sv": "{path} är aktuell ({count} förpliktelser).",
                            "en": "{path} is up to date ({count} obligations)."},
    "deployments.written": {"fi": "{path}: {count} velvoitteen käyttöönotot kirjoitettu.",
                            "sv": "{path}: driftsättningar för {count} förpliktelser skrivna.",
                            "en": "{path}: deployments of {count} obligations written."},
    # --- nightly ----------------------------------------------------------------------
    "help.nightly": {
        "fi": "yöajo Prefectin kautta: suunnittele, päivitä tilatietokanta, vie kalenterit ja "
              "tilannekatsaus (ei palvelinta käynnistettäväksi)",
        "sv": "nattjobbet via Prefect: planera, uppdatera statusdatabasen, exportera kalendrar "
              "och statusrapport (ingen server att starta)",
        "en": "the nightly job through Prefect: plan, sync the store, export the feeds and the "
              "status report (no server to start)"},
    "help.nightly_region": {"fi": "vie vain tämän hyvinvointialueen kalenterit",
                            "sv": "exportera endast detta välfärdsområdes kalendrar",
                            "en": "export only this county's feeds"},
    "nightly.done": {
        "fi": "Yöajo valmis (Prefect, {database}): uusia {new}, muuttuneita {changed}, "
              "peruttuja {cancelled}, ennallaan {unchanged}.",
        "sv": "Nattjobbet klart (Prefect, {database}): nya {new}, ändrade {changed}, "
              "inställda {cancelled}, oförändrade {unchanged}.",
        "en": "Nightly job done (Prefect, {database}): new {new}, changed {changed}, "
              "cancelled {cancelled}, unchanged {unchanged}."},
    "nightly.feeds": {"fi": "Kalenterit:       {path} ({feeds} syötettä)",
                      "sv": "Kalendrar:        {path} ({feeds} flöden)",
                      "en": "Calendar feeds:   {path} ({feeds} feeds)"},
    "nightly.report": {"fi": "Tilannekatsaus:   {path}", "sv": "Statusrapport:    {path}",
                       "en": "Status report:    {path}"},
    "nightly.serve": {"fi": "Sivut, syötteet:  {command}  →  {url}/",
                      "sv": "Sidor och flöden: {command}  →  {url}/",
                      "en": "Pages and feeds:  {command}  →  {url}/"},
    "error.bad_port": {"fi": "{value!r} ei ole porttinumero (1–65535)",
                       "sv": "{value!r} är inget portnummer (1–65535)",
                       "en": "{value!r} is not a port number (1–65535)"},
    "error.settings_json": {
        "fi": "ei kelpaa: anna JSON-lista, esim. [\"pair-205\", \"region-20\"]",
        "sv": "ogiltigt: ange en JSON-lista, t.ex. [\"pair-205\", \"region-20\"]",
        "en": "not valid: give a JSON list, e.g. [\"pair-205\", \"region-20\"]"},
    "error.listen": {"fi": "ei voi kuunnella osoitteessa {address}: {reason}",
                     "sv": "kan inte lyssna på {address}: {reason}",
                     "en": "cannot listen on {address}: {reason}"},
    "col.id": {"fi": "tunniste", "sv": "id", "en": "id"},
    "col.days_late": {"fi": "myöhässä pv", "sv": "dagar sen", "en": "days late"},
    "col.progress": {"fi": "valmiina", "sv": "klara", "en": "done"},
    "col.next_step": {"fi": "seuraava kohta", "sv": "nästa punkt", "en": "next step"},
    "col.at": {"fi": "aika", "sv": "tid", "en": "at"},
    "col.actor": {"fi": "tekijä", "sv": "utförare", "en": "by"},
    "col.step": {"fi": "kohta", "sv": "punkt", "en": "step"},
    "col.action": {"fi": "toimenpide", "sv": "åtgärd", "en": "action"},
    "col.change": {"fi": "muutos", "sv": "ändring", "en": "change"},
    "col.reason": {"fi": "perustelu", "sv": "motivering", "en": "reason"},
    "col.role": {"fi": "rooli", "sv": "roll", "en": "role"},
    "col.email": {"fi": "sähköposti", "sv": "e-post", "en": "email"},
    "col.teams": {"fi": "Teams", "sv": "Teams", "en": "Teams"},
    "col.delivery": {"fi": "toimitus", "sv": "leverans", "en": "delivery"},
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
    "error.today_range": {"fi": "päivä {value!r} ei ole välillä {first}–{last}",
                          "sv": "dagen {value!r} ligger inte mellan {first} och {last}",
                          "en": "the day {value!r} is not between {first} and {last}"},
    "error.bad_seconds": {"fi": "{value!r} ei ole sekuntimäärä (0–3600)",
                          "sv": "{value!r} är inget antal sekunder (0–3600)",
                          "en": "{value!r} is not a number of seconds (0 to 3600)"},
    "error.url_scheme": {"fi": "{field}: vain http://- tai https://-osoitteet tallennetaan",
                         "sv": "{field}: endast http://- eller https://-adresser sparas",
                         "en": "{field}: only http:// or https:// addresses are kept"},
    "error.url_malformed": {"fi": "{field}: ei ole kelvollinen http(s)-osoite",
                            "sv": "{field}: är ingen giltig http(s)-adress",
                            "en": "{field}: not a valid http(s) address"},
    "error.url_password": {"fi": "{field}: salasanan sisältävää osoitetta ei tallenneta (se "
                                 "näkyisi muille)",
                           "sv": "{field}: en adress med lösenord sparas inte (den skulle "
                                 "visas)",
                           "en": "{field}: an address with a password is not kept (it would "
                                 "be shown)"},
    "error.url_long": {"fi": "{field}: yli 2000 merkkiä", "sv": "{field}: över 2000 tecken",
                       "en": "{field}: longer than 2000 characters"},
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
    "summary.next": {"fi": "Seuraavat lakisääteiset tai tavoitepäivät {today} alkaen:",
                     "sv": "Närmaste lagstadgade dagar eller måldagar från {today}:",
                     "en": "Next statutory or target dates from {today}:"},
    "summary.parties": {"fi": "{count} osapuolta", "sv": "{count} parter",
                        "en": "{count} parties"},
    "summary.candidate": {"fi": "(ehdokas)", "sv": "(kandidat)", "en": "(candidate)"},
    # issue 14 --------------------------------------------------------------------------
    "help.users": {"fi": "henkilöt, jotka kirjautuvat, ja heidän oikeutensa",
                   "sv": "personer som loggar in och deras behörigheter",
                   "en": "people who sign in, and their grants"},
    "help.users_add": {"fi": "lisää henkilö (sähköpostiosoite ja nimi)",
                       "sv": "lägg till en person (e-postadress och namn)",
                       "en": "add a person (email address and name)"},
    "help.users_admin": {"fi": "valtakunnallinen pääkäyttäjä: saa muuttaa kaikkea",
                         "sv": "nationell administratör: får ändra allt",
                         "en": "national administrator: may change everything"},
    "help.users_name": {"fi": "henkilön nimi", "sv": "personens namn", "en": "the person's name"},
    "help.users_grant": {"fi": "anna henkilölle rooli osapuolessa (m564, r19)",
                         "sv": "ge personen en roll hos en part (m564, r19)",
                         "en": "grant a person a role for a party (m564, r19)"},
    "help.users_revoke": {"fi": "poista henkilöltä rooli", "sv": "ta bort en roll",
                          "en": "take a grant away"},
    "help.users_list": {"fi": "listaa henkilöt ja oikeudet", "sv": "lista personer och "
                        "behörigheter", "en": "list people and their grants"},
    "help.users_token": {"fi": "anna henkilökohtainen tunniste rajapintaan (näytetään kerran)",
                         "sv": "skapa en personlig åtkomsttoken för gränssnittet (visas en gång)",
                         "en": "make a personal access token for the API (shown once)"},
    "help.users_party": {"fi": "osapuoli: m + kuntakoodi tai r + aluekoodi",
                         "sv": "part: m + kommunkod eller r + områdeskod",
                         "en": "party: m + municipality code or r + county code"},
    "help.users_role": {"fi": "rooli: coordinator, county_admin, national_admin, reader tai "
                        "vaiheen rooli (board, council, …)",
                        "sv": "roll: coordinator, county_admin, national_admin, reader eller "
                        "en stegroll (board, council, …)",
                        "en": "role: coordinator, county_admin, national_admin, reader or a "
                        "step role (board, council, …)"},
    "help.users_label": {"fi": "tunnisteen nimi", "sv": "tokenens namn", "en": "the token's name"},
    "help.users_days": {"fi": "voimassa päivää (oletus 90)", "sv": "giltig i dagar (standard 90)",
                        "en": "valid for days (default 90)"},
    "users.added": {"fi": "Henkilö {email} ({name}) lisätty.",
                    "sv": "Personen {email} ({name}) har lagts till.",
                    "en": "Added {email} ({name})."},
    "users.granted": {"fi": "{email}: {role} osapuolessa {party} annettu.",
                      "sv": "{email}: {role} hos {party} beviljad.",
                      "en": "{email}: granted {role} for {party}."},
    "users.had": {"fi": "{email}: {role} osapuolessa {party} oli jo.",
                  "sv": "{email}: hade redan {role} hos {party}.",
                  "en": "{email}: already had {role} for {party}."},
    "users.revoked": {"fi": "{email}: {role} osapuolessa {party} poistettu.",
                      "sv": "{email}: {role} hos {party} borttagen.",
                      "en": "{email}: revoked {role} for {party}."},
    "users.not_had": {"fi": "{email}: ei roolia {role} osapuolessa {party}.",
                      "sv": "{email}: hade inte {role} hos {party}.",
                      "en": "{email}: had no {role} for {party}."},
    "users.token": {"fi": "Tunniste {label} henkilölle {email}, voimassa {days} päivää. Se "
                    "näytetään vain nyt:",
                    "sv": "Token {label} för {email}, giltig i {days} dagar. Den visas bara nu:",
                    "en": "Token {label} for {email}, valid {days} days. It is shown only now:"},
    "users.admin": {"fi": "pääkäyttäjä", "sv": "administratör", "en": "administrator"},
    "col.grants": {"fi": "oikeudet", "sv": "behörigheter", "en": "grants"},
    "error.bad_email": {"fi": "{email} ei ole sähköpostiosoite",
                        "sv": "{email} är ingen e-postadress",
                        "en": "{email} is not an email address"},
    "error.bad_party": {"fi": "{party} ei ole osapuolen koodi (m564 kunnalle, r19 alueelle)",
                        "sv": "{party} är ingen partkod (m564 för en kommun, r19 för ett "
                        "område)",
                        "en": "{party} is not a party code (m564 for a municipality, r19 for "
                        "a county)"},
    "error.unknown_party_code": {"fi": "ei osapuolta {party}", "sv": "ingen part {party}",
                                 "en": "no party {party}"},
    "error.bad_role": {"fi": "{role} ei ole rooli; roolit: {roles}",
                       "sv": "{role} är ingen roll; roller: {roles}",
                       "en": "{role} is not a role; roles: {roles}"},
    "error.unknown_person": {"fi": "ei henkilöä {email} (lisää: yhdyspinta users add)",
                             "sv": "ingen person {email} (lägg till: yhdyspinta users add)",
                             "en": "no person {email} (add them with yhdyspinta users add)"},
    "error.person_exists": {"fi": "{email} on jo lisätty", "sv": "{email} finns redan",
                            "en": "{email} is already a person"},
    "error.bad_name": {"fi": "anna henkilön nimi (--name NIMI, enintään 200 merkkiä)",
                       "sv": "ange personens namn (--name NAMN, högst 200 tecken)",
                       "en": "give the person's name (--name NAME, at most 200 characters)"},
    "error.bad_label": {"fi": "anna tunnisteelle nimi (--name NIMI)",
                        "sv": "ge token ett namn (--name NAMN)",
                        "en": "give the token a name (--name LABEL)"},
    # issue 14 ends ---------------------------------------------------------------------
}

_SETTING_REASONS: Mapping[str, Mapping[Lang, str]] = {
    # pydantic's own error types, by their `type`, and ours (`setting_*`, settings.py)
    "int_parsing": {"fi": "ei ole kokonaisluku", "sv": "är inte ett heltal",
                    "en": "not a whole number"},
    "int_from_float": {"fi": "ei ole kokonaisluku", "sv": "är inte ett heltal",
                       "en": "not a whole number"},
    "float_parsing": {"fi": "ei ole luku", "sv": "är inte ett tal", "en": "not a number"},
    "finite_number": {"fi": "ei ole äärellinen luku", "sv": "är inte ett ändligt tal",
                      "en": "not a finite number"},
    "greater_than": {"fi": "pitää olla suurempi kuin {gt}", "sv": "måste vara större än {gt}",
                     "en": "must be greater than {gt}"},
    "greater_than_equal": {"fi": "pitää olla vähintään {ge}", "sv": "måste vara minst {ge}",
                           "en": "must be at least {ge}"},
    "less_than_equal": {"fi": "saa olla enintään {le}", "sv": "får vara högst {le}",
                        "en": "must be at most {le}"},
    "date_from_datetime_parsing": {"fi": "ei ole päivämäärä (VVVV-KK-PP)",
                                   "sv": "är inget datum (ÅÅÅÅ-MM-DD)",
                                   "en": "not a date (YYYY-MM-DD)"},
    "date_parsing": {"fi": "ei ole päivämäärä (VVVV-KK-PP)", "sv": "är inget datum (ÅÅÅÅ-MM-DD)",
                     "en": "not a date (YYYY-MM-DD)"},
    "setting_url_scheme": {"fi": "vain http://- tai https://-osoitteet käyvät",
                           "sv": "endast http://- eller https://-adresser",
                           "en": "only http:// or https:// addresses"},
    "setting_url_malformed": {"fi": "ei ole kelvollinen http(s)-osoite",
                              "sv": "är ingen giltig http(s)-adress",
                              "en": "not a valid http(s) address"},
    "setting_database_malformed": {
        "fi": "ei ole tietokannan osoite, esim. sqlite:///var/yhdyspinta.db tai "
              "postgresql+psycopg://käyttäjä:salasana@palvelin/kanta",
        "sv": "är ingen databasadress, t.ex. sqlite:///var/yhdyspinta.db eller "
              "postgresql+psycopg://användare:lösenord@värd/databas",
        "en": "not a database URL such as sqlite:///var/yhdyspinta.db or "
              "postgresql+psycopg://user:password@host/db"},
    "setting_database_dialect": {"fi": "tuntematon tietokanta {backend!r}",
                                 "sv": "okänd databas {backend!r}",
                                 "en": "unknown database {backend!r}"},
    "setting_database_driver": {"fi": "tietokanta-ajuria {driver!r} ei ole asennettu",
                                "sv": "databasdrivrutinen {driver!r} är inte installerad",
                                "en": "the database driver {driver!r} is not installed"},
    "setting_not_a_folder": {"fi": "{path} ei ole kansio", "sv": "{path} är ingen mapp",
                             "en": "{path} is not a folder"},
    "setting_today_range": {"fi": "pitää olla välillä {first}–{last}",
                            "sv": "måste ligga mellan {first} och {last}",
                            "en": "must lie between {first} and {last}"},
}


def setting_reason(error_type: str, context: Mapping[str, Any], english: str,
                   lang: Lang) -> str:
    """Why a setting is bad, in `lang` where we have the words (pydantic's English if not).

    Never the value itself: a setting may hold a secret.
    """
    words = _SETTING_REASONS.get(error_type)
    if words is None:
        return one_line(english.removeprefix("Value error, "))
    shown = {k: int(v) if isinstance(v, float) and v.is_integer() else v
             for k, v in context.items()}
    return one_line(words[lang].format(**shown))


_PROBLEM_MESSAGES: Mapping[str, Mapping[Lang, str]] = {
    "missing": {"fi": "pakollinen kenttä puuttuu", "sv": "obligatoriskt fält saknas",
                "en": "required field is missing"},
    "duplicate_key": {"fi": "sama avain toiseen kertaan", "sv": "samma nyckel en gång till",
                      "en": "duplicate key (an earlier line sets it already)"},
    "alias": {"fi": "YAML-ankkureita ja -viittauksia (&, *) ei tueta",
              "sv": "YAML-ankare och -alias (&, *) stöds inte",
              "en": "YAML anchors and aliases (&, *) are not supported"},
    "yaml_tag": {"fi": "tuntematon YAML-tunniste {tag!r}", "sv": "okänd YAML-tagg {tag!r}",
                 "en": "unknown YAML tag {tag!r}"},
    "step_self": {"fi": "kohta {step!r} ei voi tulla itsensä jälkeen",
                  "sv": "punkten {step!r} kan inte komma efter sig själv",
                  "en": "step {step!r} cannot come after itself"},
    "step_cycle": {"fi": "kohdat tulevat toistensa jälkeen: {ring}",
                   "sv": "punkterna kommer efter varandra: {ring}",
                   "en": "steps come after each other: {ring}"},
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
    return problem.render(translated[lang].format(**problem.context))
