"""The coach's own settings: who they are (for the call sheet and the advice) and their language.

Stored as a small YAML file, readable by its owner only (mode 0600, like the database):
``$MATCHCORE_CONFIG`` when set, else ``$XDG_CONFIG_HOME/matchcore/config.yaml``, else
``~/.config/matchcore/config.yaml``. A missing file means "nothing set yet" (all empty,
language from ``--lang``/``MATCHCORE_LANG``/Dutch)::

    coach:
      name: An Peeters
      organisation: Werkwinkel Gent
      phone: 09 123 45 67
      email: an.peeters@example.be
    lang: nl

Set from the CLI with ``matchcore config set coach.name "An Peeters"`` (see :mod:`matchcore.cli.config`);
from code with :func:`save_setting`. The file holds the coach's own contact details only,
never a candidate's; nothing of it is logged.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from matchcore._config_path import config_path
from matchcore.errors import SettingsError, did_you_mean
from matchcore.i18n import N_, _, normalise_language

__all__ = ["Coach", "Settings", "KEYS", "config_path", "load_settings", "save_setting",
           "get_setting", "MAX_CONFIG_BYTES"]

# A settings file is a few hundred bytes; anything this big is not one.
MAX_CONFIG_BYTES = 64 * 1024
_MAX_TEXT = 200
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9 ./()\-]+$")

# What each key holds, shown by ``matchcore config show`` and in errors.
KEYS: dict[str, str] = {
    "coach.name": N_("your name, as the call sheet and the advice introduce you"),
    "coach.organisation": N_("the organisation you work for"),
    "coach.phone": N_("your phone number"),
    "coach.email": N_("your e-mail address"),
    "lang": N_("language of texts: nl (Dutch) or en (English)"),
}


def _plain_text(value: object) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > _MAX_TEXT:
        raise ValueError(_("is longer than {n} characters").format(n=_MAX_TEXT))
    if any(c in text for c in "\r\n\t\x00"):
        raise ValueError(_("must be one line of text"))
    return text


class Coach(BaseModel):
    """The coach's identity, as shown to employers and candidates."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""

    @field_validator("name", "organisation", mode="before")
    @classmethod
    def _text(cls, value: object) -> str:
        return _plain_text(value)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, value: object) -> str:
        text = _plain_text(value)
        if text and (not _PHONE.match(text) or sum(c.isdigit() for c in text) < 6):
            raise ValueError(_("is not a phone number (digits, spaces, +, /, . or -): {value!r}")
                             .format(value=text))
        return text

    @field_validator("email", mode="before")
    @classmethod
    def _email(cls, value: object) -> str:
        text = _plain_text(value)
        if text and not _EMAIL.match(text):
            raise ValueError(_("is not an e-mail address: {value!r}").format(value=text))
        return text


class Settings(BaseModel):
    """Everything in the settings file."""

    model_config = ConfigDict(extra="forbid")

    coach: Coach = Coach()
    lang: str | None = None

    @field_validator("lang", mode="before")
    @classmethod
    def _lang(cls, value: object) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        lang = normalise_language(str(value))
        if lang is None:
            raise ValueError(_("must be nl or en, not {value!r}").format(value=str(value)))
        return lang


def _problem(path: Path, field: str | None, message: str) -> SettingsError:
    return SettingsError(f"{path}: " + (f"{field} {message}" if field else message))


def _errors(path: Path, exc: ValidationError) -> SettingsError:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        if err["type"] == "extra_forbidden":
            lines.append(f"{path}: " + _("unknown setting {key}{hint}").format(
                key=field, hint=_hint(field)))
        else:
            msg = str(err.get("ctx", {}).get("error") or err["msg"])
            lines.append(f"{path}: {field} {msg}")
    return SettingsError("\n".join(lines))


def _hint(key: str) -> str:
    hint = did_you_mean(key, list(KEYS))
    return hint or "; " + _("known settings: {keys}").format(keys=", ".join(KEYS))


def load_settings(path: Path | None = None) -> Settings:
    """The settings in ``path`` (default :func:`config_path`); all empty when there is no file.

    Raises
    ------
    SettingsError
        The file is unreadable, too large, not YAML, or has an unknown key or a bad value
        (the message names the file and the key).
    """
    path = path or config_path()
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise _problem(path, None, _("is too large for a settings file (at most {n} bytes)")
                           .format(n=MAX_CONFIG_BYTES))
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Settings()
    except UnicodeDecodeError:
        raise _problem(path, None, _("is not UTF-8 text; save it as UTF-8")) from None
    except OSError as exc:
        raise _problem(path, None, _("cannot be read: {reason}").format(
            reason=exc.strerror or exc)) from None
    import yaml  # start-up: every command asks for the language, most coaches have no file

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line {n}").format(n=mark.line + 1) + ": " if mark else ""
        raise _problem(path, None, where + _("is not valid YAML")) from None
    if data is None:
        return Settings()
    if not isinstance(data, dict):
        raise _problem(path, None, _("must be a mapping of settings (coach: ..., lang: ...)"))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise _errors(path, exc) from None


def get_setting(key: str, settings: Settings | None = None) -> str:
    """The value of one dotted key (``coach.name``) as text; ``""`` when unset."""
    if key not in KEYS:
        raise SettingsError(_("unknown setting {key}{hint}").format(key=key, hint=_hint(key)))
    settings = settings or load_settings()
    value: object = settings
    for part in key.split("."):
        value = getattr(value, part)
    return "" if value is None else str(value)


def save_setting(key: str, value: str | None, path: Path | None = None) -> Settings:
    """Set one dotted key (``""`` or None clears it), validate, and write the file (mode 0600).

    The file is replaced atomically, so a crash leaves the old or the new settings, never half.

    Raises
    ------
    SettingsError
        Unknown key (with the nearest known one), a bad value, or the file cannot be written.
    """
    if key not in KEYS:
        raise SettingsError(_("unknown setting {key}{hint}").format(key=key, hint=_hint(key)))
    path = path or config_path()
    data = load_settings(path).model_dump()
    target = data
    *parents, last = key.split(".")
    for part in parents:
        target = target[part]
    target[last] = value if value not in (None, "") else (None if key == "lang" else "")
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _errors(path, exc) from None
    _write(path, settings)
    return settings


def _write(path: Path, settings: Settings) -> None:
    import yaml  # start-up

    data = settings.model_dump(exclude_none=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".yaml", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        os.chmod(path, 0o600)
    except OSError as exc:
        raise _problem(path, None, _("cannot be written: {reason}").format(
            reason=exc.strerror or exc)) from None
