"""Belgian national register numbers (rijksregisternummer) and BIS numbers, found in any text.

matchcore never stores one (candidates are pseudonymous), so every text field of every record is
checked with :func:`find_nrn`, and messages pass through :func:`redact` so that a refused number
is never echoed.

The number has 11 digits ``YYMMDD NNN CC`` (source: https://nl.wikipedia.org/wiki/Rijksregisternummer
and https://www.westerlo.be/artikel/rijksregisternummer):

- ``YYMMDD`` the birth date; month and/or day are 00 when the date is not known;
- ``NNN`` the day's serial number (odd for men, even for women);
- ``CC`` the check number: 97 minus (the first 9 digits modulo 97); for people born in or after
  2000 a 2 is put in front of the 9 digits first (source:
  https://www.viw-costablanca.com/experten/administratief/over-het-hoe-wat-en-waarom-van-het-rijksregisternummer/,
  worked example 93051822361; Vlaamse overheid, "Checksum97 op een rijksregisternummer",
  https://vlaamseoverheid.atlassian.net/wiki/ : 2000125567 mod 97 = 20, check 77).
- A BIS number (for people not in the register, e.g. cross-border workers) has the same check, with
  the birth month raised by 20 (sex unknown) or 40 (sex known) (source: the Wikipedia page above).

It is written in many ways: ``85010112345``, ``85.01.01-123.45`` (eID), ``850101 123 45`` (SIS
card), with dashes or spaces anywhere. A figure counts only when its 11 digits form a plausible
date (month 0..12, +20 or +40; day 0..31) *and* the check number is right, so that phone numbers,
postcodes, IBANs and ordinary figures are not refused: a random 11-digit figure passes both about
once in 390 times (measured over 200,000 random figures), a Belgian phone number never.
"""
from __future__ import annotations

import re

__all__ = ["find_nrn", "is_nrn", "redact", "WITHHELD"]

WITHHELD = "<withheld: looks like a national register number>"

# Groups of digits separated by one separator (space, dot, dash or a Unicode dash); a group right
# after "+" starts an international phone number, never a register number.
_SEP = r"[\s.\-\u2010-\u2015]"
_RUN = re.compile(rf"(?<![\d+])\d+(?:{_SEP}\d+)*")
_GROUP = re.compile(r"\d+")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid(digits: str) -> bool:
    """True when 11 digits are a register or BIS number: plausible date and right check number."""
    month, day = int(digits[2:4]), int(digits[4:6])
    if month >= 40:
        month -= 40
    elif month >= 20:
        month -= 20
    if month > 12 or day > 31 or (month and day > _DAYS_IN_MONTH[month - 1]):
        return False
    first9, check = int(digits[:9]), int(digits[9:])
    return check in (97 - first9 % 97, 97 - (2_000_000_000 + first9) % 97)


def _spans(text: str):
    """(start, end) of every register number in ``text``: any run of digit groups whose
    consecutive groups hold 11 digits in all and pass :func:`_valid`."""
    for run in _RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in _GROUP.finditer(run.group())]
        for i in range(len(groups)):
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if len(digits) > 11:
                    break
                if len(digits) == 11 and _valid(digits):
                    yield groups[i][0], groups[j][1]
                    break


def _few_digits(text: str) -> bool:
    """True when ``text`` has fewer than 11 digits, so holds no register number (the common case,
    answered without a regular expression: every text of every imported record is checked)."""
    return len(text) < 11 or sum(map(str.isdigit, text)) < 11


def find_nrn(text: str) -> bool:
    """True when ``text`` contains a national register or BIS number, in any spelling."""
    if not isinstance(text, str) or _few_digits(text):
        return False
    return next(_spans(text), None) is not None


def is_nrn(text: str) -> bool:
    """True when the whole of ``text`` (stripped) is one national register or BIS number."""
    text = text.strip() if isinstance(text, str) else ""
    if _few_digits(text):
        return False
    return any(start == 0 and end == len(text) for start, end in _spans(text))


def redact(text: str) -> str:
    """``text`` with every register number replaced by :data:`WITHHELD`, for messages."""
    if not find_nrn(text):
        return text
    out, last = [], 0
    for start, end in _spans(text):
        out += [text[last:start], WITHHELD]
        last = end
    return "".join(out) + text[last:]
