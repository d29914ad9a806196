"""Job carving: from a Quick Scan's tasks to carved functions with a business case.

Selection (:mod:`~matchcore.carving.selection`), the task graph (:mod:`~matchcore.carving.graph`,
competences compared by concept in :mod:`~matchcore.carving.competences`), bundles and positions
(:mod:`~matchcore.carving.bundles`), job quality and profile (:mod:`~matchcore.carving.quality`),
the business case and candidates (:mod:`~matchcore.carving.business_case`), the Dutch texts
(:mod:`~matchcore.carving.texts`); :func:`~matchcore.carving.carve.carve` puts them together and
returns the typed results of :mod:`~matchcore.carving.results`.
"""
from matchcore.carving.carve import carve
from matchcore.carving.options import CarveOptions
from matchcore.carving.results import CarvedFunction, CarvingResult, NotCarved
from matchcore.errors import CarvingError

__all__ = ["CarveOptions", "CarvedFunction", "CarvingError", "CarvingResult", "NotCarved", "carve"]
