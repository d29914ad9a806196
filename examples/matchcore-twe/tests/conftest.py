import sys
from pathlib import Path

# Test the plugin from its source folder, installed or not.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """The rule tests read the English texts (as with ``matchcore --lang en``); the Dutch
    catalogue is checked in test_twe.py::test_texts_are_dutch_with_the_plugins_catalogue."""
    monkeypatch.setenv("MATCHCORE_LANG", "en")
