"""The contact log: the outcome of every call to an employer (step 5 to 8 of the belscript).

The team reads it on the employer's page before phoning, and the call sheet warns when the same
employer was phoned in the last :data:`RECENT_DAYS` days about the same kind of function, so that
two coaches do not phone one employer twice in a week with the same question.

"The same kind of function" is: the same function, or a title that rapidfuzz's
``token_set_ratio`` puts at :data:`SAME_KIND_SCORE` or more after case and accents are folded
("Afwasser / keukenhulp" and "keukenhulp" are the same kind; "Afwasser" and "Zaalmedewerker"
are not).
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from rapidfuzz import fuzz

from matchcore.web import audit

__all__ = [
    "OUTCOMES",
    "RECENT_DAYS",
    "SAME_KIND_SCORE",
    "calls_for",
    "check_call",
    "recent_similar_calls",
    "record_call",
    "same_kind",
]

OUTCOMES = {
    "appointment": "Appointment (afspraak)",
    "cv_sent": "CV sent (CV bezorgd)",
    "no": "No (nee)",
    "call_back": "Call back on date (terugbellen)",
}
RECENT_DAYS = 7
SAME_KIND_SCORE = 80


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def same_kind(title_a: str, title_b: str) -> bool:

    a, b = _fold(title_a), _fold(title_b)
    return bool(a and b) and fuzz.token_set_ratio(a, b) >= SAME_KIND_SCORE


def _date(value: str | None, field: str, errors: dict) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        errors[field] = f"must be a date written YYYY-MM-DD, got {value!r}"
        return None


def check_call(form: dict) -> tuple[dict, dict]:
    """Validate a call-outcome form; return (clean values, {field: message})."""
    errors: dict[str, str] = {}
    outcome = (form.get("outcome") or "").strip()
    if outcome not in OUTCOMES:
        errors["outcome"] = "choose what came out of the call: " + ", ".join(OUTCOMES.values())
    outcome_date = _date(form.get("outcome_date"), "outcome_date", errors)
    feedback_date = _date(form.get("feedback_date"), "feedback_date", errors)
    if outcome == "call_back" and not outcome_date and "outcome_date" not in errors:
        errors["outcome_date"] = "give the date to call back on"
    note = (form.get("note") or "").strip()
    if len(note) > 2000:
        errors["note"] = f"at most 2000 characters, got {len(note)}"
    clean = {"outcome": outcome, "outcome_date": outcome_date, "feedback_date": feedback_date,
             "note": note or None}
    return clean, errors


def record_call(store, *, user: str, employer_id: str, function_id: str | None,
                function_title: str | None, candidate_id: str | None, outcome: str,
                outcome_date: str | None = None, feedback_date: str | None = None,
                note: str | None = None, at: dt.datetime | None = None) -> int:
    """Store one call outcome with its audit line, in one transaction; return its id."""

    at = at or dt.datetime.now(dt.UTC)
    row = {"at": at.replace(microsecond=0).isoformat(), "by_user": user,
           "employer_id": employer_id, "function_id": function_id,
           "function_title": function_title, "candidate_id": candidate_id, "outcome": outcome,
           "outcome_date": outcome_date, "feedback_date": feedback_date, "note": note}
    with store.db.atomic():
        rid = store.db["contact_log"].insert(row).last_pk
        audit.record(store, user, "call.record", f"employer:{employer_id}",
                     {k: v for k, v in row.items() if k not in ("at", "by_user") and v})
    return rid


def calls_for(store, employer_id: str, *, limit: int = 100) -> list[dict]:
    """The employer's calls, newest first."""
    return store.rows("select * from contact_log where employer_id = ? order by at desc, id desc "
                      "limit ?", [employer_id, limit])


def recent_similar_calls(store, employer_id: str, *, function_id: str | None,
                         function_title: str | None, now: dt.datetime | None = None,
                         days: int = RECENT_DAYS) -> list[dict]:
    """Calls to this employer in the last ``days`` days about the same kind of function."""
    now = now or dt.datetime.now(dt.UTC)
    since = (now - dt.timedelta(days=days)).replace(microsecond=0).isoformat()
    rows = store.rows("select * from contact_log where employer_id = ? and at >= ? "
                      "order by at desc", [employer_id, since])
    return [r for r in rows
            if (function_id and r["function_id"] == function_id)
            or same_kind(r["function_title"] or "", function_title or "")]
