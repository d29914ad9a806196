"""The web app's own tables, as a migration set of its own (``matchcore.web``).

Importing this module registers the set with the store (:func:`matchcore.store.register_migrations`),
so every store the web app or ``matchcore user ...`` opens has these tables; a store used only by
the command line never gets them.
"""
from __future__ import annotations

import sqlite_utils
from sqlite_utils import Migrations

from matchcore.store import register_migrations

__all__ = ["WEB"]

WEB = Migrations("matchcore.web")


@WEB(name="m1_accounts_and_logs")
def _m1_accounts_and_logs(db: sqlite_utils.Database) -> None:
    """Team accounts, login sessions, the contact log of calls to employers and the audit log of
    who changed what.

    ``sessions`` keeps only a hash of each cookie token; ``contact_log`` and ``audit_log`` have
    no foreign keys on purpose: history stays when a record it mentions is deleted. A database
    from before migration sets (``meta.schema_version`` 3) already has these tables, made by the
    store's old third step; they are then left as they are.
    """
    db["users"].create(
        {"id": int, "name": str, "password_hash": str, "created_at": str, "last_login_at": str},
        pk="id", not_null={"name", "password_hash"}, if_not_exists=True,
    )
    db["users"].create_index(["name"], unique=True, if_not_exists=True)
    db["sessions"].create(
        {"token_hash": str, "user_name": str, "csrf_token": str, "created_at": str,
         "expires_at": str, "last_seen_at": str},
        pk="token_hash", if_not_exists=True,
    )
    db["contact_log"].create(
        {"id": int, "at": str, "by_user": str, "employer_id": str, "function_id": str,
         "function_title": str, "candidate_id": str, "outcome": str, "outcome_date": str,
         "feedback_date": str, "note": str},
        pk="id", if_not_exists=True,
    )
    db["contact_log"].create_index(["employer_id", "at"], if_not_exists=True)
    db["audit_log"].create(
        {"id": int, "at": str, "user_name": str, "action": str, "target": str, "detail": str},
        pk="id", if_not_exists=True,
    )
    db["audit_log"].create_index(["at"], if_not_exists=True)


@WEB(name="m2_user_language")
def _m2_user_language(db: sqlite_utils.Database) -> None:
    """Each account's language for the web pages (``nl`` or ``en``; empty: the browser's, else
    Dutch), chosen with the switch in the page header, and its display name (the call sheet's
    fallback when the settings name no coach). Issue 13."""
    columns = db["users"].columns_dict
    for name in ("language", "display_name"):
        if name not in columns:
            db["users"].add_column(name, str)


register_migrations(WEB)
