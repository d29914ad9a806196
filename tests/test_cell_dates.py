"""Dates written dd/mm/jjjj in a spreadsheet cell: an impossible one is refused with a reason in
the reader's language (Python's own reason is English)."""
from __future__ import annotations

import pytest

from matchcore.errors import CellError
from matchcore.i18n import use_language
from matchcore.model.cells import _date


@pytest.mark.parametrize("lang, text, expected", [
    ("nl", "31/02/2027", "die maand heeft geen dag 31"),
    ("nl", "12/13/2027", "maand 13 bestaat niet"),
    ("en", "31/02/2027", "that month has no day 31"),
    ("en", "12/13/2027", "there is no month 13"),
])
def test_an_impossible_date_says_why_in_the_readers_language(lang, text, expected):
    with use_language(lang), pytest.raises(CellError) as err:
        _date(text)
    assert expected in str(err.value) and "out of range" not in str(err.value)


def test_a_real_date_reads_as_iso():
    assert _date("29/02/2028") == "2028-02-29" and _date("1/12/2026") == "2026-12-01"


@pytest.mark.parametrize("content, expected", [
    (b"kind: candidate\nid: K-9\nid: K-8\n", "regel 3: geen geldige YAML: sleutel 'id' staat twee keer in dezelfde mapping"),
    (b"kind: candidate\nbirth_date: 1968-02-30\n", "geen geldige datum (die maand heeft geen dag 30)"),
    (b"kind: candidate\nnaam: caf\xe9\n", "is geen UTF-8-tekst: byte"),
    # PyYAML's syntax problems (its English texts in yaml/scanner.py, yaml/parser.py) said in
    # Dutch, the mistakes of a file edited by hand: a tab, a missing ':', a quote or bracket
    # not closed, bad indentation, a Windows path in double quotes
    (b"kind: candidate\nid: K-9\n\tage: 40\n",
     "regel 3: geen geldige YAML: het teken '\\t' kan geen waarde beginnen (een tab? spring in met spaties"),
    (b"kind: candidate\nid: K-9\nname: \"caf\n", "geen geldige YAML: het bestand eindigt midden in een waarde"),
    (b"kind: candidate\nid: K-9\ntitle: Kok: warme keuken\n",
     "regel 3: geen geldige YAML: een ':' waar geen sleutel kan beginnen (een tekst met ': ' erin moet tussen"),
    (b"kind: candidate\ncompetences:\n  - name: afwassen\n level: 2\n",
     "regel 4: geen geldige YAML: het inspringen klopt hier niet (gevonden: '<block mapping start>')"),
    (b"kind: candidate\nshifts: [day, late\nid: K-1\n", "geen geldige YAML: een lijst tussen [ ] is niet goed afgesloten"),
    (b"kind: candidate\nnote: \"C:\\schijf\"\n", "een onbekende escape 's' tussen dubbele aanhalingstekens"),
])
def test_file_errors_are_dutch_by_default(tmp_path, dutch, content, expected):
    from matchcore.errors import ValidationFailed
    from matchcore.yamlfiles import load_yaml

    path = tmp_path / "k.yaml"
    path.write_bytes(content)
    with pytest.raises(ValidationFailed) as err:
        load_yaml(path)
    assert expected in str(err.value) and "line" not in str(err.value), str(err.value)
    assert "found" not in str(err.value) and "expected" not in str(err.value)
