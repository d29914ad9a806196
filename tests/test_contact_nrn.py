"""The contact log is personal data too: a call note with a national register number is refused
(in any spelling), an ordinary note with a phone number is kept. The numbers below pass the
check-number rule of matchcore/model/nrn.py (worked example 93051822361 from the source cited there)."""
import pytest

from matchcore.web.contacts import check_call


@pytest.mark.parametrize("note", ["rrn 93051822361 meegegeven", "93.05.18-223.61", "930518 223 61"])
def test_a_note_with_a_register_number_is_refused_and_not_echoed(note):
    _, errors = check_call({"outcome": "appointment", "note": note})
    assert "note" in errors
    assert "223" not in errors["note"]


@pytest.mark.parametrize("note", ["bel terug op 0470 12 34 56", "afspraak 12/03, postcode 2200"])
def test_an_ordinary_note_is_kept(note):
    clean, errors = check_call({"outcome": "appointment", "note": note})
    assert "note" not in errors and clean["note"] == note
