"""What steers a carving (:class:`CarveOptions`), its defaults and how each value is checked."""
from __future__ import annotations

import math
from dataclasses import dataclass, fields, replace
from typing import Any

from matchcore.errors import CarvingError, did_you_mean
from matchcore.model import Scan

__all__ = [
    "DEFAULT_CARVED_HOURLY_COST_EUR",
    "DEFAULT_MAX_COMPLEXITY",
    "PART_TIME_MINIMUM",
    "WEEKS_PER_YEAR",
    "CarveOptions",
]

# Belgium's part-time minimum: a part-time working week is at least one third of full time
# (art. 11bis, wet van 3 juli 1978 betreffende de arbeidsovereenkomsten).
PART_TIME_MINIMUM = 1 / 3
# Weeks actually worked in a year: 52 - 4 (20 days statutory holiday) - 2 (10 public holidays).
WEEKS_PER_YEAR = 46.0
# Employer cost of an hour worked in a simple carved function when neither the scan nor the
# options give one: about 15 EUR/h gross x 1.65 (employer social security, holiday pay, end-of-year
# premium, paid holidays). An estimate; override per scan (carved_hourly_cost_eur) or option.
DEFAULT_CARVED_HOURLY_COST_EUR = 25.0   # ~ 15 EUR/h gross x GROSS_TO_EMPLOYER_COST (1.65)
DEFAULT_MAX_COMPLEXITY = 2


@dataclass(frozen=True)
class CarveOptions:
    """What steers the carving. ``None`` means: take it from the scan (or its default).

    Options may also be stored with the scan under ``extra: {carving: {...}}`` (same names), and
    ``extra.carving.titles`` maps a task id to the title of the function that holds it.
    """

    max_complexity: int = DEFAULT_MAX_COMPLEXITY
    min_hours: float | None = None          # default full_time_hours / 3
    full_time_hours: float | None = None    # default scan.full_time_hours
    exclude_roles: tuple[str, ...] = ()
    exclude_zones: tuple[str, ...] = ()
    allow_safety_critical: bool = False
    carved_hourly_cost_eur: float | None = None
    weeks_per_year: float = WEEKS_PER_YEAR
    resolution: float = 0.3   # Louvain: lower = broader functions, higher = narrower
    neighbours: int = 15
    seed: int = 0
    top_candidates: int = 5
    # how a function's hours are split over positions (bundles.positions): equal | full_time_first
    positions: str = "equal"
    # candidates below this score are not proposed (carving/candidates.py MIN_CANDIDATE_SCORE)
    min_candidate_score: float = 0.3
    # titles given with --title: (task id or function id, title) pairs
    titles: tuple[tuple[str, str], ...] = ()

    @classmethod
    def for_scan(cls, scan: Scan, **overrides: Any) -> CarveOptions:
        """The scan's stored options (``extra.carving``) with ``overrides`` (None ignored) on top."""
        stored = dict((scan.extra or {}).get("carving") or {})
        stored.pop("titles", None)
        names = sorted(f.name for f in fields(CarveOptions))
        for key in stored:
            if key not in names:
                raise CarvingError(f"scan {scan.id}: extra.carving.{key} is not a carving option"
                                   + did_you_mean(key, names))
        values = {**stored, **{k: v for k, v in overrides.items() if v is not None}}
        for key in ("exclude_roles", "exclude_zones"):
            if isinstance(values.get(key), str):
                values[key] = (values[key],)  # one role written without a list
            elif key in values:
                values[key] = tuple(values[key])
        return cls(**values).resolved(scan)

    def resolved(self, scan: Scan) -> CarveOptions:
        """Fill the scan-dependent defaults and check every value."""
        full = self.full_time_hours if self.full_time_hours is not None else scan.full_time_hours
        _check("full_time_hours", full, "a number from 10 to 50", 10 <= _num(full) <= 50)
        minimum = self.min_hours if self.min_hours is not None else full * PART_TIME_MINIMUM
        _check("min_hours", minimum, f"a number from 0 to {full:g} (full time)", 0 <= _num(minimum) <= full)
        _check("max_complexity", self.max_complexity, "a whole number from 1 to 5",
               isinstance(self.max_complexity, int) and 1 <= self.max_complexity <= 5)
        _check("weeks_per_year", self.weeks_per_year, "a number from 1 to 52", 1 <= _num(self.weeks_per_year) <= 52)
        _check("resolution", self.resolution, "a number above 0", _num(self.resolution) > 0)
        _check("neighbours", self.neighbours, "a whole number of at least 1",
               isinstance(self.neighbours, int) and self.neighbours >= 1)
        _check("min_candidate_score", self.min_candidate_score, "a number from 0 to 1",
               0 <= _num(self.min_candidate_score) <= 1)
        _check("positions", self.positions, "'equal' or 'full_time_first'",
               self.positions in ("equal", "full_time_first"))
        cost = self.carved_hourly_cost_eur
        _check("carved_hourly_cost_eur", cost, "a number from 0 to 500", cost is None or 0 <= _num(cost) <= 500)
        roles = {r.id for r in scan.roles}
        for role in self.exclude_roles:
            if role not in roles:
                raise CarvingError(f"The 'exclude_roles' parameter of carve must name roles of scan "
                                   f"{scan.id} ({', '.join(sorted(roles))}). Got {role!r} instead.")
        return replace(self, full_time_hours=float(full), min_hours=float(minimum))


def _num(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else math.nan


def _check(name: str, value: Any, expected: str, ok: bool) -> None:
    if not ok:
        raise CarvingError(f"The '{name}' parameter of carve must be {expected}. Got {value!r} instead.")
