"""Erasure on request, as one sequence for the CLI (``matchcore delete candidate``) and the web
app (``/candidates/ID/erase``): the rows of :func:`matchcore.store.erasure.erase_candidate` and
their audit line in one transaction, then the person's own phrasings in ``<db>.vectors``."""
from __future__ import annotations

from matchcore.web import audit

__all__ = ["erase_candidate", "record_texts"]


def record_texts(record) -> list[str]:
    """Every text of a record (competences, job targets, notes, extra), for the vector cache."""
    out: list[str] = []

    def walk(value):
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v)
    walk(record.model_dump(mode="json"))
    return out


def erase_candidate(store, candidate_id: str, *, user: str) -> dict[str, int]:
    """Erase the candidate (NotFound when absent); the rows removed per table, ``vectors``
    included. The audit line holds the pseudonymous id and the counts, nothing about the person."""
    from matchcore.store.erasure import flush  # start-up: loaded only for an erasure
    from matchcore.vocabulary.semantic import forget  # start-up: the embedding cache, likewise

    texts = record_texts(store.candidate(candidate_id))
    with store.write():
        counts = store.erase_candidate(candidate_id)
        audit.record(store, user, "candidate.erase", f"candidate:{candidate_id}", {"rows": counts})
    flush(store)
    # their own phrasings may sit in <db>.vectors (vocabulary/semantic.py), keyed by a hash
    counts["vectors"] = forget(store, texts)
    return counts
