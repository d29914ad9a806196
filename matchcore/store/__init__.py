"""The store: one SQLite file through sqlite-utils, its migrations, import and export."""
from matchcore.store.db import SCHEMA_VERSION, Store, default_db_path

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path"]
