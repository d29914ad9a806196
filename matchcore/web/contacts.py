"""The contact log: the outcome of every call to an employer (step 5 to 8 of the belscript).

The team reads it on the employer's page before phoning, and the call sheet warns when the same
employer was phoned in the last :data:`RECENT_DAYS` days about the same kind of function, so that
two coaches do not phone one employer twice in a week with the same question.

"The same kind of function" is: the same function, or a title that rapidfuzz's
``token_set_ratio`` puts at :data:`SAME_KIND_SCORE` or more after case and accents are folded
("Afwasser / keukenhulp" and "keukenhulp" are the same kind; "Afwasser" and "Zaalmedewerker"
are not).

Each entry has a revision (``matchcore.store.revisions``, kind ``contact``): a correction
(:func:`update_call`) names the revision it started from and changes only the fields given, so
that two coaches correcting one entry never overwrite each other silently.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

from rapidfuzz import fuzz

from matchcore.errors import EditConflict, NotFound
from matchcore.i18n import N_, _
from matchcore.model.nrn import find_nrn
from matchcore.store import revisions
from matchcore.web import audit
from matchcore.web.labels import enum_code, parse_date

__all__ = [
    "OUTCOMES",
    "RECENT_DAYS",
    "SAME_KIND_SCORE",
    "calls_for",
    "check_call",
    "get_call",
    "recent_similar_calls",
    "record_call",
    "same_kind",
    "update_call",
]

OUTCOMES = {  # the labels are translated where shown: _(OUTCOMES[code])
    "appointment": N_("Appointment"),
    "cv_sent": N_("CV sent"),
    "no": N_("No"),
    "call_back": N_("Call back on date"),
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
        return parse_date(value).isoformat()
    except ValueError:
        errors[field] = _("must be a date written dd/mm/yyyy, got {value!r}").format(value=value)
        return None


def check_call(form: dict) -> tuple[dict, dict]:
    """Validate a call-outcome form; return (clean values, {field: message})."""
    errors: dict[str, str] = {}
    outcome = enum_code("outcome", form.get("outcome")) or ""
    if outcome not in OUTCOMES:
        errors["outcome"] = _("choose what came out of the call: {choices}").format(
            choices=", ".join(_(v) for v in OUTCOMES.values()))
    outcome_date = _date(form.get("outcome_date"), "outcome_date", errors)
    feedback_date = _date(form.get("feedback_date"), "feedback_date", errors)
    if outcome == "call_back" and not outcome_date and "outcome_date" not in errors:
        errors["outcome_date"] = _("give the date to call back on")
    note = (form.get("note") or "").strip()
    if len(note) > 2000:
        errors["note"] = _("at most 2000 characters, got {n}").format(n=len(note))
    elif find_nrn(note):
        # the contact log is personal data like the candidate records: no register numbers in it
        errors["note"] = _("the note contains what looks like a national register number; "
                           "write the candidate's pseudonymous id instead")
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
    with store.write(bump=False):
        rid = store.db["contact_log"].insert(row).last_pk
        revisions.note(store.db, "contact", str(rid), [k for k, v in row.items() if v], user)
        audit.record(store, user, "call.record", f"employer:{employer_id}",
                     {k: v for k, v in row.items() if k not in ("at", "by_user") and v})
    return rid


def calls_for(store, employer_id: str, *, limit: int = 100) -> list[dict]:
    """The employer's calls, newest first, each with its ``revision``."""
    return store.rows("select c.*, " + _REVISION + " from contact_log c where employer_id = ? "
                      "order by at desc, id desc limit ?", [employer_id, limit])


_REVISION = ("coalesce((select max(r.revision) from revisions r where r.kind = 'contact' "
             "and r.parent = '' and r.id = cast(c.id as text)), 0) as revision")
EDITABLE = ("outcome", "outcome_date", "feedback_date", "note")


def get_call(store, call_id: int, employer_id: str | None = None) -> dict:
    """One contact-log entry with its ``revision`` (of ``employer_id``, when given).

    Raises
    ------
    NotFound
        No such entry (or not one of that employer's).
    """
    rows = store.rows("select c.*, " + _REVISION + " from contact_log c where id = ?", [call_id])
    if not rows or (employer_id is not None and rows[0]["employer_id"] != employer_id):
        raise NotFound("call", str(call_id))
    return rows[0]


def update_call(store, call_id: int, changes: dict, *, expected_revision: int, user: str) -> dict:
    """Correct a contact-log entry: the fields in ``changes`` (clean values, as
    :func:`check_call` gives), against the revision read; return the entry as stored.

    Raises
    ------
    EditConflict
        Someone changed the entry since ``expected_revision``; nothing is written.
    """
    with store.write(bump=False):
        rows = store.rows("select c.*, " + _REVISION + " from contact_log c where id = ?", [call_id])
        if not rows:
            raise NotFound("call", str(call_id))
        row = rows[0]
        if row["revision"] != expected_revision:
            since = revisions.changes_since(store.db, "contact", str(call_id), expected_revision)
            names = sorted({f for c in since for f in c.fields} & set(EDITABLE))
            raise EditConflict(_("call {id} to employer {employer}").format(
                                   id=call_id, employer=row["employer_id"]),
                               by=since[-1].by if since else None, at=since[-1].at if since else None,
                               fields=[(f, row[f], changes.get(f, row[f])) for f in names])
        changed = {k: v for k, v in changes.items() if k in EDITABLE and row[k] != v}
        if changed:
            store.db["contact_log"].update(call_id, changed)
            revisions.note(store.db, "contact", str(call_id), changed, user)
            audit.record(store, user, "call.edit", f"employer:{row['employer_id']}",
                         {"call": call_id, "fields": sorted(changed)})
    return store.rows("select c.*, " + _REVISION + " from contact_log c where id = ?", [call_id])[0]


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
