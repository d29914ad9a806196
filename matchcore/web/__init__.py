"""matchcore's web app for jobhunters and consultants (``matchcore serve``): :func:`matchcore.web.app.create_app`.

Importing any part of the web package registers its tables (accounts, sessions, contact and audit
logs) with the store as the migration set ``matchcore.web`` (:mod:`matchcore.web.schema`).
"""
from matchcore.web import schema  # noqa: F401 - registers the web tables with the store
