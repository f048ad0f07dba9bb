"""What the pages say, in Finnish, Swedish and English, and how a request's language is chosen."""

from __future__ import annotations

from collections.abc import Mapping

from obligations.lang import LANGS, Lang

WORDS: Mapping[str, Mapping[Lang, str]] = {
    "site": {"fi": "Yhdyspinta", "sv": "Yhdyspinta", "en": "Yhdyspinta"},
    "tagline": {
        "fi": "Kuntien ja hyvinvointialueiden lakisääteinen yhteistyö",
        "sv": "Kommunernas och välfärdsområdenas lagstadgade samarbete",
        "en": "Statutory cooperation of municipalities and wellbeing services counties"},
    "skip": {"fi": "Siirry sisältöön", "sv": "Gå till innehållet", "en": "Skip to content"},
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "home": {"fi": "Etusivu", "sv": "Startsida", "en": "Home"},
    "breadcrumbs": {"fi": "Murupolku", "sv": "Brödsmulor", "en": "Breadcrumbs"},
    "counties": {"fi": "Hyvinvointialueet ja Helsinki", "sv": "Välfärdsområdena och Helsingfors",
                 "en": "Wellbeing services counties and Helsinki"},
    "county": {"fi": "Alue", "sv": "Område", "en": "County"},
    "municipality": {"fi": "Kunta", "sv": "Kommun", "en": "Municipality"},
    "municipalities": {"fi": "Kunnat", "sv": "Kommuner", "en": "Municipalities"},
    "municipality_count": {"fi": "{count} kuntaa", "sv": "{count} kommuner",
                           "en": "{count} municipalities"},
    "find": {"fi": "Etsi kuntasi", "sv": "Hitta din kommun", "en": "Find your municipality"},
    "find_label": {"fi": "Kunnan nimi tai koodi", "sv": "Kommunens namn eller kod",
                   "en": "Municipality name or code"},
    "find_button": {"fi": "Hae", "sv": "Sök", "en": "Search"},
    "find_none": {"fi": "Haulla ”{query}” ei löytynyt kuntaa.",
                  "sv": "Ingen kommun hittades för ”{query}”.",
                  "en": "No municipality matches “{query}”."},
    "find_many": {"fi": "Haulla ”{query}” löytyi useita kuntia:",
                  "sv": "Flera kommuner matchar ”{query}”:",
                  "en": "Several municipalities match “{query}”:"},
    "term_year_now": {"fi": "Valtuustokausi {term}, vuosi {year}/4: {phase}",
                      "sv": "Fullmäktigeperioden {term}, år {year}/4: {phase}",
                      "en": "Council term {term}, year {year}/4: {phase}"},
    "phase.1": {"fi": "kausi alkaa", "sv": "perioden börjar", "en": "the term starts"},
    "phase.2": {"fi": "toimeenpano ja seuranta", "sv": "genomförande och uppföljning",
                "en": "implementation and monitoring"},
    "phase.3": {"fi": "toimeenpano ja seuranta", "sv": "genomförande och uppföljning",
                "en": "implementation and monitoring"},
    "phase.4": {"fi": "valmistautuminen kauden vaihtumiseen",
                "sv": "förberedelse för periodskiftet",
                "en": "preparing for the change of term"},
    "term_year": {"fi": "Valtuustokauden vuosi", "sv": "År av fullmäktigeperioden",
                  "en": "Year of the council term"},
    "term_year_n": {"fi": "Vuosi {year}/4", "sv": "År {year}/4", "en": "Year {year}/4"},
    "all_years": {"fi": "Kaikki vuodet", "sv": "Alla år", "en": "All years"},
    "obligation": {"fi": "Velvoite", "sv": "Förpliktelse", "en": "Obligation"},
    "all_obligations": {"fi": "Kaikki velvoitteet", "sv": "Alla förpliktelser",
                        "en": "All obligations"},
    "filter": {"fi": "Rajaa", "sv": "Filtrera", "en": "Filter"},
    "matrix": {"fi": "Velvoitteet kunnittain", "sv": "Förpliktelser per kommun",
               "en": "Duties by municipality"},
    "matrix_caption": {
        "fi": "{county}: kuntien velvoitteet, {years}. Solussa tila ja määräpäivä.",
        "sv": "{county}: kommunernas förpliktelser, {years}. I cellen status och sista dag.",
        "en": "{county}: duties of its municipalities, {years}. Each cell: status and due date."},
    "own_duties": {"fi": "Alueen omat velvoitteet", "sv": "Områdets egna förpliktelser",
                   "en": "The county's own duties"},
    "no_duties": {"fi": "Ei velvoitteita valitulla rajauksella.",
                  "sv": "Inga förpliktelser med det valda filtret.",
                  "en": "No duties with this filter."},
    "csv": {"fi": "Lataa taulukko (CSV)", "sv": "Ladda ned tabellen (CSV)",
            "en": "Download the table (CSV)"},
    "period": {"fi": "Kausi", "sv": "Period", "en": "Period"},
    "due": {"fi": "Määräpäivä", "sv": "Sista dag", "en": "Due"},
    "statutory": {"fi": "Lakisääteinen päivä", "sv": "Lagstadgad dag", "en": "Statutory date"},
    "status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "progress": {"fi": "Edistyminen", "sv": "Framsteg", "en": "Progress"},
    "steps_done": {"fi": "{done}/{total} vaihetta", "sv": "{done}/{total} steg",
                   "en": "{done}/{total} steps"},
    "state.complete": {"fi": "Valmis", "sv": "Klar", "en": "Complete"},
    "state.open": {"fi": "Kesken", "sv": "Pågår", "en": "Open"},
    "state.overdue": {"fi": "Myöhässä", "sv": "Försenad", "en": "Overdue"},
    "state.cancelled": {"fi": "Peruttu", "sv": "Inställd", "en": "Cancelled"},
    "days_late": {"fi": "{days} pv myöhässä", "sv": "{days} d försenad",
                  "en": "{days} days late"},
    "timeline": {"fi": "Valtuustokauden aikajana", "sv": "Tidslinje för fullmäktigeperioden",
                 "en": "Timeline of the council term"},
    "checklists": {"fi": "Tarkistuslistat", "sv": "Checklistor", "en": "Checklists"},
    "step": {"fi": "Vaihe", "sv": "Steg", "en": "Step"},
    "responsible": {"fi": "Vastuu", "sv": "Ansvar", "en": "Responsible"},
    "optional": {"fi": "valinnainen", "sv": "frivillig", "en": "optional"},
    "evidence": {"fi": "Näyttö", "sv": "Belägg", "en": "Evidence"},
    "no_evidence": {"fi": "Ei kirjattua näyttöä.", "sv": "Inga belägg registrerade.",
                    "en": "No evidence recorded."},
    "decided": {"fi": "{body} {day} § {section}", "sv": "{body} {day} § {section}",
                "en": "{body} {day} § {section}"},
    "audit": {"fi": "Muutoshistoria", "sv": "Ändringshistorik", "en": "Audit trail"},
    "no_audit": {"fi": "Ei muutoksia.", "sv": "Inga ändringar.", "en": "No changes."},
    "audit.status": {"fi": "tila", "sv": "status", "en": "status"},
    "audit.status_forced": {"fi": "tila (järjestyksestä poiketen)",
                            "sv": "status (i avvikande ordning)",
                            "en": "status (out of order)"},
    "audit.evidence": {"fi": "näyttö", "sv": "belägg", "en": "evidence"},
    "audit_hidden_actor": {"fi": "(kirjaudu nähdäksesi)", "sv": "(logga in för att se)",
                           "en": "(log in to see)"},
    "legal_basis": {"fi": "Peruste", "sv": "Grund", "en": "Legal basis"},
    "moves_because": {"fi": "Siirtyy päivään {day}, koska {reason}.",
                      "sv": "Flyttas till {day} eftersom {reason}.",
                      "en": "Moves to {day} because {reason}."},
    "subscribe": {"fi": "Tilaa kalenteri", "sv": "Prenumerera på kalendern",
                  "en": "Subscribe to the calendar"},
    "subscribe_intro": {
        "fi": "Tilattu kalenteri päivittyy itsestään. Valitse syöte ja kieli.",
        "sv": "En prenumererad kalender uppdateras av sig själv. Välj flöde och språk.",
        "en": "A subscribed calendar updates itself. Choose a feed and a language."},
    "feed.pair": {"fi": "Kunta ja hyvinvointialue", "sv": "Kommunen och välfärdsområdet",
                  "en": "The municipality and its county"},
    "feed.municipality": {"fi": "Vain kunta", "sv": "Endast kommunen",
                          "en": "The municipality only"},
    "feed.region": {"fi": "Koko alue", "sv": "Hela området", "en": "The whole county"},
    "feed.role": {"fi": "Rooli: {role}", "sv": "Roll: {role}", "en": "Role: {role}"},
    "role_feeds": {"fi": "Roolikohtaiset syötteet (vain roolin vaiheet)",
                   "sv": "Flöden per roll (endast rollens steg)",
                   "en": "Feeds per role (only that role's steps)"},
    "webcal": {"fi": "Tilaa (webcal)", "sv": "Prenumerera (webcal)",
               "en": "Subscribe (webcal)"},
    "https_link": {"fi": "Osoite", "sv": "Adress", "en": "Address"},
    "copy": {"fi": "Kopioi", "sv": "Kopiera", "en": "Copy"},
    "copied": {"fi": "Kopioitu", "sv": "Kopierad", "en": "Copied"},
    "private_feed": {
        "fi": "Tämä syöte on yksityinen. Kirjaudu tilaustunnuksellasi saadaksesi oman "
              "osoitteesi.",
        "sv": "Flödet är privat. Logga in med din prenumerationsnyckel för att få din egen "
              "adress.",
        "en": "This feed is private. Log in with your subscription key to get your own "
              "address."},
    "howto": {"fi": "Näin tilaat", "sv": "Så prenumererar du", "en": "How to subscribe"},
    "howto.outlook": {
        "fi": "Outlook: Kalenteri → Lisää kalenteri → Tilaa verkosta → liitä osoite.",
        "sv": "Outlook: Kalender → Lägg till kalender → Prenumerera från webben → klistra in "
              "adressen.",
        "en": "Outlook: Calendar → Add calendar → Subscribe from web → paste the address."},
    "howto.google": {
        "fi": "Google-kalenteri: Muut kalenterit → + → URL-osoitteesta → liitä osoite.",
        "sv": "Google Kalender: Andra kalendrar → + → Från webbadress → klistra in adressen.",
        "en": "Google Calendar: Other calendars → + → From URL → paste the address."},
    "howto.apple": {
        "fi": "Applen Kalenteri: Arkisto → Uusi kalenteritilaus → liitä osoite, tai avaa "
              "webcal-linkki.",
        "sv": "Apples Kalender: Arkiv → Ny kalenderprenumeration → klistra in adressen, eller "
              "öppna webcal-länken.",
        "en": "Apple Calendar: File → New Calendar Subscription → paste the address, or open "
              "the webcal link."},
    "contacts": {"fi": "Yhteyshenkilöt", "sv": "Kontaktpersoner", "en": "Contacts"},
    "no_contacts": {"fi": "Ei yhteyshenkilöitä.", "sv": "Inga kontaktpersoner.",
                    "en": "No contacts."},
    "role": {"fi": "Rooli", "sv": "Roll", "en": "Role"},
    "name": {"fi": "Nimi", "sv": "Namn", "en": "Name"},
    "channels": {"fi": "Kanavat", "sv": "Kanaler", "en": "Channels"},
    "vuosikello": {"fi": "Vuosikello", "sv": "Årshjul", "en": "Year clock (vuosikello)"},
    "vuosikello_title": {"fi": "{party}: vuosikello", "sv": "{party}: årshjul",
                         "en": "{party}: year clock"},
    "download_svg": {"fi": "Lataa SVG", "sv": "Ladda ned SVG", "en": "Download SVG"},
    "download_png": {"fi": "Lataa PNG", "sv": "Ladda ned PNG", "en": "Download PNG"},
    "year": {"fi": "Vuosi", "sv": "År", "en": "Year"},
    "show": {"fi": "Näytä", "sv": "Visa", "en": "Show"},
    "login": {"fi": "Kirjaudu", "sv": "Logga in", "en": "Log in"},
    "logout": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Log out"},
    "logged_in": {"fi": "Kirjautunut: {name}", "sv": "Inloggad: {name}",
                  "en": "Logged in: {name}"},
    "login_intro": {
        "fi": "Kirjaudu tilaustunnuksella, jonka ylläpitäjä on antanut (yhdyspinta "
              "subscribers add). Näet silloin yhteyshenkilöt ja omat syöteosoitteesi.",
        "sv": "Logga in med den prenumerationsnyckel som administratören gett dig "
              "(yhdyspinta subscribers add). Då ser du kontaktpersonerna och dina egna "
              "flödesadresser.",
        "en": "Log in with the subscription key your administrator gave you (yhdyspinta "
              "subscribers add). You then see the contacts and your own feed addresses."},
    "token": {"fi": "Tilaustunnus", "sv": "Prenumerationsnyckel", "en": "Subscription key"},
    "login_failed": {"fi": "Tunnus ei kelpaa.", "sv": "Nyckeln gäller inte.",
                     "en": "That key is not valid."},
    "login_needed_contacts": {
        "fi": "Yhteyshenkilöt näkyvät kirjautuneille.",
        "sv": "Kontaktpersonerna visas för inloggade.",
        "en": "Contacts are shown to logged-in users."},
    "api": {"fi": "Rajapinta (JSON)", "sv": "Gränssnitt (JSON)", "en": "API (JSON)"},
    "not_found": {"fi": "Sivua ei löydy", "sv": "Sidan hittas inte", "en": "Page not found"},
    "bad_request": {"fi": "Virheellinen pyyntö", "sv": "Felaktig begäran",
                    "en": "Bad request"},
    "method_not_allowed": {
        "fi": "Tähän osoitteeseen ei voi lähettää {method}-pyyntöä. Sallitut: {allowed}.",
        "sv": "Den här adressen tar inte emot {method}-begäranden. Tillåtna: {allowed}.",
        "en": "This address does not take {method} requests. Allowed: {allowed}."},
    "too_large": {"fi": "Pyyntö on liian suuri.", "sv": "Begäran är för stor.",
                  "en": "The request is too large."},
    "unknown_county": {"fi": "Tuntematon alue: {value}", "sv": "Okänt område: {value}",
                       "en": "Unknown county: {value}"},
    "unknown_municipality": {"fi": "Tuntematon kunta: {value}", "sv": "Okänd kommun: {value}",
                             "en": "Unknown municipality: {value}"},
    "unknown_party": {"fi": "Tuntematon osapuoli: {value}", "sv": "Okänd part: {value}",
                      "en": "Unknown party: {value}"},
    "unknown_obligation": {"fi": "Tuntematon velvoite: {value}",
                           "sv": "Okänd förpliktelse: {value}",
                           "en": "Unknown obligation: {value}"},
    "bad_parameter": {"fi": "Parametri {name}: {problem}", "sv": "Parametern {name}: {problem}",
                      "en": "Parameter {name}: {problem}"},
    "bad_year": {"fi": "vuoden pitää olla {low}–{high}", "sv": "året ska vara {low}–{high}",
                 "en": "the year must be {low}–{high}"},
    "bad_term_year": {"fi": "pitää olla 1, 2, 3 tai 4", "sv": "ska vara 1, 2, 3 eller 4",
                      "en": "must be 1, 2, 3 or 4"},
    "bad_date": {"fi": "päivämäärän muoto on VVVV-KK-PP", "sv": "datumet skrivs ÅÅÅÅ-MM-DD",
                 "en": "a date is written YYYY-MM-DD"},
    "back_home": {"fi": "Takaisin etusivulle", "sv": "Tillbaka till startsidan",
                  "en": "Back to the home page"},
    "helsinki_note": {
        "fi": "Helsinki järjestää itse sosiaali- ja terveyspalvelunsa: sillä ei ole "
              "hyvinvointialuetta.",
        "sv": "Helsingfors ordnar själv sina social- och hälsovårdstjänster: staden hör inte "
              "till något välfärdsområde.",
        "en": "Helsinki organises its own health and social services: it belongs to no "
              "county."},
    "server_error": {"fi": "Palvelinvirhe. Yritä hetken päästä uudelleen.",
                     "sv": "Serverfel. Försök igen om en stund.",
                     "en": "Server error. Please try again in a moment."},
    "legend": {"fi": "Selite", "sv": "Förklaring", "en": "Legend"},
    # issue 14 ----------------------------------------------------------------------------
    "signin": {"fi": "Kirjaudu sisään", "sv": "Logga in", "en": "Sign in"},
    "signout": {"fi": "Kirjaudu ulos", "sv": "Logga ut", "en": "Sign out"},
    "signed_in_as": {"fi": "Kirjautunut: {name}", "sv": "Inloggad: {name}",
                     "en": "Signed in: {name}"},
    "signin_intro": {
        "fi": "Anna sähköpostiosoitteesi. Jos osoite on palvelussa, saat kirjautumislinkin, "
              "joka on voimassa 15 minuuttia ja toimii kerran.",
        "sv": "Ange din e-postadress. Om adressen finns i tjänsten får du en inloggningslänk "
              "som gäller i 15 minuter och fungerar en gång.",
        "en": "Give your email address. If the service knows it, you get a sign-in link that "
              "is valid for 15 minutes and works once."},
    "signin_email": {"fi": "Sähköpostiosoite", "sv": "E-postadress", "en": "Email address"},
    "signin_send": {"fi": "Lähetä kirjautumislinkki", "sv": "Skicka inloggningslänk",
                    "en": "Send a sign-in link"},
    "signin_sent": {
        "fi": "Jos osoite {email} on palvelussa, sinne lähti kirjautumislinkki. Se on voimassa "
              "15 minuuttia.",
        "sv": "Om adressen {email} finns i tjänsten har en inloggningslänk skickats dit. Den "
              "gäller i 15 minuter.",
        "en": "If the service knows {email}, a sign-in link is on its way there. It is valid "
              "for 15 minutes."},
    "signin_bad_email": {"fi": "Osoite ei ole sähköpostiosoite.",
                         "sv": "Adressen är ingen e-postadress.",
                         "en": "That is not an email address."},
    "signin_limited": {
        "fi": "Kirjautumislinkkejä on pyydetty liian monta. Odota 15 minuuttia.",
        "sv": "För många inloggningslänkar har begärts. Vänta 15 minuter.",
        "en": "Too many sign-in links were asked for. Wait 15 minutes."},
    "signin_confirm": {"fi": "Vahvista kirjautuminen", "sv": "Bekräfta inloggningen",
                       "en": "Confirm signing in"},
    "signin_confirm_intro": {"fi": "Kirjaudu osoitteella {email}.",
                             "sv": "Logga in med adressen {email}.",
                             "en": "Sign in as {email}."},
    "signin_link_expired": {
        "fi": "Kirjautumislinkki on vanhentunut. Pyydä uusi linkki.",
        "sv": "Inloggningslänken har gått ut. Begär en ny länk.",
        "en": "This sign-in link has expired. Ask for a new one."},
    "signin_link_used": {
        "fi": "Kirjautumislinkki on jo käytetty. Pyydä uusi linkki.",
        "sv": "Inloggningslänken har redan använts. Begär en ny länk.",
        "en": "This sign-in link has already been used. Ask for a new one."},
    "signin_link_unknown": {
        "fi": "Kirjautumislinkki ei kelpaa. Pyydä uusi linkki.",
        "sv": "Inloggningslänken gäller inte. Begär en ny länk.",
        "en": "This sign-in link is not valid. Ask for a new one."},
    "signin_again": {"fi": "Pyydä uusi kirjautumislinkki", "sv": "Begär en ny inloggningslänk",
                     "en": "Ask for a new sign-in link"},
    "signin_mail_subject": {"fi": "Kirjautumislinkki – Yhdyspinta",
                            "sv": "Inloggningslänk – Yhdyspinta",
                            "en": "Sign-in link – Yhdyspinta"},
    "signin_mail_text": {
        "fi": "Kirjaudu Yhdyspintaan tästä linkistä (voimassa 15 minuuttia, toimii kerran):",
        "sv": "Logga in i Yhdyspinta med den här länken (gäller i 15 minuter, fungerar en gång):",
        "en": "Sign in to Yhdyspinta with this link (valid for 15 minutes, works once):"},
    "signin_mail_ignore": {
        "fi": "Jos et pyytänyt linkkiä, voit jättää viestin huomiotta.",
        "sv": "Om du inte bad om länken kan du lämna meddelandet utan åtgärd.",
        "en": "If you did not ask for it, you can ignore this message."},
    "csrf_failed": {
        "fi": "Lomake vanheni tai tuli muualta. Lataa sivu uudelleen ja yritä uudestaan.",
        "sv": "Formuläret har gått ut eller kom från annat håll. Ladda om sidan och försök igen.",
        "en": "The form expired or came from elsewhere. Reload the page and try again."},
    "forbidden": {"fi": "Ei oikeutta", "sv": "Ingen behörighet", "en": "Not allowed"},
    "duty_checklist": {"fi": "Tehtävälista", "sv": "Checklista", "en": "Checklist"},
    "duty_read_only": {
        "fi": "Voit muuttaa vaiheita, joihin sinulla on oikeus, kun kirjaudut sisään.",
        "sv": "Du kan ändra de steg du har behörighet till när du loggar in.",
        "en": "Sign in to change the steps your grants cover."},
    "duty_not_yours": {"fi": "Tämä vaihe ei kuulu oikeuksiisi.",
                       "sv": "Det här steget ingår inte i dina behörigheter.",
                       "en": "Your grants do not cover this step."},
    "duty_status": {"fi": "Tila", "sv": "Status", "en": "Status"},
    "duty_note": {"fi": "Huomautus tai perustelu", "sv": "Anteckning eller motivering",
                  "en": "Note or reason"},
    "duty_note_hint": {"fi": "Ohitus, ”ei koske” ja ohitettu järjestys tarvitsevat perustelun.",
                       "sv": "Avstående, ”ej tillämplig” och avvikande ordning kräver en "
                             "motivering.",
                       "en": "Waived, not applicable and an order override need a reason."},
    "duty_url": {"fi": "Pöytäkirjan osoite (http tai https)",
                 "sv": "Protokollets adress (http eller https)",
                 "en": "Minutes address (http or https)"},
    "duty_decided_by": {"fi": "Päättäjä", "sv": "Beslutande organ", "en": "Decided by"},
    "duty_decided_on": {"fi": "Päätöspäivä", "sv": "Beslutsdatum", "en": "Decided on"},
    "duty_section": {"fi": "Pykälä (§)", "sv": "Paragraf (§)", "en": "Section (§)"},
    "duty_force": {"fi": "Merkitse valmiiksi ennen edeltäviä vaiheita (anna perustelu)",
                   "sv": "Markera klar före de föregående stegen (ange motivering)",
                   "en": "Mark done before its predecessors (give the reason)"},
    "duty_save": {"fi": "Tallenna", "sv": "Spara", "en": "Save"},
    "duty_saved": {"fi": "Tallennettu.", "sv": "Sparat.", "en": "Saved."},
    "duty_stale": {
        "fi": "Joku muutti vaihetta sillä välin. Tallennusta ei tehty. Alla nykyinen ja "
              "lähettämäsi versio.",
        "sv": "Någon ändrade steget under tiden. Inget sparades. Nedan den nuvarande och den "
              "version du skickade.",
        "en": "Someone changed this step meanwhile. Nothing was saved. Below are the current "
              "version and yours."},
    "duty_current": {"fi": "Nykyinen", "sv": "Nuvarande", "en": "Current"},
    "duty_yours": {"fi": "Sinun", "sv": "Din", "en": "Yours"},
    "duty_changed_by": {"fi": "Muuttanut {by}", "sv": "Ändrad av {by}", "en": "Changed by {by}"},
    "duty_refused": {"fi": "Muutosta ei tehty: {reason}", "sv": "Ändringen gjordes inte: {reason}",
                     "en": "Not changed: {reason}"},
    "duty_reason_needed": {"fi": "anna perustelu", "sv": "ange en motivering",
                           "en": "give the reason"},
    "duty_bad_url": {"fi": "pöytäkirjan osoitteen pitää alkaa http:// tai https://",
                     "sv": "protokollets adress måste börja med http:// eller https://",
                     "en": "the minutes address must start with http:// or https://"},
    "duty_bad_date": {"fi": "päivämäärä muodossa VVVV-KK-PP", "sv": "datum som ÅÅÅÅ-MM-DD",
                      "en": "a date as YYYY-MM-DD"},
    "duty_open": {"fi": "Avaa tehtävä", "sv": "Öppna uppgiften", "en": "Open the duty"},
    "audit.person_added": {"fi": "henkilö lisätty", "sv": "person tillagd", "en": "person added"},
    # issue 14 ends -----------------------------------------------------------------------
}


def w(key: str, lang: Lang, **fields: object) -> str:
    """A page text in `lang`, with its fields filled in."""
    text = WORDS[key][lang]
    return text.format(**fields) if fields else text


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str) -> Lang:
    """The page's language: the switch (query), then the remembered choice, then the browser.

    Accept-Language is read with its q-values (RFC 9110 §12.5.4); Finnish is the default.
    """
    for chosen in (query_lang, cookie_lang):
        if chosen in LANGS:
            return chosen
    best: tuple[float, int, Lang] | None = None
    for position, item in enumerate(accept_language.split(",")):
        tag, _, parameters = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        for parameter in parameters.split(";"):
            name, _, value = parameter.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if primary in LANGS and quality > 0:
            candidate = (quality, -position, primary)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return best[2] if best else "fi"
