"""matchcore: job matching and job carving for job coaches in Flanders."""

__version__ = "0.1.0"
