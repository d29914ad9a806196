"""The web app's doorway to the engine: matching, assignment, instruments, carving, advice.

Each engine module is imported on first use. While one is not installed (or not written yet) the
page that needs it says so in one line (:class:`EngineUnavailable`) instead of failing, and the
rest of the app keeps working.

The fitted matcher is cached per thread (SQLite connections belong to the thread that opened
them) and rebuilt when the store's ``data_version`` changes.
"""
from __future__ import annotations

import importlib
import inspect
import threading
from typing import Any

from matchcore.errors import MatchcoreError

__all__ = [
    "EngineUnavailable",
    "advice_html",
    "carve_option_names",
    "carve_scan",
    "competence_hint",
    "competence_names",
    "match_candidate",
    "match_function",
    "match_pair",
    "module_status",
    "run_assignment",
    "suggest_competences",
]

FEATURES = {
    "matching": ("matchcore.matching.matcher", "matching candidates and functions"),
    "assign": ("matchcore.matching.assign", "team assignment"),
    "instruments": ("matchcore.instruments.base", "employment instruments"),
    "carving": ("matchcore.carving.carve", "job carving"),
    "advice": ("matchcore.reports.advice", "the advice document"),
}


class EngineUnavailable(MatchcoreError):
    """An engine module a page needs cannot be imported."""

    def __init__(self, feature: str, reason: str):
        module, what = FEATURES[feature]
        self.feature = feature
        super().__init__(f"{what.capitalize()} is not available in this installation: "
                         f"{module} cannot be imported ({reason}).")


def _module(feature: str):
    module = FEATURES[feature][0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # ModuleNotFoundError included
        raise EngineUnavailable(feature, str(exc)) from None


def module_status() -> dict[str, str | None]:
    """``{feature: None}`` when importable, else the reason it is not."""
    out = {}
    for feature in FEATURES:
        try:
            _module(feature)
            out[feature] = None
        except EngineUnavailable as exc:
            out[feature] = str(exc)
    return out


def _accepts(fn, **kwargs) -> dict:
    """The keyword arguments ``fn`` takes (engine signatures may grow; never pass unknown ones)."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return kwargs
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return kwargs
    return {k: v for k, v in kwargs.items() if k in params}


# --- matching ------------------------------------------------------------------------------
_local = threading.local()


def _matcher(store):
    matching = _module("matching")
    version = (store.path, store.data_version)
    cached = getattr(_local, "matcher", None)
    if cached is None or cached[0] != version:
        _local.matcher = (version, matching.Matcher(store).fit())
    return _local.matcher[1]


def _clean(options: dict) -> dict:
    return {k: v for k, v in options.items() if v is not None}


def match_candidate(store, candidate_id: str, **options: Any) -> dict:
    m = _matcher(store)
    return m.match_candidate(candidate_id, **_accepts(m.match_candidate, **_clean(options)))


def match_function(store, function_id: str, **options: Any) -> dict:
    m = _matcher(store)
    return m.match_function(function_id, **_accepts(m.match_function, **_clean(options)))


def match_pair(store, candidate_id: str, function_id: str, *, on=None) -> dict | None:
    """The match result of one candidate and one function (excluded or not), with its
    instruments, or None when the two have nothing in common."""
    return _matcher(store).match_pair(candidate_id, function_id, on=on)


def run_assignment(store, *, progress=None, **options: Any) -> dict:
    """Team assignment; ``progress(done, total, phase)`` is passed on when assign() takes it."""
    assign = _module("assign").assign
    kwargs = _clean(options)
    if progress is not None:
        kwargs["progress"] = progress
    return assign(store, **_accepts(assign, **kwargs))


# --- carving and advice --------------------------------------------------------------------

def carve_option_names() -> set[str]:
    from dataclasses import fields

    return {f.name for f in fields(_module("carving").CarveOptions)}


def carve_scan(store, scan_id: str, **overrides: Any) -> dict:
    carving = _module("carving")
    scan = store.scan(scan_id)
    options = carving.CarveOptions.for_scan(scan, **_clean(overrides))
    return carving.carve(scan, options=options, store=store)


def advice_html(store, scan_id: str, **overrides: Any) -> str:
    """The advice document (bedrijfsadvies tot functiecreatie) as a whole HTML page."""
    from matchcore.errors import NotFound

    advice = _module("advice")
    render = getattr(advice, "render_advice", None)
    if render is None:
        raise EngineUnavailable("advice", "it has no render_advice()")
    result = carve_scan(store, scan_id, **overrides)
    scan = store.scan(scan_id)
    try:
        employer = store.employer(scan.employer)
    except NotFound:
        employer = None
    return render(result, **_accepts(render, scan=scan, employer=employer, fmt="html"))


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
    try:
        from matchcore.vocabulary.concepts import Vocabulary
    except ImportError:
        return None
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
    from rapidfuzz import fuzz, process

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
