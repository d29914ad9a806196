"""The words of spreadsheets: Dutch (and English) column headers, sheet names and cell values.

Coaches keep candidates and vacancies in Excel with Dutch column names ("uren per week",
"rijbewijs", "competenties") and Dutch words in the cells ("voormiddag", "fiets", "ja"). These
tables map them onto matchcore's stable English field names and codes (docs/formats.md, section
7); :mod:`matchcore.model.tabular` uses them. Headers and words are compared case-folded, with
runs of spaces collapsed. No column is ever a name: candidates are pseudonymous (``K-0042``).
"""
from __future__ import annotations

__all__ = ["SHEET_KINDS", "HEADERS", "NAME_COLUMNS", "TRUE_WORDS", "FALSE_WORDS", "VALUE_WORDS", "norm",
           "TRAJECTORY_COLUMNS", "TRAJECTORY_HEADERS", "TRAJECTORY_WORDS", "CANDIDATE_HEADERS", "ACTION_HEADERS",
           "PHASE_HEADERS", "trajectory_kind"]


def norm(text: str) -> str:
    """A header or word as compared: case-folded, spaces collapsed, a trailing ``*`` or ``:`` dropped."""
    return " ".join(str(text).replace("\u00a0", " ").split()).casefold().rstrip("*:").strip()


# The record type of a sheet, by its name (Dutch and English, singular and plural).
SHEET_KINDS = {
    "kandidaten": "candidate", "kandidaat": "candidate", "candidates": "candidate", "candidate": "candidate",
    "werkgevers": "employer", "werkgever": "employer", "employers": "employer", "employer": "employer",
    "functies": "employer", "functions": "employer", "vacatures": "employer", "vacancies": "employer",
    "scans": "scan", "scan": "scan", "quick scans": "scan", "quickscans": "scan",
    "rollen": "role", "rol": "role", "roles": "role",
    "taken": "task", "taak": "task", "tasks": "task",
}

# Header aliases per record type: normalised header -> the field's dotted path. In employer
# sheets the path starts with the scope: ``employer.`` (a field of the employer, written the
# same in each of its rows) or ``function.`` (a field of the row's function).
_CANDIDATE = {
    "kandidaat": "id", "kandidaatnummer": "id", "kandidaat id": "id", "nummer": "id", "code": "id",
    "postcode": "home.postcode", "gemeente": "home.municipality", "woonplaats": "home.municipality",
    "max km": "max_commute_km", "max. km": "max_commute_km", "afstand": "max_commute_km",
    "max afstand": "max_commute_km", "max. afstand": "max_commute_km", "max afstand (km)": "max_commute_km",
    "maximale afstand": "max_commute_km", "maximale afstand (km)": "max_commute_km",
    "woon-werk km": "max_commute_km", "max woon-werk (km)": "max_commute_km",
    "vervoer": "transport", "vervoermiddel": "transport", "vervoermiddelen": "transport",
    "rijbewijs": "driving_licences", "rijbewijzen": "driving_licences",
    "uren per week": "hours_per_week", "uren/week": "hours_per_week", "uur per week": "hours_per_week",
    "uur/week": "hours_per_week", "u/week": "hours_per_week", "uren": "hours_per_week",
    "gewenste uren": "hours_per_week",
    "ploegen": "shifts", "ploeg": "shifts", "dagdelen": "shifts", "shiften": "shifts",
    "dagen": "days", "werkdagen": "days",
    "nederlands": "dutch_level", "taalniveau": "dutch_level", "niveau nederlands": "dutch_level",
    "geboortedatum": "birth_date", "leeftijd": "age",
    "opleiding": "education", "opleidingsniveau": "education",
    "beschikbaar vanaf": "available_from", "beschikbaar": "available_from",
    "jobdoelwit": "job_targets", "jobdoelwitten": "job_targets", "jobdoelen": "job_targets",
    "gewenste job": "job_targets", "gewenste jobs": "job_targets", "beroepen": "job_targets",
    "competenties": "competences", "vaardigheden": "competences",
    "status": "employment.status", "statuut": "employment.statute",
    "regime": "employment.regime_fraction", "werkregime": "employment.regime_fraction",
    "arbeidsregime": "employment.regime_fraction", "tewerkstellingsbreuk": "employment.regime_fraction",
    "in dienst sinds": "employment.since", "werkzoekend sinds": "employment.jobseeker_since",
    "uitkering": "employment.unemployment_benefit", "werkloosheidsuitkering": "employment.unemployment_benefit",
    "ziekte-uitkering": "employment.sickness_benefit", "ziekteuitkering": "employment.sickness_benefit",
    "gepensioneerd": "employment.pensioner", "vorige werkgevers": "employment.previous_employers",
    "ondersteuningsnood": "employment.support_need", "huidig uurloon": "employment.current_hourly_wage_eur",
    "max tillen": "limits.max_lift_kg", "max tillen (kg)": "limits.max_lift_kg", "tillen (kg)": "limits.max_lift_kg",
    "max kg": "limits.max_lift_kg", "rechtstaan": "limits.standing", "staan": "limits.standing",
    "nachtwerk": "limits.night_work", "bukken": "limits.bending", "koude": "limits.cold",
    "allergieën": "limits.allergens", "allergie": "limits.allergens", "allergenen": "limits.allergens",
    "kinderopvang": "limits.childcare_hours", "opvanguren": "limits.childcare_hours",
}
_EMPLOYER = {
    "employer": "employer.id", "werkgever": "employer.id", "werkgever id": "employer.id",
    "naam": "employer.name", "bedrijfsnaam": "employer.name", "werkgever naam": "employer.name",
    "sector": "employer.sector", "pc": "employer.joint_committee", "paritair comité": "employer.joint_committee",
    "paritair comite": "employer.joint_committee", "categorie": "employer.category",
    "werknemers": "employer.workers", "aantal werknemers": "employer.workers",
    "postcode": "employer.location.postcode", "gemeente": "employer.location.municipality",
    "contactpersoon": "employer.contact.name", "contact": "employer.contact.name",
    "telefoon": "employer.contact.phone", "e-mail": "employer.contact.email", "email": "employer.contact.email",
    "function": "function.id", "functie": "function.id", "functie id": "function.id",
    "titel": "function.title", "functietitel": "function.title", "functienaam": "function.title",
    "uren per week": "function.hours_per_week", "uren/week": "function.hours_per_week",
    "uur per week": "function.hours_per_week", "uren": "function.hours_per_week",
    "ploegen": "function.shifts", "dagdelen": "function.shifts", "dagen": "function.days",
    "vacatures": "function.openings", "aantal vacatures": "function.openings", "plaatsen": "function.openings",
    "zichtbaar": "function.visible", "uurloon": "function.hourly_wage_eur", "bruto uurloon": "function.hourly_wage_eur",
    "arbeider/bediende": "function.worker_type", "omschrijving": "function.description",
    "beschrijving": "function.description", "competenties": "function.competences",
    "vereiste competenties": "function.required_competences",
    "verplichte competenties": "function.required_competences",
    "rijbewijs": "function.conditions.driving_licence", "nederlands": "function.conditions.dutch_level",
    "taalniveau": "function.conditions.dutch_level", "max tillen": "function.conditions.max_lift_kg",
    "max tillen (kg)": "function.conditions.max_lift_kg", "tillen (kg)": "function.conditions.max_lift_kg",
    "rechtstaan": "function.conditions.standing", "staan": "function.conditions.standing",
    "eigen vervoer": "function.conditions.own_transport",
}
_SCAN = {
    "scan": "id", "werkgever": "employer", "datum": "date", "consulent": "consultant",
    "voltijds uren": "full_time_hours", "ploegen per dag": "shifts_per_day", "notities": "notes",
    "opmerkingen": "notes",
}
_ROLE = {"scan": "scan", "rol": "id", "titel": "title", "uurkost": "hourly_cost_eur", "aantal": "headcount",
         "aantal personen": "headcount"}
_TASK = {
    "scan": "scan", "taak": "id", "taak id": "id", "omschrijving": "description", "beschrijving": "description",
    "rol": "role", "frequentie": "frequency", "minuten": "minutes", "duur (min)": "minutes",
    "dagen per week": "days_per_week", "uren per week": "hours_per_week", "complexiteit": "complexity",
    "kerntaak": "core", "veiligheidskritisch": "safety_critical", "competenties": "competences",
    "wanneer": "when", "moment": "when", "belasting": "strain", "notities": "notes", "opmerkingen": "notes",
}
HEADERS = {"candidate": _CANDIDATE, "employer": _EMPLOYER, "scan": _SCAN, "role": _ROLE, "task": _TASK}

# Columns that would hold a person's name or register number: refused with a clear message in
# candidate sheets, since matchcore keeps candidates pseudonymous.
NAME_COLUMNS = {"naam", "voornaam", "achternaam", "familienaam", "volledige naam", "name", "first name",
                "last name", "rijksregisternummer", "rijksregister", "insz", "rrn", "adres", "straat",
                "e-mail", "email", "telefoon", "gsm"}

TRUE_WORDS = {"true", "yes", "on", "1", "ja", "j", "waar", "x", "wel", "y"}
FALSE_WORDS = {"false", "no", "off", "0", "nee", "n", "onwaar", "niet", "neen"}

# Dutch words for codes; used only where the code is one of the field's allowed values.
VALUE_WORDS = {
    # shifts and task times
    "dag": "day", "overdag": "day", "voormiddag": "morning", "namiddag": "afternoon", "vroeg": "early",
    "vroege": "early", "laat": "late", "avond": "evening", "nacht": "night", "weekends": "weekend",
    "continu": "continuous", "op afroep": "on_call",
    # days
    "ma": "mon", "maandag": "mon", "di": "tue", "dinsdag": "tue", "wo": "wed", "woensdag": "wed",
    "do": "thu", "donderdag": "thu", "vr": "fri", "vrijdag": "fri", "za": "sat", "zaterdag": "sat",
    "zo": "sun", "zondag": "sun",
    # transport
    "te voet": "walk", "voet": "walk", "fiets": "bike", "openbaar vervoer": "public_transport",
    "ov": "public_transport", "bus": "public_transport", "trein": "public_transport", "tram": "public_transport",
    "auto": "car", "wagen": "car", "bromfiets": "moped", "brommer": "moped", "scooter": "moped",
    # levels and kinds
    "laag": "low", "midden": "medium", "middel": "medium", "gemiddeld": "medium", "hoog": "high",
    "arbeider": "manual", "bediende": "white_collar", "privé": "private", "prive": "private",
    "vzw": "non_profit", "non-profit": "non_profit", "social profit": "non_profit", "publiek": "public",
    "openbaar": "public", "overheid": "public",
    # employment status and statute
    "werkzoekende": "jobseeker", "werkzoekend": "jobseeker", "werknemer": "employee",
    "zelfstandige": "self_employed", "maatwerkwerknemer": "sec_employee", "andere": "other", "ander": "other",
    "sociale werkplaats": "sociale_werkplaats", "lokale diensteneconomie": "lde", "artikel 60": "art60",
    # task strain and frequency
    "zwaar": "heavy", "vuil": "dirty", "geïsoleerd": "isolated", "alleen": "isolated", "repetitief": "repetitive",
    "buiten": "outdoor", "lawaai": "noisy", "lawaaierig": "noisy", "ploegbeurt": "shift", "maand": "month",
    "jaar": "year",
}

# --- trajectories (issue 14): the sheets Trajecten, Fasen and Acties -----------------------------
# Sheet names of the trajectory tables; the export's names are translated through the catalogue
# ("Trajectories" -> "Trajecten"), so both are here.
SHEET_KINDS.update({
    "trajecten": "trajectory", "traject": "trajectory", "trajectories": "trajectory", "trajectory": "trajectory",
    "opvolging": "trajectory", "doorstroomtrajecten": "trajectory",
    "fasen": "phase", "fases": "phase", "fase": "phase", "phases": "phase", "phase": "phase",
    "acties": "action", "actie": "action", "actions": "action", "action": "action", "pdp": "action",
    "actieplan": "action", "doorstroomplan": "action",
})

# (field path, Dutch header the export writes): the columns of each trajectory sheet in the order
# of the export. The English header is the path itself. A coach's own file may use the aliases
# of TRAJECTORY_HEADERS too.
TRAJECTORY_COLUMNS = {
    "trajectory": (("candidate", "kandidaat"), ("coach", "coach"), ("phase", "fase"),
                   ("phase_since", "fase sinds"), ("engagement_date", "engagementsverklaring"),
                   ("placement.function", "plaatsing functie"), ("placement.instrument", "instrument"),
                   ("placement.start", "plaatsing start"), ("placement.aftercare", "nazorg"),
                   ("placement.reminders", "herinneringen")),
    "phase": (("candidate", "kandidaat"), ("phase", "fase"), ("date", "datum"), ("note", "opmerking")),
    "action": (("candidate", "kandidaat"), ("id", "nr"), ("what", "actie"), ("who", "wie"), ("due", "tegen"),
               ("status", "status"), ("done_on", "gedaan op"), ("source", "bron"), ("legal", "wettelijk"),
               ("recurring", "herhaling"), ("function", "functie"), ("note", "opmerking")),
}
_TRAJECTORY = {
    "kandidaat id": "candidate", "kandidaatnummer": "candidate", "consulent": "coach", "jobcoach": "coach",
    "trajectbegeleider": "coach", "begeleider": "coach", "huidige fase": "phase", "in fase sinds": "phase_since",
    "sinds": "phase_since", "fasedatum": "phase_since", "engagement": "engagement_date",
    "engagementsverklaring getekend": "engagement_date", "functie": "placement.function",
    "geplaatst bij": "placement.function", "plaatsing": "placement.function", "startdatum": "placement.start",
    "start": "placement.start", "vorm van nazorg": "placement.aftercare",
}
_PHASE = {"kandidaat id": "candidate", "kandidaatnummer": "candidate", "sinds": "date", "vanaf": "date",
          "opmerkingen": "note", "notitie": "note"}
_ACTION = {
    "kandidaat id": "candidate", "kandidaatnummer": "candidate", "actie id": "id", "nummer": "id",
    "acties": "what", "concrete acties": "what", "concrete actie": "what", "wat": "what", "omschrijving": "what",
    "wie?": "who", "door": "who", "tegen wanneer": "due", "deadline": "due", "tijdspanne": "due",
    "vervaldatum": "due", "datum": "due", "uiterlijk": "due", "voltooid": "status", "gedaan": "status",
    "klaar": "status", "voltooid op": "done_on", "afgewerkt op": "done_on", "herhaalt": "recurring",
    "opmerkingen": "note", "notitie": "note",
}
TRAJECTORY_HEADERS = {
    kind: {**{norm(path): path for path, _nl in cols}, **{norm(nl): path for path, nl in cols},
           **{"kandidaat": "candidate"}, **extra}
    for (kind, cols), extra in zip(TRAJECTORY_COLUMNS.items(), (_TRAJECTORY, _PHASE, _ACTION))
}
# the headers that tell a CSV file or a sheet of another name holds trajectory rows
CANDIDATE_HEADERS = {"candidate", "kandidaat", "kandidaat id", "kandidaatnummer"}
ACTION_HEADERS = {"what", "actie", "acties", "concrete acties", "concrete actie"}
PHASE_HEADERS = {"phase", "fase", "huidige fase"}

# Dutch words of the trajectories' codes (seed 001, chapter 3, for the phases); a code itself
# is always accepted, in any case.
TRAJECTORY_WORDS = {
    "status": {"open": "open", "te doen": "open", "nog te doen": "open", "bezig": "open", "lopend": "open",
               "gepland": "open", "nee": "open", "neen": "open", "niet": "open", "gedaan": "done",
               "klaar": "done", "voltooid": "done", "afgewerkt": "done", "afgerond": "done", "ok": "done",
               "ja": "done", "x": "done", "done": "done"},
    "source": {"kloof": "gap", "competentiekloof": "gap", "uitsluiting": "exclusion", "nazorg": "aftercare",
               "manueel": "manual", "coach": "manual", "eigen": "manual", "zelf": "manual"},
    "phase": {"oriëntatie": "orientatie", "pdp": "plan", "doorstroomplan": "plan", "persoonlijk plan": "plan",
              "jobhunten": "jobhunting", "solliciteren": "jobhunting", "zoeken": "jobhunting",
              "afgerond": "afgesloten", "gesloten": "afgesloten", "plaatsing": "geplaatst"},
    "aftercare": {"geen": "zonder", "zonder contact": "zonder", "coaching op de vloer": "coaching",
                  "jobcoaching": "coaching"},
}
_TRAJECTORY_ONLY = {"coach", "engagement_date", "engagementsverklaring", "placement.function", "placement.start",
                    "placement.instrument", "plaatsing functie", "plaatsing start", "nazorg", "phase_since",
                    "fase sinds", "in fase sinds"}
_DATE_HEADERS = {"date", "datum", "sinds", "vanaf"}


def trajectory_kind(heads: set[str]) -> str | None:
    """The trajectory rows a CSV file or a sheet of another name holds, by its (normalised)
    headers: a candidate column with ``actie``/``what`` makes action rows; with a phase and a
    date and no trajectory field, phase rows; with a phase, coach, engagement or placement
    column, trajectory rows; else None (candidate rows, when it has an id column)."""
    if not heads & CANDIDATE_HEADERS:
        return None
    if heads & ACTION_HEADERS:
        return "action"
    if heads & PHASE_HEADERS and heads & _DATE_HEADERS and not heads & _TRAJECTORY_ONLY:
        return "phase"
    if heads & (PHASE_HEADERS | _TRAJECTORY_ONLY):
        return "trajectory"
    return None
