"""The dated parameter files: loading, validation errors, lookup by date."""
from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from matchcore.errors import ParameterError, UnknownParameter
from matchcore.instruments.params import load_parameters as _load_parameters
from matchcore.instruments.registry import get_registry

PLUGINS = Path(__file__).resolve().parent.parent / "plugins"
SHARED_FILE = PLUGINS / "shared.yaml"


def load_parameters(path):
    """A parameter file citing the built-ins' shared references (as a built-in plugin loads it)."""
    return _load_parameters(path, SHARED_FILE)

GOOD = """
instruments:
  XYZ:
    name: test instrument
    summary: An instrument for the tests.
    source: own
    valid_from: 2020-01-01
references:
  own: {title: "Own page", url: "https://example.org/xyz"}
parameters:
  rate:
    description: A rate that changes.
    unit: ratio
    values:
      2020-01-01: {value: 0.25, reference: own, last_verified: 2026-11-23}
      2024-01-01: {value: 0.28, reference: S-001, last_verified: 2026-11-23, unverified: true, note: "from a seed"}
  stopped:
    description: A value that stops applying.
    reference: own
    values:
      2020-01-01: {value: 5, last_verified: 2026-11-23}
      2022-07-01: {value: null, last_verified: 2026-11-23}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("day, value, since", [
    (dt.date(2020, 1, 1), 0.25, dt.date(2020, 1, 1)),     # first day of the first value
    (dt.date(2023, 12, 31), 0.25, dt.date(2020, 1, 1)),   # the day before the change
    (dt.date(2024, 1, 1), 0.28, dt.date(2024, 1, 1)),     # the day of the change
    (dt.date(2030, 6, 1), 0.28, dt.date(2024, 1, 1)),     # long after: the last value holds
])
def test_value_in_force_on_each_side_of_a_change(tmp_path, day, value, since):
    found = load_parameters(write(tmp_path, GOOD)).get("rate", day)
    assert (found.value, found.valid_from) == (value, since)


def test_values_carry_reference_verification_and_flag(tmp_path):
    params = load_parameters(write(tmp_path, GOOD))
    old, new = params.get("rate", dt.date(2021, 1, 1)), params.get("rate", dt.date(2025, 1, 1))
    assert old.reference.url == "https://example.org/xyz" and not old.unverified
    assert new.reference.key == "S-001" and new.reference.seed.startswith("001_")   # shared reference
    assert new.unverified and new.note == "from a seed" and new.last_verified == dt.date(2026, 11, 23)
    assert params.instruments["XYZ"].valid_from == dt.date(2020, 1, 1)


def test_asking_before_the_first_value_says_when_values_start(tmp_path):
    with pytest.raises(ParameterError, match=r"'rate' has no value for 2019-12-31: its values start on 2020-01-01"):
        load_parameters(write(tmp_path, GOOD)).get("rate", dt.date(2019, 12, 31))


def test_null_value_ends_a_parameter(tmp_path):
    params = load_parameters(write(tmp_path, GOOD))
    assert params.get("stopped", dt.date(2022, 6, 30)).value == 5
    with pytest.raises(ParameterError, match="stopped applying on 2022-07-01"):
        params.get("stopped", dt.date(2022, 7, 1))


def test_unknown_parameter_name_suggests_the_closest(tmp_path):
    # a misspelt name is a bug in the plugin (UnknownParameter), not a gap in the data (ParameterError)
    with pytest.raises(UnknownParameter, match="no parameter 'rte'; did you mean 'rate'") as info:
        load_parameters(write(tmp_path, GOOD)).get("rte", dt.date(2024, 1, 1))
    assert not isinstance(info.value, ParameterError)
    with pytest.raises(UnknownParameter, match="no reference 'ownn'; did you mean 'own'"):
        load_parameters(write(tmp_path, GOOD)).reference("ownn")


@pytest.mark.parametrize("old, new, message", [
    # duplicate valid-from date: a silent overwrite
    ("      2024-01-01: {value: 0.28", "      2020-01-01: {value: 0.28", "appears twice"),
    # not a calendar date
    ("      2024-01-01: {value: 0.28", "      2024-13-01: {value: 0.28", "'2024-13-01' is not a valid date"),
    ("      2024-01-01: {value: 0.28", "      2023-02-30: {value: 0.28", "'2023-02-30' is not a valid date"),
    ("      2024-01-01: {value: 0.28", "      2024-1-1x: {value: 0.28", "must be a date written YYYY-MM-DD"),
    ("      2024-01-01: {value: 0.28", "      2024-01-01 10:00:00: {value: 0.28", "without a time"),
    # unknown keys at each level, with a suggestion
    ("    unit: ratio\n", "    unti: ratio\n", "parameters.rate: unknown key 'unti'; did you mean 'unit'?"),
    ("unverified: true", "unverifed: true", "unknown key 'unverifed'"),
    ("  own: {title:", "  own: {titel: x, title:", "unknown key 'titel'"),
    ("    valid_from: 2020-01-01", "    valid_form: 2020-01-01", "unknown key 'valid_form'"),
    ("parameters:\n", "parameter:\n  {}\nparameters:\n", "unknown key 'parameter'"),
    # missing or unresolved references, missing last_verified, missing value
    ("reference: S-001", "reference: S-01", "reference 'S-01' is not defined"),
    (", last_verified: 2026-11-23, unverified", ", unverified", "'last_verified' is required"),
    ("{value: 0.28, reference", "{reference", "'value' is required"),
    ('  own: {title: "Own page", url: "https://example.org/xyz"}', '  own: {title: "Own page"}', "give 'url' or 'seed'"),
    ("    valid_from: 2020-01-01", "    valid_from: 2020-01-01\n    valid_until: 2019-01-01", "must be after valid_from"),
])
def test_loader_rejects_mistakes_naming_where(tmp_path, old, new, message):
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ParameterError) as info:
        load_parameters(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_loader_caches_until_the_file_changes(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_parameters(path) is load_parameters(path)
    import os
    import time

    path.write_text(textwrap.dedent(GOOD.replace("0.28", "0.30")), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert load_parameters(path).get("rate", dt.date(2025, 1, 1)).value == 0.30


@pytest.mark.parametrize("path", sorted(PLUGINS.glob("*.yaml")), ids=lambda p: p.name)
def test_builtin_parameter_files_are_valid(path):
    """Every built-in file loads; every value cites a resolvable source and was verified by now."""
    params = load_parameters(path)
    assert params.parameters or params.references
    for param in params.parameters.values():
        for value in param.values:
            assert value.reference.url or value.reference.seed
            assert value.last_verified <= dt.date.today()
            if value.unverified:
                assert value.note, f"{path.name} {param.name}@{value.valid_from}: say why it is unverified"


def test_the_built_ins_pass_their_shared_file():
    """matchcore knows no plugin folder: each built-in names its shared file, beside its module."""
    for code, (inst, plugin) in get_registry().instruments.items():
        if plugin.startswith("matchcore_plugins."):
            assert inst.shared_parameters.path == SHARED_FILE, code


def test_shared_references_resolve_only_with_the_shared_file(tmp_path):
    path = write(tmp_path, GOOD)
    assert load_parameters(path).get("rate", dt.date(2025, 1, 1)).reference.key == "S-001"
    with pytest.raises(ParameterError, match="reference 'S-001' is not defined"):
        _load_parameters(path)


INDEXED = """
references:
  own: {title: "Own page", url: "https://example.org/xyz"}
parameters:
  minimum:
    description: An amount that follows an index.
    indexed: GGMMI
    reference: own
    values:
      2022-05-01: {value: 100, last_verified: 2026-12-01, checked_until: 2022-05-31}
      2023-11-01: {value: 110, last_verified: 2026-12-01}
      2025-02-01:
        value: 120
        last_verified: 2026-12-01
        alternatives:
          - {from: 2026-04-01, value: 125, reference: own, note: "a planned step"}
  plain:
    description: Not indexed.
    reference: own
    values:
      2020-01-01: {value: 1, last_verified: 2026-12-01}
"""


@pytest.mark.parametrize("day, note", [
    (dt.date(2022, 5, 31), None),                                      # within checked_until
    (dt.date(2022, 6, 1), "GGMMI: bedrag van 2022-05-01; later indexering niet nagekeken"),   # a gap follows
    (dt.date(2024, 1, 1), None),                                       # a verified value follows without a gap
    (dt.date(2025, 2, 1), None),                                       # the day of the newest value
    (dt.date(2025, 2, 2), "GGMMI: bedrag van 2025-02-01; later indexering niet nagekeken"),   # beyond it
])
def test_indexed_value_beyond_the_last_known_indexation_says_so(tmp_path, day, note):
    found = load_parameters(write(tmp_path, INDEXED)).get("minimum", day)
    assert found.indexation_note == note
    assert load_parameters(write(tmp_path, INDEXED)).get("plain", day).indexation_note is None


@pytest.mark.parametrize("day, flagged", [(dt.date(2026, 3, 31), False), (dt.date(2026, 4, 1), True)])
def test_an_alternative_is_flagged_from_its_date_but_not_applied(tmp_path, day, flagged):
    found = load_parameters(write(tmp_path, INDEXED)).get("minimum", day)
    assert found.value == 120 and found.valid_from == dt.date(2025, 2, 1)
    assert found.unverified is flagged
    assert [a.value for a in found.alternatives] == ([125] if flagged else [])
    assert ("disputed: from 2026-04-01 possibly 125" in (found.note or "")) is flagged


@pytest.mark.parametrize("old, new, message", [
    ("indexed: GGMMI", "indexed: ''", "indexed must be a non-empty text"),
    ("checked_until: 2022-05-31", "checked_until: 2022-04-30", "must not be before the value's date"),
    ("{from: 2026-04-01, value: 125", "{from: 2024-04-01, value: 125", "must not be before the value's date"),
    ("{from: 2026-04-01, value: 125, reference", "{from: 2026-04-01, reference", "'value' is required"),
    ("{from: 2026-04-01, value: 125", "{form: 2026-04-01, value: 125", "unknown key 'form'"),
    ("        alternatives:\n          - {from: 2026-04-01, value: 125, reference: own, note: \"a planned step\"}",
     "        alternatives: []", "must be a non-empty list"),
])
def test_indexation_and_alternatives_are_validated(tmp_path, old, new, message):
    assert old in INDEXED
    path = write(tmp_path, INDEXED.replace(old, new, 1))
    with pytest.raises(ParameterError) as info:
        load_parameters(path)
    assert message in str(info.value) and str(path) in str(info.value)
