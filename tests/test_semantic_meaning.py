"""The meaning component M (issue 11): per function, the mean over the candidate's unresolved
texts of how near the function's own competences come to each (max-similarity), the same on
every score path, and explained on the competence line that got it."""
from __future__ import annotations

import numpy as np
import pytest

from matchcore.matching import meaning as sc
from matchcore.matching.evidence import MEANING_FLOOR, meaning_credit
from matchcore.matching.matcher import Matcher
from matchcore.vocabulary import semantic as sem
from tests.match_data import candidate, comp, employer, function
from tests.test_semantic import needs_model


def test_the_credit_is_the_cosine_on_a_ramp_from_the_floor():
    got = meaning_credit(np.array([0.1, MEANING_FLOOR, (MEANING_FLOOR + sem.FLOOR) / 2, 0.8]))
    assert got[0] == 0.0 and got[1] == 0.0
    assert got[2] == pytest.approx(0.5 * (MEANING_FLOOR + sem.FLOOR) / 2)
    assert got[3] == pytest.approx(0.8)


@pytest.fixture
def matched(monkeypatch, store):
    monkeypatch.setenv(sem.SWITCH, "on")
    store.upsert([
        employer("hotel", [function("kamers", [comp("de kamers van de hotelgasten grondig schoonmaken"),
                                               comp("vuile handdoeken naar de wasserij brengen"),
                                               comp("afwassen", required=True)]),
                           function("depot", [comp("vrachtwagens laden en lossen aan de kade"),
                                              comp("de voorraad in het magazijn tellen")])]),
        candidate("K-1", [("hotelkamers poetsen en de bedden opnieuw opmaken", 1), ("afwassen", 1)]),
        candidate("K-2", [("paletten stapelen in een grote loods", 1), ("mijn hobby is zwemmen", 1)]),
        candidate("K-3", [("afwassen", 1)])])
    return Matcher(store).fit()


@needs_model
def test_every_path_gives_the_same_scores_and_the_components_agree(matched):
    m = matched
    c = m.data_.candidates
    assert c.sw_share.tolist() == [0.5, 1.0, 0.0]
    ids, fids, block, _ = m.score_matrix()
    cids, idx, top = m.top_functions_all(top=2, batch_size=16, include_excluded=True)
    _, idx1, top1 = m.top_functions_all(top=2, batch_size=1)
    _, idx2, top2 = m.top_functions_all(top=2, batch_size=16)
    for r, cid in enumerate(cids):
        res = m.match_candidate(cid, top=2, instruments=False)
        for pos, x in enumerate(res.results):
            f = fids.index(x.function)
            assert idx1[r, pos] == f and idx2[r, pos] == f and idx[r, pos] == f
            assert top1[r, pos] == top2[r, pos] == top[r, pos] == block[r, f]   # to the bit
            assert x.score == round(block[r, f], 3)
            comp_ = x.components
            if comp_.meaning_share:
                # M takes the share s of the use part: C = (A + u ((1 - s) U + s M)) / (1 + u)
                u, s = m.params.use_weight, comp_.meaning_share
                want = (comp_.coverage + u * ((1 - s) * comp_.use + s * comp_.meaning)) / (1 + u)
                assert comp_.competence == pytest.approx(want, abs=2e-3)
    # the other direction, from one function to every candidate, agrees with the block
    for f, fid in enumerate(fids):
        got = {x.candidate: x.score for x in m.match_function(fid, top=3, include_excluded=True,
                                                               instruments=False).results}
        for r, cid in enumerate(ids):
            if cid in got:
                assert got[cid] == round(block[r, f], 3)


@needs_model
def test_the_meaning_of_a_task_sentence_ranks_the_function_that_means_it_and_says_so(matched):
    m = matched
    res = m.match_candidate("K-1", top=2, instruments=False).results
    assert res[0].function == "hotel/kamers"
    assert res[0].components.meaning > 0
    line = next(x for x in res[0].explanation if "via embedding" in x)
    assert "hotelkamers poetsen" in line and "de kamers van de hotelgasten" in line
    assert any("meaning" in x for x in res[0].explanation[:2])
    # a candidate whose texts all resolve: no meaning component, the lexical score as before
    only = m.match_candidate("K-3", top=1, instruments=False).results[0]
    assert only.components.meaning is None and only.components.meaning_share is None


def test_sums_are_sparse_maxima_per_function_in_text_order():
    # two texts of one candidate; functions over columns {0, 1}, {1}, {2}
    class C:
        sw_indptr = np.array([0, 2])
        sw_share = np.array([1.0])
        sw_count = np.array([2])
        st_indptr = np.array([0, 2, 3])
        st_indices = np.array([0, 1, 2], np.int32)
        st_cos = np.array([0.9, 0.6, 0.7], np.float32)

        def __len__(self):
            return 1

    class F:
        fm_indptr = np.array([0, 2, 3, 4])
        fm_indices = np.array([0, 1, 1, 2], np.int32)

        def __len__(self):
            return 3

    c, f = C(), F()
    cr = meaning_credit(np.array([0.9, 0.6, 0.7], np.float32))
    full = sc.meaning_rows(c, [0], f)[0]
    assert full.tolist() == [cr[0] / 2, cr[1] / 2, cr[2] / 2]
    assert sc.meaning_rows(c, [0], f, [2, 0])[0].tolist() == [full[2], full[0]]
    assert sc.meaning_pairs(c, [0], f, np.array([0, 0]), np.array([1, 2])).tolist() == [full[1], full[2]]
    assert sc.meaning_of_columns(c, [1])[0] == full[1]
    assert sc.meaning_of_columns(c, [0, 1])[0] == full[0]


@needs_model
def test_a_written_out_task_keeps_its_say_in_the_use_part(monkeypatch, store):
    # a task of 7+ content words counts through its words (text evidence from cosine 0.2):
    # M is the mean over both unresolved texts, but the share s it takes of U counts only
    # the short phrasing, out of all three texts
    monkeypatch.setenv(sem.SWITCH, "on")
    task = "de vrachtwagens aan de laadkade laden en lossen met een elektrische transpallet op tijd"
    store.upsert([
        employer("depot", [function("laden", [comp("vrachtwagens laden en lossen aan de kade")])]),
        candidate("K-9", [(task, 1), ("hotelkamers poetsen en de bedden opnieuw opmaken", 1), ("afwassen", 1)])])
    c = Matcher(store).fit().data_.candidates
    assert c.free[0] == [task, "hotelkamers poetsen en de bedden opnieuw opmaken"]
    assert c.sw_count.tolist() == [2]
    assert c.sw_share.tolist() == [pytest.approx(1 / 3)]


def test_both_ways_of_finding_a_texts_maximum_give_the_same_bits(monkeypatch):
    # random functions over 40 columns, three candidates with 0-3 texts each; a subset small
    # enough to take the per-function way must give the full rows' values to the bit
    rng = np.random.default_rng(3)
    n_f, n_cols = 300, 40
    sizes = rng.integers(0, 6, n_f)
    fm_indices = np.concatenate([np.sort(rng.choice(n_cols, k, replace=False)) for k in sizes]).astype(np.int32)

    class F:
        fm_indptr = np.concatenate([[0], np.cumsum(sizes)])

        def __len__(self):
            return n_f

    F.fm_indices = fm_indices
    texts = [0, 2, 3]
    st_sizes = rng.integers(1, 12, sum(texts))
    st_indices = np.concatenate([rng.choice(n_cols + 5, k, replace=False) for k in st_sizes]).astype(np.int32)

    class C:
        sw_indptr = np.concatenate([[0], np.cumsum(texts)])
        sw_count = np.array(texts)
        sw_share = np.array([0.0, 0.5, 0.6])
        st_indptr = np.concatenate([[0], np.cumsum(st_sizes)])

        def __len__(self):
            return 3

    C.st_indices = st_indices
    C.st_cos = rng.uniform(0.3, 0.9, len(st_indices)).astype(np.float32)
    c, f = C(), F()
    full = sc.meaning_rows(c, [0, 1, 2], f)
    assert full[0].tolist() == [0.0] * n_f and full[1:].max() > 0
    few = np.array([5, 17, 17, 250])
    assert sc.meaning_rows(c, [0, 1, 2], f, few).tolist() == full[:, few].tolist()
    pc, pf = np.array([2, 1, 2, 1]), np.array([9, 9, 100, 3])
    assert sc.meaning_pairs(c, [0, 1, 2], f, pc, pf).tolist() == full[pc, pf].tolist()
    monkeypatch.setattr(sc, "PAIR_TABLE_CELLS", n_cols)   # one candidate a table
    assert sc.meaning_pairs(c, [0, 1, 2], f, pc, pf).tolist() == full[pc, pf].tolist()
    # one profile's columns (the function -> candidates direction) give its row's values
    for i in (0, 17, 250):
        own = fm_indices[F.fm_indptr[i]:F.fm_indptr[i + 1]]
        assert sc.meaning_of_columns(c, own).tolist() == full[:, i].tolist()
