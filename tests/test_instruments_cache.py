"""The compiled cache of the parameter files (matchcore.instruments._yamlcache): used only for the
same bytes, rebuilt when stale, corrupt or foreign, never a reason for a different result."""
from __future__ import annotations

import datetime as dt
import os
import pickle
import sys
import textwrap
from pathlib import Path

import pytest

from matchcore.errors import ParameterError
from matchcore.instruments import _yamlcache, params
from matchcore.instruments.params import _read_yaml, load_parameters

TEXT = textwrap.dedent("""
    references:
      own: {title: "Own page", url: "https://example.org/xyz"}
    parameters:
      rate:
        description: A rate.
        unit: ratio
        values:
          2020-01-01: {value: 0.25, reference: own, last_verified: 2026-11-23}
          2024-01-01: {value: 0.28, reference: own, last_verified: 2026-11-23}
""")


@pytest.fixture
def params_file(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "pycache_prefix", None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    path = tmp_path / "plugin" / "rates.yaml"
    path.parent.mkdir()
    path.write_text(TEXT, encoding="utf-8")
    return path


def _entry(path: Path) -> Path:
    return path.parent / "__pycache__" / (path.name + ".matchcore-params.pickle")


def _parses(monkeypatch) -> list[Path]:
    """Record each time the YAML itself is parsed (not read from the cache)."""
    seen: list[Path] = []
    real = params._parse_yaml

    def parse(path, fh):
        seen.append(path)
        return real(path, fh)

    monkeypatch.setattr(params, "_parse_yaml", parse)
    return seen


def test_second_read_comes_from_the_cache_with_the_same_content(params_file, monkeypatch):
    seen = _parses(monkeypatch)
    first = _read_yaml(params_file)
    second = _read_yaml(params_file)
    assert seen == [params_file]
    assert second == first
    assert second["parameters"]["rate"]["values"][dt.date(2024, 1, 1)]["value"] == 0.28
    assert _entry(params_file).is_file()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_entries_are_owner_only(params_file):
    _read_yaml(params_file)
    assert _entry(params_file).stat().st_mode & 0o777 == 0o600


def test_changed_bytes_with_the_same_size_and_time_are_parsed_again(params_file, monkeypatch):
    _read_yaml(params_file)
    stat = params_file.stat()
    params_file.write_text(TEXT.replace("0.28", "0.29"), encoding="utf-8")
    os.utime(params_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))   # a stale key would match
    seen = _parses(monkeypatch)
    raw = _read_yaml(params_file)
    assert seen == [params_file]
    assert raw["parameters"]["rate"]["values"][dt.date(2024, 1, 1)]["value"] == 0.29


@pytest.mark.parametrize("content", [b"", b"not a pickle", pickle.dumps(("tag", "digest"))[:-3]])
def test_a_corrupt_entry_is_rebuilt(params_file, monkeypatch, content):
    expected = _read_yaml(params_file)
    _entry(params_file).write_bytes(content)
    seen = _parses(monkeypatch)
    assert _read_yaml(params_file) == expected
    assert seen == [params_file]
    assert _read_yaml(params_file) == expected    # and rewritten
    assert seen == [params_file]


class _Boom:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_an_entry_holding_anything_but_plain_values_is_refused(params_file, monkeypatch):
    expected = _read_yaml(params_file)
    entry = _entry(params_file)
    tag, digest, _raw = pickle.loads(entry.read_bytes())
    entry.write_bytes(pickle.dumps((tag, digest, _Boom())))
    called = []
    monkeypatch.setattr(os, "system", lambda *a: called.append(a))
    assert _read_yaml(params_file) == expected
    assert called == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_an_entry_others_can_write_is_not_trusted(params_file, monkeypatch):
    _read_yaml(params_file)
    os.chmod(_entry(params_file), 0o666)
    seen = _parses(monkeypatch)
    _read_yaml(params_file)
    assert seen == [params_file]


def test_a_file_that_does_not_parse_is_never_cached(params_file):
    params_file.write_text("parameters: {a: 1, a: 2}\n", encoding="utf-8")
    for _ in range(2):   # the same error each time, from the file itself
        with pytest.raises(ParameterError, match="rates.yaml"):
            load_parameters(params_file)
    assert not _entry(params_file).exists()


def test_a_missing_file_is_still_named(tmp_path):
    with pytest.raises(ParameterError, match="parameter file not found"):
        _read_yaml(tmp_path / "nothing.yaml")


def test_an_unwritable_folder_uses_the_user_cache(params_file, monkeypatch, tmp_path):
    real = _yamlcache._write

    def beside_fails(place, digest, raw):
        if "__pycache__" in place.parts:
            return False
        return real(place, digest, raw)

    monkeypatch.setattr(_yamlcache, "_write", beside_fails)
    seen = _parses(monkeypatch)
    first = _read_yaml(params_file)
    assert _read_yaml(params_file) == first
    assert seen == [params_file]
    assert list((tmp_path / "user-cache" / "matchcore" / "params").iterdir())


def test_nowhere_to_write_still_works(params_file, monkeypatch):
    monkeypatch.setattr(_yamlcache, "_write", lambda place, digest, raw: False)
    seen = _parses(monkeypatch)
    assert _read_yaml(params_file) == _read_yaml(params_file)
    assert seen == [params_file, params_file]


def test_the_loaded_parameters_are_the_same_from_the_cache(params_file):
    def values(pf):
        return [(v.valid_from, v.value, v.reference.key) for v in pf.parameters["rate"].values]

    fresh = params.parse_parameters(_read_yaml(params_file), params_file)
    cached = params.parse_parameters(_read_yaml(params_file), params_file)
    assert values(cached) == values(fresh) == [
        (dt.date(2020, 1, 1), 0.25, "own"), (dt.date(2024, 1, 1), 0.28, "own")]
