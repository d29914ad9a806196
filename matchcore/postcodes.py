"""Belgian postcodes: municipality, region and position, from a bundled table.

The table ``data/postcodes_be.csv`` was derived once from GeoNames (CC BY 4.0) by
``tools/build_postcodes.py``; nothing is fetched at run time.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["Postcode", "lookup", "all_postcodes", "haversine_km"]

_TABLE = Path(__file__).with_name("data") / "postcodes_be.csv"


@dataclass(frozen=True)
class Postcode:
    postcode: str
    municipality: str
    localities: tuple[str, ...]
    region: str  # flanders | brussels | wallonia
    lat: float
    lon: float


@lru_cache(maxsize=1)
def all_postcodes() -> dict[str, Postcode]:
    with _TABLE.open(encoding="utf-8") as fh:
        return {
            row["postcode"]: Postcode(
                row["postcode"],
                row["municipality"],
                tuple(row["localities"].split("|")),
                row["region"],
                float(row["lat"]),
                float(row["lon"]),
            )
            for row in csv.DictReader(fh)
        }


def lookup(postcode: str) -> Postcode | None:
    """Return the entry for a Belgian postcode, or None when it is not a known postcode."""
    return all_postcodes().get(str(postcode).strip())


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points (scalar version)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
