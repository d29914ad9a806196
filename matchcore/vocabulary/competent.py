"""The bundled Dutch vocabulary at scale: VDAB Competent competences and Dutch ESCO skills.

``matchcore/data/vocabulary_competent.json.gz`` is built by ``tools/build_competent_vocab.py``
from the official ESCO member-state mapping "ESCO - VDAB Competences" (ESCO (European
Commission), CC BY 4.0; mapping author Nalantis nv). It holds 7,963 Competent competences
(``competent:KN-10``, Dutch and French labels) and 1,972 ESCO skills without an exact or close
competence (``esco:<uuid>``, Dutch labels), each with its ESCO URIs, and the mapping's
broad/narrow (and second close) links as *related* pairs.

:func:`bundled` joins it to the hand-made starter concepts: a bundled concept whose ESCO URI or
one of whose labels is a starter concept's becomes part of that starter concept (its labels are
added, no twin is made). Related pairs earn partial credit in matching
(:data:`RELATED_CREDIT`); they never make two concepts one.

Examples
--------
>>> from matchcore.vocabulary.concepts import load_starter
>>> b = bundled(*load_starter())                                # doctest: +SKIP
>>> b.concepts[0].id, len(b.related)                            # doctest: +SKIP
('competent:KN-10', 8123)
"""
from __future__ import annotations

import csv
import functools
import gzip
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

from matchcore.errors import EscoError, VocabularyError
from matchcore.vocabulary.dutch import fold, key, normal_key
from matchcore.vocabulary.resolution import PRIORITY

__all__ = ["BUNDLED_PATH", "RELATED_CREDIT", "SOURCE", "Bundle", "bundled", "bundled_digest",
           "from_mapping", "index", "join", "read_mapping"]

BUNDLED_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary_competent.json.gz"
SOURCE = "competent"

RELATED_CREDIT = 0.5
"""The similarity a related concept (broader, narrower, or the second close match of an ESCO
skill) stands for: holding one gives the other ``text_credit x 0.5`` of a full match. A design
choice (half a match), not a measured figure: a narrower competence shows part of the broader
one, and the mapping does not say how much."""


@dataclass(frozen=True)
class Bundle:
    """The bundled concepts after joining them to the starter concepts.

    ``concepts`` and ``labels`` (concept_id, label, kind, lang) are the ones to add;
    ``rows`` the same labels as (concept_id, label, folded, key, normal key), one per concept
    and folded text, best kind first, then by concept and folded text (the order a store
    reads its labels in); ``uris`` maps every bundled ESCO URI to its concept; ``related``
    maps a concept id to the (other id, relation) pairs, both directions; ``joined`` maps a
    bundled id that went into a starter concept to that concept's id."""

    concepts: tuple
    labels: tuple
    uris: dict
    related: dict
    joined: dict
    rows: tuple = ()


@functools.lru_cache(maxsize=4)
def _read(path: str, stamp: float) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, ValueError) as e:
        raise VocabularyError(f"{path}: not a readable bundled vocabulary ({e}); rebuild it "
                              "with tools/build_competent_vocab.py") from None
    if data.get("format") != 1 or not isinstance(data.get("concepts"), list):
        raise VocabularyError(f"{path}: unknown bundled vocabulary format; rebuild it with "
                              "tools/build_competent_vocab.py")
    return data


def bundled_digest(path: Path | None = None) -> str:
    """A short digest of the bundled file ('' when there is none)."""
    path = Path(path or BUNDLED_PATH)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else ""


def bundled(starter_concepts, starter_labels, path: Path | None = None) -> Bundle:
    """The bundled vocabulary joined to ``starter_concepts`` and their ``starter_labels``
    (as :func:`~matchcore.vocabulary.concepts.load_starter` returns them). Cached per file
    and starter: the first call reads, joins and folds (see docs/matching.md for the time),
    later ones are free."""
    path = Path(path or BUNDLED_PATH)
    if not path.is_file():
        return Bundle((), (), {}, {}, {}, ())
    return _join(str(path), path.stat().st_mtime, tuple(starter_concepts), tuple(starter_labels))


@functools.lru_cache(maxsize=4)
def _join(path: str, stamp: float, starter_concepts: tuple, starter_labels: tuple) -> Bundle:
    return join(_read(path, stamp), starter_concepts, starter_labels)


def join(data: dict, starter_concepts, starter_labels) -> Bundle:
    """The concepts of a bundled-file document ``data`` joined to the starter concepts."""
    from matchcore.vocabulary.concepts import Concept  # start-up: concepts imports this module

    by_uri = {c.esco_uri: c.id for c in starter_concepts if c.esco_uri}
    by_label: dict[str, str] = {}
    for cid, label, _kind, _lang in starter_labels:
        by_label.setdefault(fold(label), cid)
    concepts, labels, uris, joined = [], [], {}, {}
    for cid, label, ctype, esco_uris, en, alt, fr in data["concepts"]:
        target = next((by_uri[u] for u in esco_uris if u in by_uri), None)
        if target is None:
            target = next((by_label[f] for f in map(fold, [label, *alt]) if f in by_label), None)
        if target is None:
            concepts.append(Concept(cid, label, ctype, (), en, esco_uris[0] if esco_uris else None,
                                    SOURCE))
            target = cid
            labels.append((cid, label, "competent", "nl"))
        else:
            joined[cid] = target
            labels.append((target, label, "competent", "nl"))
        labels += [(target, a, "esco_nl", "nl") for a in alt]
        labels += [(target, f, "fr", "fr") for f in fr]
        for u in esco_uris:
            uris.setdefault(u, target)
    # (a, b, rel) in the file: a (the ESCO side) is rel ("broader") than b. related[x] lists
    # (y, how y stands to x): related[b] gets (a, "broader"), related[a] gets (b, "narrower")
    related: dict[str, list] = {}
    for a, b, rel in data.get("related", ()):
        a, b = joined.get(a, a), joined.get(b, b)
        if a != b:
            related.setdefault(b, []).append((a, rel))
            related.setdefault(a, []).append((b, _REVERSE.get(rel, rel)))
    related = {k: tuple(sorted(set(v))) for k, v in related.items()}
    return Bundle(tuple(concepts), tuple(labels), uris, related, joined, _rows(labels))


def _rows(labels) -> tuple:
    """(concept_id, label, folded, key, normal key) of the labels, as a store would keep them."""
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for cid, label, kind, _lang in labels:
        folded = fold(label)
        if folded and ((cid, folded) not in best or PRIORITY[kind] < best[cid, folded][0]):
            best[cid, folded] = (PRIORITY[kind], label)
    out = []
    for p, cid, folded, label in sorted((p, cid, f, lab) for (cid, f), (p, lab) in best.items()):
        k = key(folded, folded=True)
        out.append((cid, label, folded, k, normal_key(k, folded=True)))
    return tuple(out)


_BUNDLE_INDEXES: dict[int, tuple] = {}


def index(bundle: Bundle) -> dict:
    """The label index of the bundled vocabulary alone, made once per bundle: what
    :meth:`~matchcore.vocabulary.concepts.Vocabulary.fit` lays under the store's own index instead of re-reading 22,000 labels."""
    cached = _BUNDLE_INDEXES.get(id(bundle))
    if cached is not None and cached[0] is bundle:
        return cached[1]
    exact: dict[str, tuple[str, str]] = {}
    keys: dict[str, tuple[str, str]] = {}
    normal: dict[str, tuple[str, str]] = {}
    labels: dict[str, list[str]] = {}
    folded_of: dict[str, list[str]] = {}
    for cid, label, folded, k, nk in bundle.rows:
        labels.setdefault(cid, []).append(label)
        folded_of.setdefault(cid, []).append(folded)
        exact.setdefault(folded, (cid, label))
        if k not in keys:
            keys[k] = (cid, label)
            normal.setdefault(nk, (cid, label))
    for k, hit in keys.items():
        exact.setdefault(k, hit)
    own = {c.id for c in bundle.concepts}
    idx = {"concepts": bundle.concepts, "uris": bundle.uris, "related": bundle.related,
           "exact": exact, "normal": normal, "keys": list(keys), "hits": list(keys.values()),
           "position": {k: j for j, k in enumerate(keys)},
           "hit_concepts": [h[0] for h in keys.values()], "hit_labels": [h[1] for h in keys.values()],
           "labels": labels, "folded": folded_of,
           "targets": sorted({cid for cid in labels if cid not in own})}
    _BUNDLE_INDEXES[id(bundle)] = (bundle, idx)
    return idx


# the relation seen from the other side: an ESCO skill broader than a competence makes the
# competence narrower than it
_REVERSE = {"broader": "narrower", "narrower": "broader"}


# --- building from the mapping file ------------------------------------------------------

MAPPING_NAME = "esco-skills_vdab-competent-3.8_nl-fr.csv"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
_SAME = {"skos:exactMatch": 0, "skos:closeMatch": 1}
_RELATED = {"skos:broadMatch": "broader", "skos:narrowMatch": "narrower"}
ABOUT = ("VDAB Competent 3.8 competences (Dutch, French) and Dutch ESCO skill labels. "
         "Source: ESCO (European Commission), CC BY 4.0, Commission Decision 2011/833/EU; "
         "mapping 'ESCO - VDAB Competences' v1.0 by Nalantis nv, published on the ESCO portal. "
         "Built by tools/build_competent_vocab.py; relation 'broader' means the ESCO side is broader.")
_COLUMNS = {"Classification 1 URI", "Classification 1 PrefLabel", "Classification 2 ID",
            "Classification 2 PrefLabel NL", "Classification 2 PrefLabel FR", "Mapping Relation"}


def read_mapping(path: Path) -> list[dict[str, str]]:
    """The rows of the ESCO - VDAB Competences mapping CSV (after its metadata lines)."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
    except (OSError, UnicodeDecodeError) as e:
        raise EscoError(f"{path}: cannot read the Competent mapping ({e})") from None
    start = next((i for i, r in enumerate(rows) if r and r[0] == "Classification 1 URI"), None)
    if start is None:
        raise EscoError(f"{path}: no header row starting with 'Classification 1 URI'; expected "
                        "the ESCO - VDAB Competences mapping CSV")
    head = rows[start]
    missing = _COLUMNS - set(head)
    if missing:
        raise EscoError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
    out = [dict(zip(head, r)) for r in rows[start + 1:] if r and r[0]]
    for n, r in enumerate(out, start=start + 2):
        if r["Mapping Relation"] not in _SAME | _RELATED:
            raise EscoError(f"{path}: line {n}: field 'Mapping Relation': unknown relation "
                            f"{r['Mapping Relation']!r} (expected skos:exactMatch, closeMatch, "
                            "broadMatch or narrowMatch)")
    return out


def from_mapping(rows: list[dict[str, str]], *, english: dict | None = None,
                 nl_skills: dict | None = None) -> dict:
    """The bundled-file document (format 1) of mapping ``rows``.

    ``english``: skill URI -> English preferred label; ``nl_skills``: skill URI -> {label,
    alt, generic} of Dutch ESCO collection files (more labels, and concepts for skills the
    mapping does not name)."""
    english, nl_skills = english or {}, nl_skills or {}
    competences: dict[str, dict] = {}
    skill_label: dict[str, str] = {}
    by_skill: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        code = r["Classification 2 ID"].strip()
        competences.setdefault(code, {"nl": r["Classification 2 PrefLabel NL"].strip(),
                                      "fr": r["Classification 2 PrefLabel FR"].strip()})
        uri = ESCO_SKILL + r["Classification 1 URI"].strip()
        skill_label[uri] = r["Classification 1 PrefLabel"].strip()
        by_skill[uri].append(r)

    # which competence each exact/close skill joins (one only: no chains of close matches)
    joins: dict[str, str] = {}
    for uri, rs in by_skill.items():
        same = [r for r in rs if r["Mapping Relation"] in _SAME]
        if same:
            best = min(same, key=lambda r: (
                _SAME[r["Mapping Relation"]],
                -fuzz.token_sort_ratio(skill_label[uri].casefold(),
                                       r["Classification 2 PrefLabel NL"].casefold()),
                r["Classification 2 ID"]))
            joins[uri] = "competent:" + best["Classification 2 ID"].strip()

    concepts: dict[str, dict] = {}
    for code, c in sorted(competences.items()):
        cid = "competent:" + code
        concepts[cid] = {"id": cid, "label": c["nl"], "uris": [], "en": None, "alt": [],
                         "type": "generic" if code.startswith("SO-") else "technical",
                         "fr": [c["fr"]] if c["fr"] else []}
    for uri in sorted(by_skill):
        cid = joins.get(uri) or "esco:" + uri.rsplit("/", 1)[-1]
        if cid not in concepts:
            concepts[cid] = {"id": cid, "label": skill_label[uri], "uris": [], "en": None,
                             "alt": [], "fr": [], "type": "generic" if
                             nl_skills.get(uri, {}).get("generic") else "technical"}
        c = concepts[cid]
        c["uris"].append(uri)
        c["alt"] += [skill_label[uri]] + nl_skills.get(uri, {}).get("alt", [])
        c["en"] = c["en"] or english.get(uri)
    for uri, sk in sorted(nl_skills.items()):
        if uri not in by_skill:
            cid = "esco:" + uri.rsplit("/", 1)[-1]
            concepts[cid] = {"id": cid, "label": sk["label"], "uris": [uri], "en": english.get(uri),
                             "alt": sk["alt"], "fr": [],
                             "type": "generic" if sk["generic"] else "technical"}

    related: set[tuple[str, str, str]] = set()
    for uri, rs in by_skill.items():
        side = joins.get(uri) or "esco:" + uri.rsplit("/", 1)[-1]
        for r in rs:
            other = "competent:" + r["Classification 2 ID"].strip()
            if other == side:
                continue
            if r["Mapping Relation"] in _RELATED:
                related.add((side, other, _RELATED[r["Mapping Relation"]]))
            else:   # a skill close to several competences: the others are related to it
                related.add((side, other, "close"))
    out = []
    for cid in sorted(concepts):
        c = concepts[cid]
        seen = {c["label"].casefold()}
        alt = [a for a in c["alt"] if not (a.casefold() in seen or seen.add(a.casefold()))]
        out.append([c["id"], c["label"], c["type"], c["uris"], c["en"], alt, c["fr"]])
    return {"about": ABOUT, "format": 1,
            "fields": ["id", "label", "type", "esco_uris", "en", "alt_nl", "labels_fr"],
            "concepts": out, "related": [list(r) for r in sorted(related)]}
