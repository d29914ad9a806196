"""The store: one SQLite file through sqlite-utils (:mod:`~matchcore.store.db`), its migration
sets (:mod:`~matchcore.store.migrations`), and import and export of data files
(:mod:`~matchcore.store.io`)."""
from matchcore.store.db import SCHEMA_VERSION, Store, default_db_path
from matchcore.store.migrations import register as register_migrations

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path", "register_migrations"]
