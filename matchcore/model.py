"""The records matchcore keeps: employers with functions, candidates and Quick Scans.

The shapes follow ``FORMATS.md`` (the data contract): unknown keys are an error except under
``extra:``. Validation errors are turned into :class:`~matchcore.errors.RecordProblem` lines that
name the file, the record and the field, e.g.::

    profiles/horeca/kaai.yaml: employer brasserie-de-kaai, function afwasser: hours_per_week
    must be a number between 1 and 50, got 'twintig'
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from matchcore.errors import RecordProblem
from matchcore.postcodes import lookup as lookup_postcode

__all__ = [
    "SHIFTS",
    "TRANSPORTS",
    "CEFR_LEVELS",
    "Location",
    "Contact",
    "FunctionCompetence",
    "Conditions",
    "Function",
    "Employer",
    "CandidateCompetence",
    "Employment",
    "Limits",
    "Candidate",
    "Frequency",
    "Role",
    "Task",
    "Scan",
    "RECORD_KINDS",
    "parse_record",
    "task_hours_per_week",
]

SHIFTS = ("day", "early", "late", "evening", "night", "weekend")
TRANSPORTS = ("walk", "bike", "public_transport", "car", "moped")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
WHEN = ("continuous", "morning", "afternoon", "evening", "night", "on_call")
PER = ("shift", "day", "week", "month", "year")
STRAINS = ("heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy")

Shift = Literal["day", "early", "late", "evening", "night", "weekend"]
Transport = Literal["walk", "bike", "public_transport", "car", "moped"]
Cefr = Literal["A1", "A2", "B1", "B2", "C1", "C2"]

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
# Belgian national register number (rijksregisternummer): 11 digits, often as YY.MM.DD-XXX.CC
_NRN_RE = re.compile(r"\d{2}\.?\d{2}\.?\d{2}[-.\s]?\d{3}\.?\d{2}")


def _number(lo: float, hi: float, *, whole: bool = False):
    """A number field with bounds and the message FORMATS.md asks for."""

    def check(value: Any) -> Any:
        kind = "a whole number" if whole else "a number"
        bad = ValueError(f"must be {kind} between {lo:g} and {hi:g}, got {show(value)}")
        if isinstance(value, bool) or value is None:
            raise bad
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                raise bad from None
        if not isinstance(value, (int, float)):
            raise bad
        if whole and float(value) != int(value):
            raise bad
        if not lo <= value <= hi:
            raise bad
        return int(value) if whole else float(value)

    return BeforeValidator(check)


def _ident(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise ValueError(
            "must be an id of letters, digits, '.', '_' or '-' (at most 80), "
            f"starting with a letter or digit, got {show(value)}"
        )
    return value


def _text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a non-empty text, got {show(value)}")
    return " ".join(value.split())


Ident = Annotated[str, BeforeValidator(_ident)]
Text = Annotated[str, BeforeValidator(_text)]
Level = Annotated[int, _number(1, 4, whole=True)]
Hours = Annotated[float, _number(1, 50)]
Km = Annotated[float, _number(0, 500)]
Euro = Annotated[float, _number(0, 100_000)]
Fraction = Annotated[float, _number(0, 1)]
HourlyWage = Annotated[float, _number(0, 500)]
DaysInYear = Annotated[int, _number(0, 366, whole=True)]

WORKER_TYPES = ("manual", "white_collar")
EMPLOYER_CATEGORIES = ("private", "non_profit", "public")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=True)


class Location(_Record):
    postcode: str
    municipality: str | None = None
    lat: Annotated[float, _number(-90, 90)] | None = None
    lon: Annotated[float, _number(-180, 180)] | None = None
    region: str | None = None

    @field_validator("postcode", mode="before")
    @classmethod
    def _known_postcode(cls, value: Any) -> str:
        code = str(value).strip() if value is not None else ""
        if lookup_postcode(code) is None:
            raise ValueError(f"must be a Belgian postcode (4 digits, e.g. '9000'), got {show(value)}")
        return code

    @model_validator(mode="after")
    def _fill_from_postcode(self) -> "Location":
        entry = lookup_postcode(self.postcode)
        if self.municipality is None:
            self.municipality = entry.municipality
        if self.lat is None or self.lon is None:
            self.lat, self.lon = entry.lat, entry.lon
        if self.region is None:
            self.region = entry.region
        return self


class Contact(_Record):
    name: str | None = None
    phone: str | None = None
    email: str | None = None
    role: str | None = None


class FunctionCompetence(_Record):
    name: Text
    level: Level = 1
    weight: Annotated[float, _number(0.1, 10)] = 1.0
    required: bool = False
    esco_uri: str | None = None


class Conditions(_Record):
    driving_licence: str | None = None
    dutch_level: Cefr | None = None
    max_lift_kg: Annotated[float, _number(0, 200)] | None = None
    standing: bool | None = None
    own_transport: bool | None = None


class Function(_Record):
    id: Ident
    title: Text
    hours_per_week: Hours
    shifts: list[Shift] = Field(default_factory=list)
    openings: Annotated[int, _number(0, 1000, whole=True)] = 1
    visible: bool = True
    hourly_wage_eur: HourlyWage | None = None
    # arbeider (manual) or bediende (white-collar): gelegenheidswerk adds 8 % to a manual worker's base
    worker_type: Literal["manual", "white_collar"] | None = None
    # the agreed monthly price (excl. VAT) when the SEC organisation does the work as a subcontractor
    subcontract_price_month_eur: Euro | None = None
    description: str | None = None
    competences: list[FunctionCompetence] = Field(default_factory=list)
    conditions: Conditions = Field(default_factory=Conditions)
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _unique_competences(self) -> "Function":
        _no_duplicates([c.name.casefold() for c in self.competences], "competences", "competence")
        return self


class Employer(_Record):
    kind: Literal["employer"] = "employer"
    id: Ident
    name: Text
    sector: Text
    joint_committee: str | None = None
    non_profit: bool = False
    # private (profit), non_profit (private non-profit, vzw) or public; None: not given. With
    # category non_profit, non_profit becomes true; a non_profit that disagrees is an error.
    category: Literal["private", "non_profit", "public"] | None = None
    # days this calendar year the employer already used extras (gelegenheidswerk, employer quota)
    occasional_days_used_this_year: DaysInYear | None = None
    location: Location
    contact: Contact | None = None
    functions: list[Function] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("joint_committee", mode="before")
    @classmethod
    def _pc_as_text(cls, value: Any) -> Any:
        # "302" written without quotes in YAML arrives as an int; 319.01 as a float.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value:g}" if isinstance(value, int) else f"{value:.2f}"
        return value

    @model_validator(mode="after")
    def _unique_functions(self) -> "Employer":
        _no_duplicates([f.id for f in self.functions], "functions", "function id")
        return self

    @model_validator(mode="after")
    def _category_agrees_with_non_profit(self) -> "Employer":
        if self.category is None:
            return self
        given = "non_profit" in self.model_fields_set
        if self.category == "non_profit":
            if given and not self.non_profit:
                raise ValueError("non_profit: false contradicts category 'non_profit'; "
                                 "leave out non_profit or make the two agree")
            self.non_profit = True
        elif self.non_profit:
            raise ValueError(f"non_profit: true contradicts category {self.category!r}; "
                             "use category 'non_profit' or leave out non_profit")
        return self

    @property
    def sector_category(self) -> str | None:
        """``category`` if given, else 'non_profit' when ``non_profit`` is true, else None (unknown)."""
        return self.category or ("non_profit" if self.non_profit else None)


class CandidateCompetence(_Record):
    name: Text
    level: Level = 1
    esco_uri: str | None = None


class Employment(_Record):
    status: Literal[
        "sec_employee", "jobseeker", "employee", "self_employed", "student", "other"
    ] = "jobseeker"
    statute: Literal["maatwerk", "lde", "sociale_werkplaats", "art60", "other"] | None = None
    regime_fraction: Fraction | None = None
    regime_fraction_t3: Fraction | None = None
    employer_joint_committee: str | None = None
    unemployment_benefit: bool | None = None
    jobseeker_since: dt.date | None = None
    vop_indication: bool | None = None
    support_need: Literal["low", "medium", "high"] | None = None
    occasional_days_this_year: DaysInYear | None = None
    # gross hourly wage in the current job (the SEC wage, for TBS)
    current_hourly_wage_eur: HourlyWage | None = None
    pensioner: bool | None = None
    # a sickness or invalidity benefit (RIZIV / ziekte- of invaliditeitsuitkering)
    sickness_benefit: bool | None = None
    # ids of employers the candidate worked for before (an IBO is not possible there)
    previous_employers: list[Ident] = Field(default_factory=list)

    @field_validator("previous_employers", mode="after")
    @classmethod
    def _unique_previous_employers(cls, value: list[str]) -> list[str]:
        twice = next((v for i, v in enumerate(value) if v in value[:i]), None)
        if twice is not None:
            raise ValueError(f"lists employer {twice!r} twice")
        return value


class Limits(_Record):
    max_lift_kg: Annotated[float, _number(0, 200)] | None = None
    standing: bool | None = None
    night_work: bool | None = None


class Candidate(_Record):
    kind: Literal["candidate"] = "candidate"
    id: Ident
    home: Location
    max_commute_km: Km | None = None
    transport: list[Transport] = Field(default_factory=list)
    driving_licences: list[str] = Field(default_factory=list)
    hours_per_week: Hours | None = None
    shifts: list[Shift] = Field(default_factory=list)
    dutch_level: Cefr | None = None
    birth_date: dt.date | None = None
    age: Annotated[int, _number(15, 80, whole=True)] | None = None
    education: Literal["low", "medium", "high"] | None = None
    employment: Employment = Field(default_factory=Employment)
    limits: Limits = Field(default_factory=Limits)
    available_from: dt.date | None = None
    job_targets: list[Text] = Field(default_factory=list)
    competences: list[CandidateCompetence] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("id", mode="after")
    @classmethod
    def _pseudonymous(cls, value: str) -> str:
        if _NRN_RE.fullmatch(value) or re.fullmatch(r"\d{11}", value):
            raise ValueError(
                "looks like a national register number; use a pseudonymous id such as 'K-0042'"
            )
        return value

    @model_validator(mode="after")
    def _checks(self) -> "Candidate":
        _no_duplicates([c.name.casefold() for c in self.competences], "competences", "competence")
        if self.birth_date is not None and self.age is not None:
            raise ValueError("give birth_date or age, not both")
        return self

    def age_on(self, on: dt.date) -> int | None:
        """Age in whole years on a date; None when neither birth_date nor age is known."""
        if self.birth_date is not None:
            b = self.birth_date
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        return self.age


class Frequency(_Record):
    times: Annotated[float, _number(0.01, 10_000)]
    per: Literal["shift", "day", "week", "month", "year"]


class Role(_Record):
    id: Ident
    title: Text
    hourly_cost_eur: Annotated[float, _number(0, 500)] | None = None
    headcount: Annotated[int, _number(0, 100_000, whole=True)] | None = None


class Task(_Record):
    id: Ident
    description: Text
    role: Ident
    frequency: Frequency | None = None
    minutes: Annotated[float, _number(0.1, 1440)] | None = None
    hours_per_week: Annotated[float, _number(0.01, 10_000)] | None = None
    days_per_week: Annotated[float, _number(0.1, 7)] = 5.0
    complexity: Annotated[int, _number(1, 5, whole=True)] = 1
    core: bool = False
    safety_critical: bool = False
    competences: list[Text] = Field(default_factory=list)
    zone: str | None = None
    when: Literal["continuous", "morning", "afternoon", "evening", "night", "on_call"] = "continuous"
    strain: list[Literal["heavy", "dirty", "isolated", "repetitive", "outdoor", "noisy"]] = Field(
        default_factory=list
    )
    notes: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _volume(self) -> "Task":
        by_frequency = self.frequency is not None or self.minutes is not None
        if self.hours_per_week is not None and by_frequency:
            raise ValueError("give hours_per_week or frequency with minutes, not both")
        if self.hours_per_week is None:
            if self.frequency is None or self.minutes is None:
                raise ValueError("give frequency and minutes, or hours_per_week")
        return self


class Scan(_Record):
    kind: Literal["scan"] = "scan"
    id: Ident
    employer: Ident
    date: dt.date
    consultant: str | None = None
    full_time_hours: Annotated[float, _number(10, 50)] = 38.0
    shifts_per_day: Annotated[int, _number(1, 4, whole=True)] = 1
    carved_hourly_cost_eur: Annotated[float, _number(0, 500)] | None = None
    roles: list[Role] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    notes: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _references(self) -> "Scan":
        _no_duplicates([r.id for r in self.roles], "roles", "role id")
        _no_duplicates([t.id for t in self.tasks], "tasks", "task id")
        known = {r.id for r in self.roles}
        for task in self.tasks:
            if task.role not in known:
                raise ValueError(
                    f"task {task.id}: role {task.role!r} is not one of the scan's roles "
                    f"({', '.join(sorted(known)) or 'none declared'})"
                )
        return self

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)


def task_hours_per_week(task: Task, shifts_per_day: int = 1) -> float:
    """Hours a week a task takes: given directly, or frequency x minutes (x days a week).

    ``per: shift`` counts ``shifts_per_day`` shifts on each working day; a month is 52/12 weeks.
    """
    if task.hours_per_week is not None:
        return task.hours_per_week
    assert task.frequency is not None and task.minutes is not None
    per_week = {
        "shift": task.days_per_week * shifts_per_day,
        "day": task.days_per_week,
        "week": 1.0,
        "month": 12.0 / 52.0,
        "year": 1.0 / 52.0,
    }[task.frequency.per]
    return task.frequency.times * per_week * task.minutes / 60.0


def _no_duplicates(values: list[str], field: str, what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{field}: {what} {v!r} appears twice")
        seen.add(v)


RECORD_KINDS: dict[str, type[_Record]] = {
    "employer": Employer,
    "candidate": Candidate,
    "scan": Scan,
}
Record = Union[Employer, Candidate, Scan]

# Lists whose items are named by a key in messages ("function afwasser" rather than "functions.3").
_ITEM_NAMES = {"functions": ("function", "id"), "tasks": ("task", "id"), "roles": ("role", "id"),
               "competences": ("competence", "name")}


def _where(raw: Any, loc: tuple) -> tuple[str, str]:
    """Turn a pydantic error location into ('function afwasser', 'hours_per_week')."""
    items: list[str] = []
    fields: list[str] = []
    node = raw
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if isinstance(part, str) and part in _ITEM_NAMES and isinstance(nxt, int):
            label, key = _ITEM_NAMES[part]
            item = node.get(part)[nxt] if isinstance(node, dict) and isinstance(node.get(part), list) and nxt < len(node.get(part)) else None
            if isinstance(item, dict) and item.get(key) is not None:
                name = item.get(key)
            elif isinstance(item, str):
                name = item
            else:
                name = f"#{nxt + 1}"
            items.append(f"{label} {name}")
            fields = []
            node = item
            i += 2
            continue
        if isinstance(part, str) and part.startswith("function-"):
            i += 1  # pydantic's name for a validator step; not a field
            continue
        fields.append(f"[{part + 1}]" if isinstance(part, int) else str(part))
        node = node.get(part) if isinstance(node, dict) and isinstance(part, str) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None
        )
        i += 1
    field = ".".join(fields).replace(".[", "[")
    return ", ".join(items), field


def _message(err: dict, model_cls: type[_Record], loc: tuple) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return f"unknown field{_did_you_mean(loc, model_cls)}; put free additions under 'extra:'"
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind in ("literal_error", "enum"):
        return f"must be one of {err['ctx']['expected']}, got {show(value)}"
    if kind.startswith("date"):
        return f"must be a date written YYYY-MM-DD, got {show(value)}"
    if kind.startswith("bool"):
        return f"must be true or false, got {show(value)}"
    if kind in ("list_type",):
        return f"must be a list, got {show(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of fields, got {show(value)}"
    if kind.startswith("string") or kind == "str_type":
        return f"must be a text, got {show(value)}"
    return f"{err['msg']}, got {show(value)}"


def _did_you_mean(loc: tuple, model_cls: type[_Record]) -> str:
    """Suggest the closest known field name for a misspelt key."""
    from rapidfuzz import process

    names = _fields_at(model_cls, loc[:-1])
    if not names or not isinstance(loc[-1], str):
        return ""
    hit = process.extractOne(loc[-1], names, score_cutoff=70)
    return f" (did you mean {hit[0]!r}?)" if hit else ""


def _fields_at(model_cls: type[BaseModel], loc: tuple) -> list[str]:
    import typing

    current: Any = model_cls
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        ann = field.annotation
        # unwrap list[X], X | None
        for _ in range(3):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            if args:
                ann = args[0]
        current = ann
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def record_label(kind: str, raw: Any) -> str:
    rid = raw.get("id") if isinstance(raw, dict) else None
    if rid is not None and (_NRN_RE.search(str(rid)) or re.search(r"\d{11}", str(rid))):
        rid = "<id withheld>"  # never echo what may be a national register number
    return f"{kind} {rid}" if rid is not None else f"{kind} (no id)"


def show(value: Any) -> str:
    """A value as messages quote it: strings in double quotes, other values as written."""
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return repr(value)


def parse_record(raw: Any, *, file: str | None = None, index: int | None = None):
    """Validate one raw mapping into a record; return (record, problems).

    ``kind`` selects the record type. On failure the record is None and ``problems`` names
    file, record and field for every problem found.
    """
    where_file = file if index is None or file is None else f"{file}[{index + 1}]"
    if not isinstance(raw, dict):
        return None, [RecordProblem(where_file, None, None,
                                    f"each record must be a mapping with a 'kind', got {type(raw).__name__}")]
    kind = raw.get("kind")
    cls = RECORD_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return None, [RecordProblem(where_file, record_label("record", raw), "kind",
                                    f"must be one of {', '.join(sorted(RECORD_KINDS))}, got {kind!r}")]
    try:
        return cls.model_validate(raw), []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            items, field = _where(raw, loc)
            record = record_label(kind, raw) + (f", {items}" if items else "")
            problems.append(RecordProblem(where_file, record, field or None, _message(err, cls, loc)))
        return None, problems
