"""Semantic evidence for the matcher (:mod:`matchcore.vocabulary.semantic`), over its columns.

- :func:`embedding_evidence`: a candidate's text that resolves to no concept gets soft
  evidence on the columns nearest by meaning (at most :data:`~matchcore.vocabulary.semantic.TOP_K`,
  centred cosine at least :data:`~matchcore.vocabulary.semantic.FLOOR`, the cosine times a
  softmax share), beside the character n-gram evidence; the better of the two counts. It also
  gets *graded* evidence (:func:`graded_evidence`) when it is sentence-like
  (:func:`sentence_like`) or its nearest concept is no clear synonym (below :data:`CLEAR`):
  on each function's nearest column (max similarity), from
  :data:`GRADED_FLOOR` up, half the cosine at most, so that a task sentence still orders the
  functions by how close they come.
- :func:`confirm_fuzzy`: a fuzzy resolution below 100 stands only when the embedding confirms
  it (the text is :data:`~matchcore.vocabulary.semantic.CONFIRM` close to one of the concept's
  labels, and the concept is its nearest by meaning, within :data:`CONFIRM_MARGIN`, or one
  typing error away) or, without the model, when it beats the runner-up concept by
  :data:`FUZZY_MARGIN`;
  otherwise the text counts as unresolved (and may still earn soft evidence).

The space of a :class:`~matchcore.matching.arrays.MatchData` holds the labels of the concept
columns functions use and the text of each ``free:`` column; it is made once per process
(the label vectors come from the bundled file or the store's vector file).
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from matchcore.vocabulary import fold, key
from matchcore.vocabulary import semantic as sem

__all__ = ["CLEAR", "CONFIRM_MARGIN", "FUZZY_MARGIN", "GRADED_FLOOR", "GRADED_LIMIT", "GRADED_WEIGHT", "confirm_fuzzy",
           "MEANING_COLUMNS", "MEANING_FLOOR", "MeaningSpace", "OWN_TEXTS", "OWN_WEIGHT", "embedding_evidence",
           "function_texts", "meaning_space", "graded_evidence", "meaning_credit",
           "nearest_columns", "semantic_space", "SENTENCE_WORDS",
           "sentence_like"]

GRADED_FLOOR = 0.35
"""Centred cosine from which a candidate's text is graded evidence for a function's nearest
column (:func:`graded_evidence`): the upper part of what unrelated phrases reach against the
vocabulary (0.13-0.50, :data:`~matchcore.vocabulary.semantic.FLOOR`), so that they add
little and a related one adds more; full weight from FLOOR (where synonyms begin)."""
GRADED_WEIGHT = 0.5
"""Graded evidence as a share of the cosine: half, so that the concept a text is nearest to
in the whole space (its soft evidence, up to the full cosine) keeps precedence over a
function's merely nearest column. A design choice; on the quick benchmark (O*NET tasks)
1.0 and 0.5 were both tried, 0.5 ranked better, the bundled set did not move."""
SENTENCE_WORDS = 5
"""Words (stop words not counted) from which a text is sentence-like and gets graded
evidence: a task sentence has a verb, an object and what qualifies them ("clean and restock
the guest rooms of the hotel"); the names of competences (ESCO labels, Competent labels, a
coach's "vaat doen", "werkt nauwkeurig") seldom have five. A label-like text names one
competence, its soft evidence finds it, and graded evidence on every function's nearest
column only adds noise there: on the quick benchmark with every text graded, ESCO altLabel
queries fell from recall@1 0.85 to 0.73 (0, 3, 4 and 5 words were tried; from 5 that set no
longer loses and the O*NET task sentences keep their gain). A shorter text is graded too when
its nearest concept is no clear synonym (:data:`CLEAR`)."""
CLEAR = 0.70
"""Centred cosine from which a text's nearest concept counts as a clear synonym, so that its
soft evidence alone stands: about the median at which held-out synonyms of the starter
vocabulary find their own concept (0.71, :data:`~matchcore.vocabulary.semantic.FLOOR`).
Below it the nearest concepts of the whole space are uncertain (a Dutch phrasing against
English ESCO labels finds its skill first 44 % of the time, among the first three 66 %), and
the text also gets graded evidence, as a sentence does. On the quick benchmark (0.65, 0.70
and 0.75 tried): Dutch ESCO labels recall@1 0.313 -> 0.387, Competent competences recall@10
0.428 -> 0.557, bundled held-out synonyms 0.891 -> 0.900, English altLabels 0.860 -> 0.847
(grading every text: 0.727)."""
GRADED_LIMIT = 200
"""At most this many columns get graded evidence from one text (a query's arrays stay small
against thousands of functions; the nearest are kept)."""

CONFIRM_MARGIN = 0.02
"""A fuzzy hit below 100 stands only when its concept is the text's nearest by meaning, or this
close (centred cosine) to the nearest, or the text is one typing error from one of its labels
(:func:`_one_typo`): two labels a letter or two apart often name different things
("Melkinstallaties" is 88 from "Koelinstallaties", "Boormateriaal" 88 from "Barmateriaal",
"Stellingen demonteren" 95 from "Stellingen monteren"), and the absolute
:data:`~matchcore.vocabulary.semantic.CONFIRM` let them through because words that share most
letters are near in meaning too. Measured on the Competent benchmark set (Dutch Competent
labels held out, 500 texts): of the 40 fuzzy hits, 31 were wrong and 27 of those passed the
absolute test; 14 of the 27 are neither the text's nearest concept nor within the margin of
it, against 1 of the 9 right ones. A demoted text keeps its soft evidence and the meaning
component, which give credit to the nearest concepts."""
FUZZY_MARGIN = 5.0
"""Without the embedding, a fuzzy hit below 100 needs this lead (rapidfuzz ratio points) over
the best key of another concept: "koken" is 80 from "roken" and from "koeken"."""


def semantic_space(data, store, vocab) -> sem.Space | None:
    """The semantic space over ``data``'s columns used by functions (made once per data)."""
    if vocab is None or not sem.available():
        return None
    space = getattr(data, "semantic", None)
    if space is not None:
        return space
    used = np.unique(data.functions.fm_indices) if len(data.functions) else np.zeros(0, np.int64)
    cols = [data.columns[int(i)] for i in used]
    concept_cols = [c for c in cols if not c.startswith("free:")]
    rows = sem.concept_labels(vocab, concept_cols)
    index = data.col_index
    texts = [label for _, label in rows] + [c[5:] for c in cols if c.startswith("free:")]
    groups = [index[cid] for cid, _ in rows] + [index[c] for c in cols if c.startswith("free:")]
    data.semantic = sem.Space.of(list(data.columns), texts, groups, sem.cache_for(store))
    return data.semantic


OWN_WEIGHT = 2.0
"""How much the functions' own texts weigh against the concept's labels in the meaning
component's similarity (:class:`MeaningSpace`): the cosine to a column is
``(OWN_WEIGHT * own + labels) / (OWN_WEIGHT + 1)``, ``own`` the best over the texts employers
wrote for it, ``labels`` the best over its labels. The component asks how near the function's
*own* competences come to a text, and the labels alone answered it worse: a concept with a
dozen labels is near many texts by one of them (the max over many labels favours richly
labelled concepts), and the employer's wording is what the function asks. Measured on the
meaning part alone (max-similarity, recall@1, 300 queries each): Dutch ESCO labels against an
ESCO store, labels 0.584, own texts 0.767, weight 2 0.765; English held-out altLabels, labels
0.865, own texts 0.855, weight 2 see docs/matching.md."""
OWN_TEXTS = 6
"""At most this many distinct texts per column are kept as the functions' own wording (the
first in text order): employers' phrasings of one concept are few; a cap keeps the space small."""


class MeaningSpace:
    """The similarity of the meaning component: per column, the weighted mean of the best
    cosine over the functions' own texts for it and the best over its labels
    (:data:`OWN_WEIGHT`); a column no function wrote a text for keeps its labels' cosine."""

    def __init__(self, labels: sem.Space, own: sem.Space):
        self.labels, self.own = labels, own

    def best(self, vectors: np.ndarray) -> np.ndarray:
        lab = self.labels.best(vectors)
        own = self.own.best(vectors)
        both = (OWN_WEIGHT * own + lab) / (OWN_WEIGHT + 1.0)
        return np.where((own > -1.0) & (lab > -1.0), both, lab).astype(np.float32)


def function_texts(data) -> tuple[list[str], list[int]]:
    """(text, column) of the functions' competences as written (at most :data:`OWN_TEXTS`
    distinct folded texts per column, in the order of :attr:`MatchData.resolution_keys`)."""
    f = data.functions
    keys = data.resolution_keys
    used = np.unique(f.fc_res) if len(f.fc_res) else np.zeros(0, np.int64)
    index = data.col_index
    seen: dict[int, set] = {}
    texts, groups = [], []
    for j in used.tolist():
        k = keys[j]
        col = index.get(data.resolutions[k][3])
        name = k.partition("\x1f")[0]
        folded = fold(name)
        if col is None or not folded:
            continue
        mine = seen.setdefault(col, set())
        if folded in mine or len(mine) >= OWN_TEXTS:
            continue
        mine.add(folded)
        texts.append(name)
        groups.append(col)
    return texts, groups


def meaning_space(data, store, vocab) -> MeaningSpace | None:
    """The :class:`MeaningSpace` over ``data``'s columns (made once per data)."""
    labels = semantic_space(data, store, vocab)
    if labels is None:
        return None
    got = getattr(data, "meaning_space", None)
    if got is None:
        texts, groups = function_texts(data)
        own = sem.Space.of(list(data.columns), texts, groups, sem.cache_for(store))
        got = data.meaning_space = MeaningSpace(labels, own)
    return got


def embedding_evidence(data, store, vocab, texts: list[str],
                       neighbours: list | None = None) -> list[list[tuple[int, float, float]]]:
    """Per text, (column, evidence, centred cosine) of its soft evidence and of its graded
    evidence (:func:`graded_evidence`); empty lists without the model. A column may appear
    twice: the caller keeps the better. With ``neighbours`` (a list), each text's nearest
    columns (:func:`nearest_columns`) are appended to it, or None per text without the model."""
    space = semantic_space(data, store, vocab) if texts else None
    if space is None:
        if neighbours is not None:
            neighbours.extend([None] * len(texts))
        return [[] for _ in texts]
    vec = sem.cache_for(store).vectors(texts)
    if neighbours is not None:
        # the meaning component's cosines weigh the functions' own texts in (MeaningSpace);
        # the soft evidence stays on the labels, where its thresholds were measured
        neighbours.extend(nearest_columns(meaning_space(data, store, vocab), vec))
    soft = sem.soft_evidence(space, vec)
    # soft hits are best first: (column, evidence, cosine)
    sentences = [i for i, t in enumerate(texts)
                 if sentence_like(t) or not soft[i] or soft[i][0][2] < CLEAR]
    out = [list(s) for s in soft]
    if sentences:
        for i, g in zip(sentences, graded_evidence(data, space, vec[sentences])):
            out[i] += g
    return out


MEANING_FLOOR = GRADED_FLOOR
"""Centred cosine from which a text counts toward a function's meaning component
(:func:`meaning_credit`): where graded evidence starts, for the same reason (below it an
unrelated phrase is as close as a related one)."""
MEANING_COLUMNS = 64
"""The nearest columns kept per unresolved text for the meaning component (sparse, so that
100,000 functions cost what their columns near the text cost): a function whose nearest column
is not among them gets nothing from that text. A text's 64th nearest concept in full ESCO
(13,000 skills) is at about the edge of :data:`MEANING_FLOOR`, so few are cut that count."""


def nearest_columns(space: sem.Space, vectors: np.ndarray, *, k: int = MEANING_COLUMNS,
                    floor: float = MEANING_FLOOR, chunk: int = 64) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per text vector, (columns, centred cosines) of its ``k`` nearest columns at or above
    ``floor``, by column (int32, float32)."""
    out = []
    for lo in range(0, len(vectors), chunk):
        best = space.best(vectors[lo:lo + chunk])
        kk = min(k, best.shape[1])
        for row in best:
            if kk == 0:
                out.append((np.zeros(0, np.int32), np.zeros(0, np.float32)))
                continue
            part = np.argpartition(-row, kk - 1)[:kk]
            part = np.sort(part[row[part] >= floor])
            out.append((part.astype(np.int32), row[part].astype(np.float32)))
    return out


def meaning_credit(cos: np.ndarray) -> np.ndarray:
    """What a text's centred cosine to a function's nearest column counts in the meaning
    component: the cosine times a ramp from 0 at :data:`MEANING_FLOOR` to 1 at
    :data:`~matchcore.vocabulary.semantic.FLOOR` (where synonyms begin), as graded evidence
    but at full weight (the component stands beside the lexical coverage, not in it)."""
    cos = np.asarray(cos, np.float64)
    span = max(sem.FLOOR - MEANING_FLOOR, 1e-6)
    return cos * np.clip((cos - MEANING_FLOOR) / span, 0.0, 1.0)


def sentence_like(text: str, words: int | None = None) -> bool:
    """A text of at least ``words`` (:data:`SENTENCE_WORDS`) words that are not stop words (a
    task sentence, a competence written out as a phrase), not a label-like name of a competence."""
    return len(key(text).split()) >= (SENTENCE_WORDS if words is None else words)


def graded_evidence(data, space: sem.Space, vectors: np.ndarray, *, floor: float = GRADED_FLOOR,
                    weight: float = GRADED_WEIGHT, limit: int = GRADED_LIMIT,
                    chunk: int = 64) -> list[list[tuple[int, float, float]]]:
    """Per text vector, (column, evidence, centred cosine) on the column of each function
    nearest to it by meaning ("max-similarity"), when at least ``floor`` close: evidence
    ``weight`` x cosine x a ramp from 0 at ``floor`` to 1 at
    :data:`~matchcore.vocabulary.semantic.FLOOR`, at most ``limit`` columns, best first.

    The soft evidence gives a text to its few nearest concepts of the whole space; a task
    sentence ("cleans the rooms of guests") is seldom among those of the function that
    means it, which then got nothing. Here every function is asked which of *its* texts
    the candidate's text is closest to, so functions are ordered by how near they come,
    and one text earns evidence once per function (on its best column)."""
    f = data.functions
    empty: list[list[tuple[int, float, float]]] = [[] for _ in range(len(vectors))]
    if not len(vectors) or not len(f) or not len(f.fm_indices):
        return empty
    cols = f.fm_indices.astype(np.int64)
    lengths = np.diff(f.fm_indptr)
    has = lengths > 0
    starts, lengths = f.fm_indptr[:-1][has], lengths[has]
    span = max(sem.FLOOR - floor, 1e-6)
    out = []
    for lo in range(0, len(vectors), chunk):
        best = space.best(vectors[lo:lo + chunk])
        sims = best[:, cols]
        top = np.repeat(np.maximum.reduceat(sims, starts, axis=1), lengths, axis=1)
        keep = (sims >= top) & (sims >= floor)
        for r in range(len(sims)):
            hit = np.unique(cols[keep[r]])
            cos = best[r, hit]
            order = np.lexsort((hit, -cos))[:limit]
            out.append([(int(c), float(weight * s * min(1.0, (s - floor) / span)), float(s))
                        for c, s in zip(hit[order], cos[order])])
    return out


def confirm_fuzzy(vocab, store, hits: dict[str, list]) -> int:
    """Demote unconfirmed fuzzy hits in ``hits`` (text -> [concept, score, method, column]) to
    unresolved, in place (method ``fuzzy_unconfirmed``, column ``free:<folded text>``);
    return how many."""
    todo = [(t, h) for t, h in hits.items() if h[2] == "fuzzy" and h[1] < 100.0]
    if not todo:
        return 0
    if sem.available():
        ok = _by_meaning(vocab, store, todo)
    else:
        ok = [_by_margin(vocab, t, h[0], h[1]) for t, h in todo]
    demoted = 0
    for (t, h), good in zip(todo, ok):
        if not good:
            h[:] = [None, h[1], "fuzzy_unconfirmed", "free:" + fold(t.partition("\x1f")[0])]
            demoted += 1
    return demoted


def _by_meaning(vocab, store, todo) -> list[bool]:
    """A fuzzy hit stands when the text is :data:`~matchcore.vocabulary.semantic.CONFIRM` close
    to its concept *and* that concept is the text's nearest by meaning in the whole vocabulary
    (within :data:`CONFIRM_MARGIN`) or the text is one typing error from it (:func:`_one_typo`).
    Called only with the model (:func:`confirm_fuzzy`), so the vocabulary has a space."""
    texts = [t.partition("\x1f")[0] for t, _ in todo]
    space = sem.space_of(vocab)
    pos = {g: i for i, g in enumerate(space.groups)}
    best = space.best(sem.cache_for(store).vectors(texts))
    out = []
    for i, (_, h) in enumerate(todo):
        j = pos.get(h[0])
        cos = float(best[i, j]) if j is not None else -1.0
        nearest = cos >= float(best[i].max()) - CONFIRM_MARGIN
        out.append(cos >= sem.CONFIRM and (nearest or _one_typo(vocab, texts[i], h[0])))
    return out


def _one_typo(vocab, text: str, concept: str) -> bool:
    """Whether ``text`` is one typing error (a letter missing, extra or wrong, or two swapped:
    optimal string alignment distance 1) from a label of ``concept``. Such a text keeps its
    fuzzy hit on the absolute test alone: a typo's vector is often nearer to another concept
    than to its own ("zelsftandig werken", "klanten hlepen", "met gelld omgaan" on the bundled
    benchmark set), where a different word that looks alike is two or more edits away
    ("leiding geven" from "opleiding geven", "melkinstallaties" from "koelinstallaties")."""
    k = key(text)
    return any(OSA.distance(k, key(label), score_cutoff=1) <= 1
               for label in getattr(vocab, "labels_", {}).get(concept, ()))


def _by_margin(vocab, text: str, concept: str, score: float) -> bool:
    k = key(text.partition("\x1f")[0])
    for _, s, j in process.extract(k, vocab.keys_, scorer=fuzz.ratio, processor=None, limit=20):
        if vocab.key_concepts_[j] != concept:
            return score - s >= FUZZY_MARGIN
    return True
