"""A candidate (jobseeker or SEC employee): where they live, what they can and may do."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from matchcore.i18n import _
from matchcore.model.common import (
    Allergen,
    BaseRecord,
    Cefr,
    Day,
    DaysInYear,
    Fraction,
    HourlyWage,
    HoursRange,
    HoursWanted,
    Ident,
    Km,
    Level,
    Location,
    Shift,
    Text,
    TimeWindow,
    Transport,
    looks_like_nrn,
    no_duplicates,
    number,
)

__all__ = ["HOURS_TOLERANCE", "CandidateCompetence", "Employment", "Limits", "Candidate"]

# A function within +-20 % of a candidate's wanted hours (a number) fits (docs/formats.md).
HOURS_TOLERANCE = 0.2


class CandidateCompetence(BaseRecord):
    name: Text
    level: Level = 1
    esco_uri: str | None = None


class Employment(BaseRecord):
    status: Literal[
        "sec_employee", "jobseeker", "employee", "self_employed", "student", "other"
    ] = "jobseeker"
    statute: Literal["maatwerk", "lde", "sociale_werkplaats", "art60", "other"] | None = None
    regime_fraction: Fraction | None = None
    regime_fraction_t3: Fraction | None = None
    # start date of the current job (flexijob: its fraction is the one of quarter T-3 when it
    # started before that quarter; RSZ "no recent work": employed, not a non-working jobseeker)
    since: dt.date | None = None
    # VDAB's advice for collective maatwerk (advies collectief maatwerk): IMW's 55/50/40 % package
    collective_maatwerk_advice: bool | None = None
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
            raise ValueError(_("lists employer {id!r} twice").format(id=twice))
        return value


class Limits(BaseRecord):
    """What a candidate cannot do, as coaches note it; None: not known (never a reason to exclude)."""

    max_lift_kg: Annotated[float, number(0, 200)] | None = None
    standing: bool | None = None
    night_work: bool | None = None
    bending: bool | None = None          # false: cannot bend (bukken) for long
    cold: bool | None = None             # false: cannot work in the cold (koelcel, buiten in de winter)
    allergens: list[Allergen] = Field(default_factory=list)   # allergic to these
    # only available between these times, e.g. because of childcare (kinderopvang): "08:30-15:30"
    childcare_hours: TimeWindow | None = None

    @field_validator("allergens", mode="after")
    @classmethod
    def _unique_allergens(cls, value: list[str]) -> list[str]:
        no_duplicates(value, "allergens", "allergen")
        return value


class Candidate(BaseRecord):
    kind: Literal["candidate"] = "candidate"
    id: Ident
    home: Location
    max_commute_km: Km | None = None
    transport: list[Transport] = Field(default_factory=list)
    driving_licences: list[str] = Field(default_factory=list)
    # a number (a function within +-20 % fits) or a range {min: 19, max: 30}
    hours_per_week: HoursWanted | None = None
    shifts: list[Shift] = Field(default_factory=list)
    days: list[Day] = Field(default_factory=list)   # weekdays the candidate can work; []: any
    dutch_level: Cefr | None = None
    birth_date: dt.date | None = None
    age: Annotated[int, number(15, 80, whole=True)] | None = None
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
        if looks_like_nrn(value, whole=True):
            raise ValueError(_("looks like a national register number; use a pseudonymous id such as 'K-0042'"))
        return value

    @model_validator(mode="after")
    def _checks(self) -> "Candidate":
        no_duplicates([c.name.casefold() for c in self.competences], "competences", "competence")
        if self.birth_date is not None and self.age is not None:
            raise ValueError(_("give birth_date or age, not both"))
        return self

    @property
    def hours_range(self) -> tuple[float, float] | None:
        """The hours a week that fit: the range, or the number +-20 %; None when not given."""
        h = self.hours_per_week
        if h is None:
            return None
        if isinstance(h, HoursRange):
            return h.min, h.max
        return (1 - HOURS_TOLERANCE) * h, (1 + HOURS_TOLERANCE) * h

    @property
    def hours_wanted(self) -> float | None:
        """One number for tables and sorting: the number, or the middle of the range."""
        h = self.hours_per_week
        return (h.min + h.max) / 2 if isinstance(h, HoursRange) else h

    def age_on(self, on: dt.date) -> int | None:
        """Age in whole years on a date; None when neither birth_date nor age is known."""
        if self.birth_date is not None:
            b = self.birth_date
            return on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        return self.age
