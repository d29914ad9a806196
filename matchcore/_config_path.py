"""Where the coach's settings file lives (:mod:`matchcore.settings`), apart from the settings'
pydantic models: every command asks for it at start-up, to read the language, and most coaches
have no file, so finding that out must not import pydantic (issue 16)."""
from __future__ import annotations

import os
from pathlib import Path

__all__ = ["config_path"]


def config_path() -> Path:
    """Where the settings live: ``$MATCHCORE_CONFIG``, else the user's config folder."""
    explicit = os.environ.get("MATCHCORE_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / "matchcore" / "config.yaml"
