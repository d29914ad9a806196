"""Written-out tasks find the function whose tasks share their words (issue 11, O*NET task
statements): a task-like text is evidence from char n-gram cosine 0.2, a label from 0.5."""
from __future__ import annotations

import numpy as np

from matchcore.matching import data as mdata
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import TextIndex
from tests.match_data import candidate, comp, employer, function

TASK = "de vrachtwagens aan de laadkade laden en lossen met een elektrische transpallet en de vrachtbrieven aftekenen"
DEPOT = "paletten van de vrachtwagens lossen en in het magazijn wegzetten"
KITCHEN = "groenten snijden en de koude schotels voor het buffet klaarzetten"


def test_a_task_is_task_like_a_competence_name_not():
    assert mdata.task_like(TASK)
    assert not mdata.task_like("heftruck besturen")
    assert not mdata.task_like("zorgvuldig werken met klanten")


def test_per_query_thresholds_and_the_limit():
    index = TextIndex().fit([DEPOT, KITCHEN, "paletten stapelen"], np.array([0, 1, 2]), 3)
    both = index.similarity([TASK, TASK], thresholds=[0.2, 0.99]).toarray()
    low, strict = both
    assert low[0] > 0.2 and not strict.any()        # each query its own threshold
    assert low[0] > low[1]                          # the depot's task is the nearer
    assert np.array_equal(index.similarity([TASK]).toarray()[0],
                          np.where(low >= index.threshold, low, 0))
    top1 = index.similarity([TASK], thresholds=[0.0], limit=1).toarray()[0]
    assert np.count_nonzero(top1) == 1 and top1[0] == low[0]


def test_a_written_out_task_ranks_the_function_with_the_same_task_words_first(store, monkeypatch):
    monkeypatch.setenv("MATCHCORE_SEMANTIC", "off")  # words only: the char n-gram path
    store.upsert([
        employer("depot", [function("laden", [comp(DEPOT), comp("de voorraad tellen")])]),
        employer("traiteur", [function("keuken", [comp(KITCHEN), comp("afwassen")])]),
        candidate("K-1", [(TASK, 1)])])
    m = Matcher(store).fit()
    got = m.match_candidate("K-1", top=5, instruments=False).results
    assert got and got[0].function == "depot/laden"
    assert all(r.function != "traiteur/keuken" or r.score < got[0].score for r in got)
