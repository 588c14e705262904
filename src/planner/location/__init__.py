"""Classic location models (p-median, covering, p-center) on a cost matrix, and running them on a
scenario's regions: one model per module (p_median, max_cover, set_cover, p_center) on a shared base
(result, input checks, HiGHS hand-off), as spopt's locate/ is laid out; regions runs them for
``planner locate``."""
