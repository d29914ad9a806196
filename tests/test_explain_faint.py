"""Evidence so faint that it counts nothing (graded evidence at the foot of its ramp) is told to the
coach as a missing competence, not as a match that "counts 0.00": it belongs in the gap."""
from __future__ import annotations

import dataclasses

from matchcore.matching import matcher as mm
from matchcore.matching.matcher import Matcher
from tests.match_data import candidate, comp, employer, function


# the candidate's text is no list ("of": a choice), so it counts by its text evidence, which is
# what these tests look at; "laden en ook lossen" would count as its parts (matching.lists)
def _fitted(store):
    store.upsert([
        employer("depot", [function("laden", [comp("vrachtwagens laden en lossen", required=True),
                                              comp("afwassen")])]),
        candidate("K-1", [("afwassen", 1), ("vrachtwagens laden of ook lossen aan de kade", 1)])])
    return Matcher(store).fit()


def _lines(res):
    x = res.results[0]
    return x, [line for line in x.explanation if "vrachtwagens laden en lossen" in line]


def test_text_evidence_that_counts_is_a_match(store):
    x, lines = _lines(_fitted(store).match_candidate("K-1", top=1, instruments=False))
    assert lines and lines[0].startswith("~") and "vrachtwagens laden en lossen" not in x.missing_required


def test_evidence_too_faint_to_count_is_told_as_missing(store, monkeypatch):
    real = mm.candidate_info

    def faint(*a, **kw):   # the same candidate, its text evidence scaled to almost nothing
        ci = real(*a, **kw)
        return dataclasses.replace(ci, evidence={col: (sim * 1e-4, text) for col, (sim, text) in ci.evidence.items()})

    monkeypatch.setattr(mm, "candidate_info", faint)
    x, lines = _lines(_fitted(store).match_candidate("K-1", top=1, instruments=False))
    assert lines and lines[0].startswith("-")
    assert "vrachtwagens laden en lossen" in x.missing_required
