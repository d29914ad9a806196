"""The web app's doorway to the engines: matching, assignment, instruments, carving, advice.

The fitted matcher and vocabulary are cached per thread (SQLite connections belong to the thread
that opened them) and rebuilt when the store's ``data_version`` changes.
"""
from __future__ import annotations

import dataclasses
import threading
from typing import Any

from rapidfuzz import fuzz, process

from matchcore.carving import CarveOptions, carve
from matchcore.carving.results import CarvingResult
from matchcore.errors import NotFound
from matchcore.matching import Matcher
from matchcore.matching.assign import assign
from matchcore.reports.advice import render_advice
from matchcore.vocabulary import Vocabulary

__all__ = [
    "advice_html",
    "carve_option_names",
    "carve_scan",
    "competence_hint",
    "competence_names",
    "match_candidate",
    "match_function",
    "match_pair",
    "run_assignment",
    "suggest_competences",
]


# --- matching ------------------------------------------------------------------------------
_local = threading.local()


def _matcher(store):
    version = (store.path, store.data_version)
    cached = getattr(_local, "matcher", None)
    if cached is None or cached[0] != version:
        _local.matcher = (version, Matcher(store).fit())
    return _local.matcher[1]


FUNCTION_OPTIONS = ("top", "include_excluded", "near_misses", "max_distance_km", "on")


def _clean(options: dict) -> dict:
    return {k: v for k, v in options.items() if v is not None}


def match_candidate(store, candidate_id: str, **options: Any):
    return _matcher(store).match_candidate(candidate_id, **_clean(options))


def match_function(store, function_id: str, **options: Any):
    # The function page shares the candidate page's form; sector and visibility filter
    # functions, so they do not apply when ranking candidates.
    wanted = {k: v for k, v in _clean(options).items() if k in FUNCTION_OPTIONS}
    return _matcher(store).match_function(function_id, **wanted)


def match_pair(store, candidate_id: str, function_id: str, *, on=None):
    """The match result of one candidate and one function (excluded or not), with its
    instruments, or None when the two have nothing in common."""
    return _matcher(store).match_pair(candidate_id, function_id, on=on)


def run_assignment(store, *, progress=None, **options: Any) -> dict:
    """Team assignment; ``progress(done, total, phase)`` reports each phase for the progress bar.

    The ``Assignment`` comes back as a dict of its fields in order: the page shows them all."""
    return dataclasses.asdict(assign(store, progress=progress, **_clean(options)))


# --- carving and advice --------------------------------------------------------------------

def carve_option_names() -> set[str]:
    return {f.name for f in dataclasses.fields(CarveOptions)}


def carve_scan(store, scan_id: str, **overrides: Any) -> CarvingResult:
    scan = store.scan(scan_id)
    options = CarveOptions.for_scan(scan, **_clean(overrides))
    return carve(scan, options=options, store=store)


def advice_html(store, scan_id: str, **overrides: Any) -> str:
    """The advice document (bedrijfsadvies tot functiecreatie) as a whole HTML page."""
    result = carve_scan(store, scan_id, **overrides)
    scan = store.scan(scan_id)
    try:
        employer = store.employer(scan.employer)
    except NotFound:
        employer = None
    return render_advice(result, scan=scan, employer=employer, fmt="html")


# --- competences ---------------------------------------------------------------------------

def competence_names(store, *, limit: int = 3000) -> list[str]:
    """Competence names a coach may mean: vocabulary labels first, then names in use."""
    names: dict[str, str] = {}
    tables = set(store.db.table_names())
    queries = []
    if "vocab_concepts" in tables:
        queries.append("select label from vocab_concepts")
    queries += ["select name from function_competences", "select name from candidate_competences"]
    for sql in queries:
        for (name,) in store.db.execute(sql):
            if name:
                names.setdefault(name.casefold(), name)
    for scan_doc in store.docs("scan"):
        for task in scan_doc.get("tasks", []):
            for name in task.get("competences", []):
                names.setdefault(str(name).casefold(), str(name))
    return sorted(names.values(), key=str.casefold)[:limit]


def _vocabulary(store):
    """The fitted vocabulary (never seeding: a read must not write), or None."""
    version = (store.path, store.data_version)
    cached = getattr(_local, "vocab", None)
    if cached is None or cached[0] != version:
        vocab = Vocabulary(store, seed=False).fit()
        _local.vocab = (version, vocab if vocab.concepts_ else None)
    return _local.vocab[1]


def competence_hint(store, text: str, *, limit: int = 3) -> dict:
    """How a typed competence will be read: ``{status, label, nearest}``.

    ``status`` is ``known`` (exactly a vocabulary label or a name in use), ``resolves`` (a
    spelling the vocabulary maps to ``label``), or ``unknown`` (with ``nearest`` names to pick).
    """
    text = (text or "").strip()
    if not text:
        return {"status": "empty", "label": None, "nearest": []}
    vocab = _vocabulary(store)
    if vocab is not None:
        res = vocab.resolve(text)
        if res.resolved:
            same = (res.label or "").casefold() == text.casefold()
            return {"status": "known" if same else "resolves",
                    "label": res.label, "nearest": []}
        return {"status": "unknown", "label": None,
                "nearest": [n["label"] for n in vocab.nearest(text, limit)]}
    known, nearest = suggest_competences(store, text, limit=limit)
    return {"status": "known" if known else "unknown", "label": None, "nearest": nearest}


def suggest_competences(store, text: str, *, names: list[str] | None = None,
                        limit: int = 3) -> tuple[bool, list[str]]:
    """(known, suggestions): whether ``text`` is a name in use, and the closest names."""
    text = (text or "").strip()
    if not text:
        return True, []
    names = names if names is not None else competence_names(store)
    known = any(n.casefold() == text.casefold() for n in names)
    if known:
        return True, []
    hits = process.extract(text, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=70,
                           processor=str.casefold)
    return False, [h[0] for h in hits]
