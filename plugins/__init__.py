"""Built-in instrument plugins of matchcore, installed as the import package ``matchcore_plugins``.

They are registered through the ``matchcore`` entry-point group, exactly like third-party plugins.
"""
