"""An employer and its functions (vacancies), with the competences and conditions each asks."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from matchcore.i18n import _
from matchcore.model.common import (
    Allergen,
    BaseRecord,
    Cefr,
    Contact,
    Day,
    DaysInYear,
    Euro,
    HourlyWage,
    Hours,
    Ident,
    Level,
    Location,
    Shift,
    Text,
    TimeWindow,
    no_duplicates,
    number,
)

__all__ = ["FunctionCompetence", "Conditions", "Function", "Employer"]

Headcount = Annotated[int, number(0, 100_000, whole=True)]


class FunctionCompetence(BaseRecord):
    name: Text
    level: Level = 1
    weight: Annotated[float, number(0.1, 10)] = 1.0
    required: bool = False
    esco_uri: str | None = None


class Conditions(BaseRecord):
    driving_licence: str | None = None
    dutch_level: Cefr | None = None
    max_lift_kg: Annotated[float, number(0, 200)] | None = None
    standing: bool | None = None
    own_transport: bool | None = None
    bending: bool | None = None          # true: the work asks much bending (bukken)
    cold: bool | None = None             # true: work in the cold (koelcel, diepvries, buiten)
    allergens: list[Allergen] = Field(default_factory=list)   # what the workplace exposes to

    @field_validator("allergens", mode="after")
    @classmethod
    def _unique_allergens(cls, value: list[str]) -> list[str]:
        no_duplicates(value, "allergens", "allergen")
        return value


class Function(BaseRecord):
    id: Ident
    title: Text
    hours_per_week: Hours
    shifts: list[Shift] = Field(default_factory=list)
    days: list[Day] = Field(default_factory=list)   # weekdays the job needs; []: not said
    # the working hours of a day, e.g. "08:00-12:30"; compared with a candidate's childcare hours
    working_hours: TimeWindow | None = None
    # when the job starts; a candidate available only later is excluded (else the query date)
    start_date: dt.date | None = None
    openings: Annotated[int, number(0, 1000, whole=True)] = 1
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
        no_duplicates([c.name.casefold() for c in self.competences], "competences", "competence")
        return self


class Employer(BaseRecord):
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
    # Workers employed now, and the most employed at the same time in the 12 months before the
    # planned hire; apprentices, domestic staff, occasional (extras) and flexi workers not counted,
    # as the federal first-hire reduction counts them (programmawet 27 Dec 2021). None: unknown.
    workers: Headcount | None = None
    max_workers_last_12_months: Headcount | None = None
    location: Location
    contact: Contact | None = None
    functions: list[Function] = Field(default_factory=list)
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("joint_committee", mode="before")
    @classmethod
    def _pc_as_text(cls, value: Any) -> Any:
        # "302" written without quotes in YAML arrives as an int; 319.01 as a float.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000:
            return str(value)
        if isinstance(value, float) and 0 <= value < 1000:  # also refuses inf and nan
            return f"{value:.2f}"
        return value  # anything else: the field says it must be a text

    @model_validator(mode="after")
    def _unique_functions(self) -> "Employer":
        no_duplicates([f.id for f in self.functions], "functions", "function id")
        return self

    @model_validator(mode="after")
    def _category_agrees_with_non_profit(self) -> "Employer":
        if self.category is None:
            return self
        given = "non_profit" in self.model_fields_set
        if self.category == "non_profit":
            if given and not self.non_profit:
                raise ValueError(_("non_profit: false contradicts category 'non_profit'; "
                                   "leave out non_profit or make the two agree"))
            self.non_profit = True
        elif self.non_profit:
            raise ValueError(_("non_profit: true contradicts category {category!r}; "
                               "use category 'non_profit' or leave out non_profit").format(category=self.category))
        return self

    @model_validator(mode="after")
    def _headcount_within_the_year(self) -> "Employer":
        # today's workers lie within the 12 months before a planned hire, so the year's most is at least them
        if None not in (self.workers, self.max_workers_last_12_months) and \
                self.max_workers_last_12_months < self.workers:
            raise ValueError(_("max_workers_last_12_months ({most}) is below workers "
                               "({workers}); the 12 months include today").format(
                                   most=self.max_workers_last_12_months, workers=self.workers))
        return self

    @property
    def sector_category(self) -> str | None:
        """``category`` if given, else 'non_profit' when ``non_profit`` is true, else None (unknown)."""
        return self.category or ("non_profit" if self.non_profit else None)
