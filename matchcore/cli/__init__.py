"""The ``matchcore`` command line: one module per command group on top of the engines."""
from matchcore.cli.root import main, run

__all__ = ["main", "run"]
