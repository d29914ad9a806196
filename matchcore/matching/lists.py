"""Competence lines that list several competences ("stofzuigen en dweilen", "Nederlands, Frans
en Engels") taken as their parts, for the matcher's arrays (issue 11).

A competence text resolves to one concept, so such a line was free text that matched neither
"stofzuigen" nor "dweilen" of a function. :meth:`~matchcore.vocabulary.concepts.Vocabulary.parts`
says when a text is such a list (it resolves to nothing as a whole and a part is a label);
here the rows of functions and candidates are rewritten with the parts before the arrays are
built, the same way on both sides, stored or not.
"""
from __future__ import annotations

import dataclasses

from matchcore.matching.arrays import res_key
from matchcore.vocabulary.lists import LIST_MARK

__all__ = ["as_parts", "records_as_parts"]


def _split_texts(vocab, pairs) -> dict[str, list[str]]:
    """text -> parts, for the texts (without an ESCO URI: one with a URI is one skill) that
    list several competences and resolve to none as a whole."""
    todo = sorted({name for name, uri in pairs if not uri and LIST_MARK.search(name)})
    vocab.resolve_many(todo)   # batched; :meth:`Vocabulary.parts` reads the memo
    return {name: parts for name in todo if (parts := vocab.parts(name))}


def as_parts(vocab, comp, ccomp):
    """The competence rows of functions and candidates with each list of competences
    ("stofzuigen en dweilen") as its parts (:meth:`~matchcore.vocabulary.concepts.Vocabulary.parts`),
    in place of the whole, which resolves to nothing.

    A candidate's part keeps the level. A function's parts share the line's weight (each
    ``weight / n``), so that the function asks as much as the employer wrote, and a candidate
    with one of two parts gets half of that line. Both sides the same way: the same text on
    both sides still matches in full."""
    split = _split_texts(vocab, [(r[1], r[5]) for r in comp] + [(r[1], r[3]) for r in ccomp])
    if not split:
        return comp, ccomp
    fc = []
    for r in comp:
        parts = split.get(r[1]) if not r[5] else None
        if parts:
            w = (r[3] if r[3] is not None else 1.0) / len(parts)
            fc.extend((r[0], part, r[2], w, r[4], None) for part in parts)
        else:
            fc.append(r)
    cc = []
    for r in ccomp:
        parts = split.get(r[1]) if not r[3] else None
        if parts:
            cc.extend((r[0], part, r[2], None) for part in parts)
        else:
            cc.append(r)
    return fc, cc


def records_as_parts(cands, res_cache, vocab):
    """Candidates not in the store (their texts not in ``res_cache``) with each list of
    competences as its parts, as :func:`matchcore.matching.data.build` does for the stored ones."""
    pairs = [(name, uri) for c in cands for name, _, uri in c.competences
             if res_key(name, uri) not in res_cache]
    if not pairs:
        return cands
    if not hasattr(vocab, "concepts_"):
        vocab.fit()
    split = _split_texts(vocab, pairs)
    if not split:
        return cands
    out = []
    for c in cands:
        comps = []
        for name, level, uri in c.competences:
            parts = split.get(name) if not uri and res_key(name, uri) not in res_cache else None
            if parts:
                comps.extend((part, level, None) for part in parts)
            else:
                comps.append((name, level, uri))
        out.append(dataclasses.replace(c, competences=tuple(comps)))
    return out
