"""Classic location-allocation models on a (demand x candidate site) cost matrix, solved by HiGHS.

    p_median    minimise the weighted cost from each demand point to its site (optionally capacitated)
    max_cover   maximise the weight within ``limit`` of an open site, given p new sites or a budget
    set_cover   fewest (or cheapest) sites so that every demand point is within ``limit``
    p_center    minimise the longest (optionally weighted) cost from a demand point to its site

Each model has its own module (planner.location.p_median, .max_cover, .set_cover, .p_center) with its
formulation; what they share (the result, the input checks, the HiGHS hand-off, the set-cover rows) is in
planner.location.base, whose docstring gives the conventions for ``cost``, ``existing`` and ``p``.
"""

# This module only re-exports: `planner.location.models` is the import path the README documents
# (`from planner.location import models`). New code imports from the model's own module.
from planner.location.base import LocationResult
from planner.location.max_cover import max_cover
from planner.location.p_center import p_center
from planner.location.p_median import p_median
from planner.location.set_cover import set_cover

__all__ = ["LocationResult", "max_cover", "p_center", "p_median", "set_cover"]
