"""Build matchcore/data/vocabulary_competent.json.gz: VDAB Competent competences and Dutch ESCO skills.

Sources (read from a checkout of the shared data, never at run time):

- ``esco-vdab-competent/esco-skills_vdab-competent-3.8_nl-fr.csv``: the official ESCO member-state
  mapping "ESCO - VDAB Competences" (mapping author Nalantis nv, v1.0): ESCO v1.0.3 skills with
  their Dutch preferred label, against VDAB Competent 3.8 competences (Dutch and French labels),
  by skos:exactMatch / closeMatch / broadMatch / narrowMatch;
- ``esco-1.0-nl/{transversal,language,ict}SkillsCollection_nl.csv``: Dutch preferred and
  alternative labels of the ESCO skills in those collections;
- ``esco-1.1.1-en/skills_en.csv``: the English preferred label of each skill (``en``).

ESCO is (c) European Union, reused under CC BY 4.0 (Commission Decision 2011/833/EU); cite
"ESCO (European Commission)" and the mapping author Nalantis nv.

What is built (see ``matchcore/vocabulary/competent.py``, which reads it):

- one concept per Competent competence, id ``competent:<code>`` (``KN-10``), its Dutch label,
  its French label, type ``generic`` for the SO- (soft skill) codes, else ``technical``;
- an ESCO skill mapped by exactMatch or closeMatch is *the same concept*: its Dutch labels
  become synonyms and its URI an ``esco_uri`` of the competence. A skill close to several
  competences joins one of them (exact before close, then the most similar Dutch label by
  rapidfuzz ``token_sort_ratio``, then the smallest code), so no chain of close matches
  merges unrelated competences;
- an ESCO skill mapped only by broadMatch/narrowMatch becomes its own concept ``esco:<uuid>``;
  each broad/narrow pair is kept as a *related* link (``broader``: the ESCO side is broader),
  which the matcher credits partially;
- skills of the Dutch collections that the mapping does not name become ``esco:<uuid>``
  concepts with their Dutch labels.

Run by hand when the sources change:

    python tools/build_competent_vocab.py /work/shared/data
"""
from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path

from matchcore.vocabulary import competent

OUT = competent.BUNDLED_PATH
MAPPING = "esco-vdab-competent/" + competent.MAPPING_NAME
COLLECTIONS = ["transversalSkillsCollection_nl.csv", "languageSkillsCollection_nl.csv",
               "ictSkillsCollection_nl.csv"]


def _lines(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").splitlines() if v.strip()]


def _english(root: Path) -> dict[str, str]:
    path = root / "esco-1.1.1-en" / "skills_en.csv"
    if not path.is_file():
        return {}
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return {r["conceptUri"]: r["preferredLabel"].strip() for r in csv.DictReader(fh)}


def _collections(root: Path) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for name in COLLECTIONS:
        path = root / "esco-1.0-nl" / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for r in csv.DictReader(fh):
                found.setdefault(r["conceptUri"], {
                    "label": r["preferredLabel"].strip(), "alt": _lines(r.get("altLabels")),
                    "generic": r.get("reuseLevel") in {"transversal", "cross-sector"}})
    return found


def build(root: Path) -> dict:
    rows = competent.read_mapping(root / MAPPING)
    return competent.from_mapping(rows, english=_english(root), nl_skills=_collections(root))


def main(argv: list[str]) -> None:
    root = Path(argv[1] if len(argv) > 1 else "/work/shared/data")
    data = build(root)
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    with OUT.open("wb") as fh:   # mtime 0: the same sources give the same bytes
        with gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    print(f"{OUT}: {len(data['concepts'])} concepts, {len(data['related'])} related pairs, "
          f"{OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv)
