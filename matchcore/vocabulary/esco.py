"""Importing the ESCO portal CSV export into the vocabulary and the store.

ESCO (European Skills, Competences, Qualifications and Occupations, European Commission) is
published as CSV files per language: ``skills_xx.csv``, ``occupations_xx.csv`` and
``occupationSkillRelations_xx.csv`` (in v1.1.1 the relations file has no language suffix:
``occupationSkillRelations.csv``). Multi-line fields (alternative labels) are RFC 4180 quoted.

Skills become vocabulary concepts (id ``esco:<uuid>``; a starter concept that names the same
``esco_uri``, or the bundled Competent/Dutch ESCO concept of that URI
(:mod:`matchcore.vocabulary.competent`), gets the ESCO labels instead of a twin); occupations
become reference function profiles of the employer ``esco``: essential skills are required,
optional ones are not. With ``mapping`` (the ESCO - VDAB Competences CSV), its Competent
competences are stored first, as the bundled file would give them, and skills link to them.
"""
from __future__ import annotations

import csv
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matchcore.errors import EscoError
from matchcore.model import Employer
from matchcore.vocabulary import competent
from matchcore.vocabulary.concepts import Concept, bundled_vocabulary, load_starter, seed_starter
from matchcore.vocabulary.storage import write_concepts, write_labels, write_related

__all__ = ["ESCO_EMPLOYER", "find_files", "import_esco"]

ESCO_EMPLOYER = "esco"
ESCO_POSTCODE = "1000"  # the European Commission's city; reference profiles have no workplace
FULL_TIME_HOURS = 38.0
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_GENERIC_REUSE = {"transversal", "cross-sector"}


def _lines(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").splitlines() if v.strip()]


def _read(path: Path, needed: set[str]) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise EscoError(f"{path}: missing column(s) {', '.join(sorted(missing))}; "
                            "expected the ESCO portal CSV export")
        return list(reader)


def find_files(directory: Path, language: str | None = None) -> dict[str, Any]:
    """Locate the skills, occupations and relations files of one language in ``directory``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise EscoError(f"{directory}: no such folder; give the folder of the unpacked ESCO CSV files")
    skills = {p.stem.split("_", 1)[1]: p for p in directory.glob("skills_*.csv")}
    if not skills:
        raise EscoError(f"{directory}: no skills_xx.csv file; give the folder of the unpacked "
                        "ESCO CSV files (skills_en.csv, occupations_en.csv, ...)")
    if language is None:
        if len(skills) > 1:
            raise EscoError(f"{directory}: skills files in several languages "
                            f"({', '.join(sorted(skills))}); choose one with --language")
        language = next(iter(skills))
    if language not in skills:
        raise EscoError(f"{directory}: no skills_{language}.csv (found: "
                        f"{', '.join(sorted(skills))})")
    occupations = directory / f"occupations_{language}.csv"
    relations = [directory / f"occupationSkillRelations_{language}.csv",
                 directory / "occupationSkillRelations.csv"]
    relations = [p for p in relations if p.is_file()]
    if not occupations.is_file() or not relations:
        raise EscoError(f"{directory}: needs occupations_{language}.csv and "
                        f"occupationSkillRelations[_{language}].csv beside skills_{language}.csv")
    return {"language": language, "skills": skills[language], "occupations": occupations,
            "relations": relations[0]}


def _title_files(directory: Path, labels, title_language: str) -> list[Path]:
    """Extra occupation label files: given ones, else sibling folders with occupations_<lang>.csv."""
    if labels is not None:
        out = []
        for p in map(Path, labels):
            f = p / f"occupations_{title_language}.csv" if p.is_dir() else p
            if not f.is_file():
                raise EscoError(f"{p}: no occupations_{title_language}.csv there")
            out.append(f)
        return out
    siblings = sorted(directory.resolve().parent.glob(f"*/occupations_{title_language}.csv"),
                      key=lambda f: f.parent.name, reverse=True)  # newest version first
    return [f for f in siblings if f.parent.resolve() != directory.resolve()]


def import_esco(store, directory, *, language: str | None = None, labels=None,
                title_language: str = "nl", employer: str = ESCO_EMPLOYER, mapping=None,
                progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Import an ESCO CSV export into the store.

    Parameters
    ----------
    store : matchcore.store.db.Store
    directory : str or Path
        Folder with ``skills_xx.csv``, ``occupations_xx.csv`` and the relations file.
    language : str, optional
        Which language's files, when the folder holds several.
    labels : list of paths, optional
        Folders (or files) with ``occupations_<title_language>.csv`` whose labels become the
        function titles; by default sibling folders of ``directory`` holding such a file,
        newest version first (``esco-1.2-nl-occupations`` before ``esco-1.0-nl``).
    title_language : str, default "nl"
    employer : str, default "esco"
        The employer id the occupations are stored under.
    mapping : str or Path, optional
        The ESCO - VDAB Competences mapping CSV (``esco-skills_vdab-competent-3.8_nl-fr.csv``):
        its competences are stored as concepts (with their related pairs) and ESCO skills it
        maps exactly or closely join them. Without it the bundled copy of that mapping links.
    progress : callable, optional
        Called with one line of text per step.

    Returns
    -------
    dict
        Counts: skills, labels, linked (starter concepts that got ESCO labels), occupations,
        relations, titled (occupations with a label in ``title_language``), skipped, seconds.

    Raises
    ------
    EscoError
        A file or column is missing.
    """
    say = progress or (lambda line: None)
    t0 = time.perf_counter()
    directory = Path(directory)
    files = find_files(directory, language)
    lang = files["language"]
    skills = _read(files["skills"], {"conceptUri", "preferredLabel", "altLabels"})
    occupations = _read(files["occupations"], {"conceptUri", "preferredLabel", "code"})
    relations = _read(files["relations"], {"occupationUri", "relationType", "skillUri"})
    say(f"read {len(skills)} skills, {len(occupations)} occupations, {len(relations)} relations")

    titles: dict[str, tuple[str, list[str]]] = {}
    for f in _title_files(directory, labels, title_language):
        for row in _read(f, {"conceptUri", "preferredLabel"}):
            titles.setdefault(row["conceptUri"], (row["preferredLabel"], _lines(row.get("altLabels"))))
        say(f"occupation titles from {f}")

    seed_starter(store)  # so starter concepts naming an ESCO URI receive its labels
    linked = dict(store.db.execute(
        "select esco_uri, id from vocab_concepts where esco_uri is not null and source != 'esco'"
    ).fetchall())
    bundle = bundled_vocabulary()
    if mapping is not None:
        bundle = competent.join(competent.from_mapping(competent.read_mapping(mapping)),
                                *load_starter())
        say(f"read {len(bundle.concepts)} Competent/ESCO concepts from {mapping}")
    for uri, cid in bundle.uris.items():
        linked.setdefault(uri, cid)
    concepts, label_rows, skill_label = [], [], {}
    for s in skills:
        uri = s["conceptUri"]
        pref = s["preferredLabel"].strip()
        skill_label[uri] = pref
        cid = linked.get(uri) or "esco:" + uri.rstrip("/").rsplit("/", 1)[-1]
        if uri not in linked:
            ctype = "generic" if s.get("reuseLevel") in _GENERIC_REUSE else "technical"
            concepts.append(Concept(cid, pref, ctype, (), pref if lang == "en" else None, uri,
                                    "esco", (s.get("description") or "").strip()[:300] or None))
        label_rows.append((cid, pref, "esco_pref", lang))
        label_rows += [(cid, a, "esco_alt", lang) for a in _lines(s.get("altLabels"))]
        label_rows += [(cid, a, "esco_hidden", lang) for a in _lines(s.get("hiddenLabels"))]

    by_occupation: dict[str, dict[str, bool]] = {}
    for r in relations:
        if r["skillUri"] not in skill_label:
            continue
        need = by_occupation.setdefault(r["occupationUri"], {})
        need[r["skillUri"]] = need.get(r["skillUri"], False) or r["relationType"] == "essential"

    functions, used_ids, skipped = [], set(), 0
    known = {o["conceptUri"] for o in occupations}
    skipped = sum(1 for uri in by_occupation if uri not in known)
    for o in sorted(occupations, key=lambda o: (o["code"], o["conceptUri"])):
        uri = o["conceptUri"]
        fid = o["code"].strip()
        if not _ID_RE.match(fid) or fid in used_ids:
            fid = uri.rstrip("/").rsplit("/", 1)[-1]
        used_ids.add(fid)
        title, alt = titles.get(uri, (o["preferredLabel"], []))
        comps, seen = [], set()
        for skill_uri, essential in sorted(by_occupation.get(uri, {}).items(),
                                           key=lambda kv: (not kv[1], skill_label[kv[0]])):
            name = skill_label[skill_uri]
            if name.casefold() in seen:
                continue
            seen.add(name.casefold())
            comps.append({"name": name, "required": essential, "esco_uri": skill_uri})
        functions.append({
            "id": fid, "title": title, "hours_per_week": FULL_TIME_HOURS, "openings": 0,
            "visible": False, "competences": comps,
            "extra": {"reference": True, "esco_uri": uri, "isco_group": o.get("iscoGroup"),
                      "label": o["preferredLabel"], "alt_titles": alt[:20]},
        })
    record = Employer.model_validate({
        "id": employer, "name": "ESCO occupations (reference profiles)", "sector": "esco",
        "location": {"postcode": ESCO_POSTCODE}, "functions": functions,
        "extra": {"reference": True, "source": str(directory), "language": lang},
    })
    by_id = {c.id: c for c in bundle.concepts}
    if mapping is not None:          # the whole mapping goes into the store
        concepts = list(bundle.concepts) + concepts
        label_rows = list(bundle.labels) + label_rows
    else:                            # only the bundled concepts that ESCO labels now name
        concepts = sorted({by_id[r[0]] for r in label_rows if r[0] in by_id},
                          key=lambda c: c.id) + concepts
    with store.transaction():
        write_concepts(store.db, concepts)
        n_labels = write_labels(store.db, label_rows)
        if mapping is not None:
            write_related(store, bundle.related)
        store.upsert([record])
    seconds = time.perf_counter() - t0
    say(f"stored {len(concepts)} new concepts, {n_labels} labels, {len(functions)} reference "
        f"profiles in {seconds:.1f} s")
    new = sum(1 for c in concepts if c.source == "esco")
    return {"language": lang, "skills": len(skills), "concepts": new,
            "linked": len(skills) - new, "labels": n_labels,
            "occupations": len(functions),
            "relations": sum(len(f["competences"]) for f in functions),
            "titled": sum(1 for o in occupations if o["conceptUri"] in titles),
            "skipped_occupations": skipped, "seconds": round(seconds, 2)}
