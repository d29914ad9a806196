"""Languages: gettext catalogues (managed with Babel) and Belgian number and date formats.

Dutch (nl_BE) is the default; English on request (``--lang en``, ``MATCHCORE_LANG=en``, the web
user's choice). Message ids in the code are English; the Dutch text lives in the catalogue
``matchcore/locale/nl/LC_MESSAGES/matchcore.po`` (compiled to ``.mo`` and shipped in the package).
JSON keys and codes never go through here: only the text a person reads.

Usage::

    from matchcore.i18n import _, N_, ngettext, format_number, format_money, format_date
    _("missing")                        # -> "ontbreekt" in Dutch
    _("{n} km away").format(n=12)       # placeholders are filled after translation
    REASONS = {"x": N_("too far")}      # marked for extraction, translated when shown: _(REASONS["x"])

The language is a context variable, so a web request (or a thread) can use its own without
touching anybody else's: ``with use_language("en"): ...``.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import functools
import os
from collections.abc import Iterator
from pathlib import Path

from babel import Locale, dates, numbers
from babel.support import NullTranslations, Translations

__all__ = [
    "LANGUAGES", "DEFAULT_LANGUAGE", "LOCALES", "DOMAIN", "LOCALE_DIR",
    "_", "N_", "ngettext", "gettext", "get_language", "set_language", "use_language",
    "normalise_language", "translations", "add_catalogue", "locale",
    "format_number", "format_money", "format_date", "format_percent",
]

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
# The CLDR locale behind each language: Belgian Dutch (1.165,30; 1 december 2026) and
# British English for English texts (a Belgian reader asking for English gets day-month dates).
LOCALES = {"nl": "nl_BE", "en": "en_GB"}
DOMAIN = "matchcore"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("matchcore_language", default=None)
# Catalogues of third-party plugins (their own domain and folder), merged into the main one.
_extra: list[tuple[str, Path]] = []


def normalise_language(value: str | None) -> str | None:
    """'nl', 'nl_BE', 'nl-be', 'NL', 'en-GB', 'dutch' ... -> 'nl' / 'en'; None when unknown."""
    if not value:
        return None
    return _normalised(str(value))


@functools.lru_cache(maxsize=64)
def _normalised(value: str) -> str | None:
    # cached: every translated text asks for the language (a match query's instruments some
    # thousands of times, issue 16), and the answer depends on this string alone
    v = value.strip().lower().replace("-", "_")
    aliases = {"dutch": "nl", "nederlands": "nl", "vlaams": "nl", "english": "en", "engels": "en"}
    v = aliases.get(v, v)
    base = v.split("_", 1)[0].split(".", 1)[0]
    return base if base in LANGUAGES else None


def get_language() -> str:
    """The language in use: the context's, else MATCHCORE_LANG, else Dutch."""
    lang = _language.get()
    if lang:
        return lang
    return normalise_language(os.environ.get("MATCHCORE_LANG")) or DEFAULT_LANGUAGE


def set_language(lang: str | None) -> None:
    """Use this language from now on in this context (None: back to MATCHCORE_LANG/Dutch)."""
    _language.set(normalise_language(lang) if lang else None)


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Within the block, texts are in ``lang`` (unknown or None: the current language)."""
    token = _language.set(normalise_language(lang) or get_language())
    try:
        yield get_language()
    finally:
        _language.reset(token)


def add_catalogue(domain: str, directory: str | Path) -> None:
    """Add a plugin's own catalogue (``directory/<lang>/LC_MESSAGES/<domain>.mo``) to the
    translations, so its texts translate with the same ``_``. matchcore's own catalogue is asked
    first (a plugin cannot change matchcore's texts), then the plugins' in the order added.
    See docs/plugins.md."""
    entry = (domain, Path(directory))
    if entry not in _extra:
        _extra.append(entry)
        translations.cache_clear()


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of one language (English: the message ids themselves)."""
    if lang == "en":
        base: NullTranslations = NullTranslations()
    else:
        base = Translations.load(str(LOCALE_DIR), [LOCALES.get(lang, lang), lang], domain=DOMAIN)
    for domain, directory in _extra:
        extra = Translations.load(str(directory), [LOCALES.get(lang, lang), lang], domain=domain)
        if isinstance(extra, Translations):  # a NullTranslations: no catalogue of that language
            base.add_fallback(extra)
    return base


_MEMO_LIMIT = 20000   # texts remembered per catalogue (formatted texts go through _() too: bounded)


def gettext(message: str) -> str:
    """The message in the current language."""
    if not message:
        return message
    catalogue = translations(get_language())
    if type(message) is not str:   # a str subclass (a LocalText) comes back as itself when untranslated
        return catalogue.gettext(message)
    # memoised on the catalogue object itself, so a new catalogue (add_catalogue, or anyone's
    # translations.cache_clear()) starts afresh: a match query's instruments ask for some thousands
    # of texts, most of them the same few hundred, and the lookup through the fallbacks costs 1 us
    memo = catalogue.__dict__.get("_matchcore_memo")
    if memo is None:
        memo = catalogue.__dict__["_matchcore_memo"] = {}
    text = memo.get(message)
    if text is None:
        text = catalogue.gettext(message)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[message] = text
    return text


_ = gettext


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (translated where shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_language()).ngettext(singular, plural, n)


@functools.lru_cache(maxsize=None)
def _locale(name: str) -> Locale:
    return Locale.parse(name)  # parsing costs ~40 us; an explained match formats ~200 numbers


def locale(lang: str | None = None) -> Locale:
    return _locale(LOCALES[normalise_language(lang) or get_language()])


def format_number(value: float | int | None, digits: int | None = None, lang: str | None = None) -> str:
    """1165.3 -> '1.165,3' (nl_BE); digits fixes the decimals (2 -> '1.165,30')."""
    if value is None:
        return ""
    return _format_number(type(value), value, digits, normalise_language(lang) or get_language())


@functools.lru_cache(maxsize=65536)
def _format_number(_kind: type, value, digits: int | None, lang: str) -> str:
    # memoised: a match query explains its top results with ~200 numbers, most of them the same
    # few (weights, levels, hours), and Babel takes ~0.1 ms each (issue 16); ``_kind`` keeps
    # 1, 1.0 and True apart
    loc = _locale(LOCALES[lang])
    if digits is None:
        return numbers.format_decimal(value, locale=loc)
    return numbers.format_decimal(value, format=_digits_pattern(digits), locale=loc,
                                  decimal_quantization=True)


@functools.lru_cache(maxsize=16)
def _digits_pattern(digits: int) -> numbers.NumberPattern:
    # parsed once: Babel parses a pattern string again on every call, a quarter of its time
    return numbers.parse_pattern("#,##0" + ("." + "0" * digits if digits > 0 else ""))


def format_money(value: float | int | None, currency: str = "EUR", lang: str | None = None) -> str:
    """1165.3 -> '€ 1.165,30' (nl_BE) / '€1,165.30' (en)."""
    if value is None:
        return ""
    return numbers.format_currency(value, currency, locale=locale(lang))


def format_percent(value: float | None, digits: int = 0, lang: str | None = None) -> str:
    """0.5 -> '50%' ; digits adds decimals."""
    if value is None:
        return ""
    lang = normalise_language(lang) or get_language()
    try:
        return _format_percent(type(value), value, digits, lang)
    except TypeError:   # an unhashable value: Babel says what it makes of it
        return _format_percent.__wrapped__(type(value), value, digits, lang)


@functools.lru_cache(maxsize=4096)
def _format_percent(_kind: type, value, digits: int, lang: str) -> str:
    # memoised as _format_number is: the instruments of a match query write ~240 rates, the same
    # few (contribution rates, VAT), and Babel takes ~30 us each
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return numbers.format_percent(value, format=fmt, locale=_locale(LOCALES[lang]))


def format_date(value: _dt.date | str | None, form: str = "long", lang: str | None = None) -> str:
    """2026-12-01 -> '1 december 2026' (long) or '01/12/2026' (short, as Belgians write it)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _dt.date.fromisoformat(value[:10])
    if isinstance(value, _dt.datetime):
        value = value.date()
    loc = locale(lang)
    if form == "short":
        return dates.format_date(value, "dd/MM/yyyy", locale=loc)
    return dates.format_date(value, "d MMMM yyyy", locale=loc)
