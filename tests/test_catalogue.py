"""The Dutch catalogue is complete and compiled: every text of the tree has a Dutch translation.

Fails when someone adds a ``_("...")`` (or a click help text, or a template string) without a
Dutch text: run ``python tools/i18n.py`` (extract -> update -> compile), translate the empty
``msgstr`` in ``matchcore/locale/nl/LC_MESSAGES/matchcore.po``, and run it again.
"""
from __future__ import annotations

import importlib.util
import string
from pathlib import Path

import pytest

from matchcore import i18n

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "tools" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def extracted(tool):
    return tool.extract()


@pytest.fixture(scope="module")
def catalogue(tool):
    return tool.load()


def _ids(catalog):
    return {(m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}


def test_every_extracted_msgid_is_in_the_dutch_catalogue(extracted, catalogue):
    missing = sorted(_ids(extracted) - _ids(catalogue))
    assert not missing, f"{len(missing)} texts missing from the .po (run python tools/i18n.py): {missing[:10]}"


def test_the_catalogue_holds_no_msgid_the_tree_no_longer_has(extracted, catalogue):
    stale = sorted(_ids(catalogue) - _ids(extracted))
    assert not stale, f"run python tools/i18n.py to drop: {stale[:10]}"


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [m.id for m in catalogue if m.id and not all(
        m.string if isinstance(m.string, (list, tuple)) else [m.string])]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"{len(untranslated)} without Dutch: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"


def _fields(text: str) -> list[str]:
    return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)


def test_placeholders_are_the_same_in_msgid_and_msgstr(catalogue):
    wrong = []
    for m in catalogue:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, (list, tuple)) else (m.id,)
        strs = m.string if isinstance(m.string, (list, tuple)) else (m.string,)
        for n, s in enumerate(strs):  # singular against the first form, plurals the second
            if not s:  # untranslated: reported by the test above
                continue
            try:
                want = sorted(set(_fields(ids[min(n, len(ids) - 1)])))
                got = sorted(set(_fields(s)))
            except ValueError:  # a text with a lone brace is no format string: nothing to compare
                continue
            if got != want:
                wrong.append((ids[0], s))
    assert not wrong, wrong[:5]


def test_click_help_keeps_its_no_rewrap_marks(catalogue):
    # click keeps a paragraph after "\b" as written (the examples); the Dutch must keep the mark
    lost = [m.id for m in catalogue if isinstance(m.id, str) and m.id.count("\b") != (m.string or "").count("\b")]
    assert not lost, lost[:5]


def test_the_compiled_mo_is_the_po(tool, catalogue):
    assert tool.MO.read_bytes() == tool.mo_bytes(catalogue), "run python tools/i18n.py to compile the .mo"


def test_the_package_loads_the_dutch_catalogue():
    i18n.translations.cache_clear()
    with i18n.use_language("nl"):
        assert i18n._("Show this message and exit.") != "Show this message and exit."
        assert i18n._("yes") == "ja"
    with i18n.use_language("en"):
        assert i18n._("yes") == "yes"


def test_the_tool_reports_a_new_untranslated_text(tool, tmp_path, monkeypatch):
    # the check is what the build runs: a msgid without Dutch is a problem it names
    po = tmp_path / "matchcore.po"
    po.write_bytes(tool.PO.read_bytes() + b'\nmsgid "a brand-new text"\nmsgstr ""\n')
    monkeypatch.setattr(tool, "PO", po)
    problems = tool.check()
    assert "untranslated: 'a brand-new text'" in problems

