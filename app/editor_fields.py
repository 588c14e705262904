"""Which scenario fields the Plan page's own editors reach, and their column headers: the tables that
plan_page.py draws and scenario_editors.covered() reads. They live here, below both, so that neither page
module imports the other."""

from __future__ import annotations

from planner.messages import labels


def _headers(prefix: str, fields: tuple[str, ...]) -> dict[str, str]:
    """field -> its editor column's English header (the labels catalog's field.<prefix><field>), which is the
    column's name in the editor's frame; the 中文 header is the catalog's too (plan_page.header)."""
    return {f: labels.field(prefix + f, "en") for f in fields}


MOD_COLUMNS = _headers("modalities.*.", (  # targets first: a wide editor scrolls, and they are what a planner
    # changes most
    "target_per_million", "target_hard", "price_wan_cny", "running_cost_wan_cny_per_year",
    "capacity_exams_per_unit_per_year", "service_life_years", "staff_per_unit", "exam_rate_per_1000_per_year",
    "demand_growth_pct_per_year", "stock_growth_pct_per_year", "shortfall_wan_cny_per_unit_year"))
TIER_COLUMNS = _headers("tiers.*.", ("label", "rank", "unmet_weight"))
WEIGHT_COLUMNS = _headers("weights.", (
    "unmet_wan_cny_per_thousand_exams", "referral_wan_cny_per_thousand_exams",
    "mobile_away_wan_cny_per_thousand_exams", "density_shortfall_wan_cny_per_unit_year",
    "shortfall_below_base_year_factor", "cost_weight"))
# the path of each editor column (plan_page.header finds its 中文 there)
EDITOR_PATHS = {**{f"modalities.*.{f}": h for f, h in MOD_COLUMNS.items()},
                **{f"tiers.*.{f}": h for f, h in TIER_COLUMNS.items()},
                **{f"weights.{f}": h for f, h in WEIGHT_COLUMNS.items()}}

# Scenario fields with an input of their own (section.field -> i18n key of its label).
FIELD_LABELS = {"budget.total_wan_cny": "budget_total", "budget.committed_wan_cny": "budget_committed",
                "budget.per_year_wan_cny": "budget_by_year", "budget.even_yearly_tranches": "even_tranches",
                "budget.include_running_cost": "running", "solver.time_limit_s": "time_limit",
                "solver.mip_rel_gap": "gap", "access.exam_types": "access_types",
                "access.limit_minutes": "access_limit", "access.cap_minutes": "access_cap",
                "access.require_within_limit": "access_require",
                "access.travel_wan_cny_per_million_person_minutes": "access_travel_weight",
                "access.beyond_limit_wan_cny_per_thousand_people": "access_beyond_weight",
                "equity.objective": "eq_objective", "equity.max_shortfall_per_million": "eq_max_shortfall",
                "equity.max_travel_minutes": "eq_max_travel"}
