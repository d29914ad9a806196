"""matchcore's web app for jobhunters and consultants (``matchcore serve``).

Import :func:`create_app` from :mod:`matchcore.web.app`; this package itself stays light so that
``matchcore user ...`` does not load the web framework.
"""
from __future__ import annotations

__all__ = ["create_app"]


def create_app(db_path: str, **kwargs):
    from matchcore.web.app import create_app as _create_app

    return _create_app(db_path, **kwargs)
