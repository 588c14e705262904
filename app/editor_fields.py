"""Which scenario fields the Plan page's own editors reach, and their column headers: the tables that
plan_page.py draws and scenario_editors.covered() reads. They live here, below both, so that neither page
module imports the other."""

from __future__ import annotations

MOD_COLUMNS = {  # scenario field -> column header with its unit; targets first: a wide editor scrolls, and
    # they are what a planner changes most
    "target_per_million": "target (units/M)",
    "target_hard": "hard target",
    "price_wan_cny": "price (万元)",
    "running_cost_wan_cny_per_year": "running cost (万元/yr)",
    "capacity_exams_per_unit_per_year": "capacity (exams/unit/yr)",
    "service_life_years": "service life (yr)",
    "staff_per_unit": "staff per unit",
    "exam_rate_per_1000_per_year": "exam rate (per 1,000/yr)",
    "demand_growth_pct_per_year": "demand growth (%/yr)",
    "stock_growth_pct_per_year": "stock carry-forward (%/yr)",
    "shortfall_wan_cny_per_unit_year": "shortfall weight (万元 per missing unit-year; empty = the weights' one)",
}
TIER_COLUMNS = {"label": "label", "rank": "rank (1 = grassroots)", "unmet_weight": "unmet-demand weight"}
WEIGHT_COLUMNS = {
    "unmet_wan_cny_per_thousand_exams": "unmet (万元 per 1,000 exams)",
    "referral_wan_cny_per_thousand_exams": "referral (万元 per 1,000 exams)",
    "mobile_away_wan_cny_per_thousand_exams": "mobile away (万元 per 1,000 exams)",
    "density_shortfall_wan_cny_per_unit_year": "density shortfall (万元 per unit-year)",
    "shortfall_below_base_year_factor": "below the base year (x shortfall weight; 1 = no renewal priority)",
    "cost_weight": "cost weight (per 万元)",
}

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
