"""Job carving: from a Quick Scan's tasks to carved functions with a business case."""
from matchcore.carving.carve import CarveOptions, CarvingError, carve

__all__ = ["CarveOptions", "CarvingError", "carve"]
