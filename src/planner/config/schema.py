"""The scenario: every input a planner sets, as Pydantic v2 models.

A scenario is a TOML file under ``models/``. Every numeric key carries its unit in its name
(``price_wan_cny``, ``capacity_exams_per_unit_per_year``...), so a planner reading the file never has to
guess. Unknown keys are rejected with the nearest valid key suggested (see ``errors.py``).
"""

from __future__ import annotations

from typing import Literal

import math

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from planner.messages import Message, msg

# 1 万元 = 10,000 CNY. Money in scenarios is in 万元 because that is how Chinese procurement budgets
# and tender prices are written; outputs that other tools read (plan.csv) are in CNY.
CNY_PER_WAN = 10_000.0  # yuan in one 万元 (the unit of every money field)

# A budget above 10^8 万元 (one trillion yuan) for imaging equipment is larger than the whole national
# market many times over (≈900亿元 in 2019, seed 004 l.62): such a number was almost surely typed in yuan.
MAX_PLAUSIBLE_BUDGET_WAN_CNY = 1e8
# Below 1 万元 (10,000 yuan) no imaging unit can be bought: a positive total this small was almost surely
# typed in 亿元 (1 亿元 = 10,000 万元). 0 stays valid: "what if there is no money" is a real question.
MIN_PLAUSIBLE_BUDGET_WAN_CNY = 1.0
# No imaging unit costs 10亿元 (the dearest, PET-MR, is a few thousand 万元): a larger price is in yuan.
MAX_PLAUSIBLE_PRICE_WAN_CNY = 100_000.0


def _names(choices) -> str:
    return ", ".join(f"'{c}'" for c in choices)


def _did_you_mean(word: str, choices) -> Message | str:
    from planner.errors import nearest

    guess = nearest(word, choices)
    return msg("schema.did_you_mean", guess=guess) if guess else ""


def _not_yuan(v: float, limit: float, code: str) -> float:
    """A 万元 amount above ``limit`` was almost surely typed in yuan: say so (``code``), with the converted value."""
    if v > limit:
        raise ValueError(msg(code, v=v, wan=v / CNY_PER_WAN))
    return v


class Strict(BaseModel):
    # inf and nan are never a planner's number: refuse them everywhere (TOML, --set, the app's editors)
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class RegionData(Strict):
    """Where the region tables live (paths relative to the scenario file)."""

    table: str = Field(description="region table: code, parent_code, name_zh, name_en, population, ...")
    stock: str = Field(description="existing units: code, tier, modality, units, reference_year")
    facilities: str | None = Field(None, description="facilities by tier: code, tier, facilities")
    staff: str | None = Field(
        None, description="optional imaging staff available: code, staff, optional year. A row without a year is "
                          "base-year staff, grown at staffing.growth_pct_per_year; a row with a plan year is "
                          "that year's staff as given. Regions not listed keep the computed figure")
    travel: str | None = Field(None, description="optional travel table: from_code, to_code, minutes (or km)")
    quotas: str | None = Field(
        None, description="optional configuration quotas (配置许可): code, modality, optional tier, max_new_units. "
                          "A row caps the new units of the modality (at the tier, or all tiers) bought over the "
                          "plan in the region with that code, or in every region under it (its parent_code, or "
                          "the prefecture or province its administrative code names)")
    travel_is_road_graph: bool = Field(
        False, description="the travel table is a road network's edge list: travel = shortest path over it")
    boundaries: str | None = Field(None, description="optional GeoJSON with a `code` property, for maps")
    sheet: str | None = Field(None, description="sheet name when a table is an Excel workbook")
    include_parent: list[str] = Field(
        default_factory=list,
        description="keep only regions whose parent_code (or code) is in this list; empty = all",
    )


class Years(Strict):
    base_year: int = Field(2025, description="stock and population are carried to the end of this year")
    first_plan_year: int = Field(2026, description="first year the plan buys units (after base_year)")
    last_plan_year: int = Field(2030, description="last plan year, inclusive (at most 30 plan years)")
    population_year: int = Field(2020, description="year of the population column (census 2020)",
                                 json_schema_extra={"source": "2020 census, as in the shipped region tables"})
    population_growth_pct_per_year: float = Field(
        -0.1, ge=-5, le=5, description="applied to every region from population_year on"
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Years":
        if self.last_plan_year < self.first_plan_year:
            raise ValueError(msg("schema.last_before_first", last=self.last_plan_year, first=self.first_plan_year))
        if self.first_plan_year <= self.base_year:
            raise ValueError(msg("schema.first_after_base", first=self.first_plan_year, base=self.base_year))
        if self.last_plan_year - self.first_plan_year > 29:
            raise ValueError(msg("schema.plan_too_long"))
        return self

    @property
    def plan_years(self) -> list[int]:
        return list(range(self.first_plan_year, self.last_plan_year + 1))


class Modality(Strict):
    """One kind of unit. Mobile kinds serve the exam type named in ``serves``."""

    label: str = Field("", description="name shown in tables and the app; empty = the modality's key")
    mobile: bool = Field(False, description="a mobile unit: based at a facility, it serves nearby regions too")
    serves: str | None = Field(None, description="exam type a mobile unit performs, e.g. CT for MOBILE_CT")
    price_wan_cny: float = Field(gt=0, description="capital cost of one new unit, 万元")
    running_cost_wan_cny_per_year: float = Field(0.0, ge=0, description="staff excluded; 万元 per unit-year")
    capacity_exams_per_unit_per_year: float = Field(gt=0, description="exams one unit can do in a year")
    service_life_years: int = Field(10, ge=1, le=40, description="years a unit stays in service, then retires")
    staff_per_unit: float = Field(0.0, ge=0, description="imaging staff (technologists) per unit",
                                  json_schema_extra={"unit": "staff per unit"})
    exam_rate_per_1000_per_year: float | None = Field(
        None, ge=0, le=10_000, description="exams needed per 1,000 residents per year (fixed modalities only); "
                                           "above 10,000 (10 a person each year) is refused as a unit mistake"
    )
    demand_growth_pct_per_year: float = Field(
        0.0, ge=-20, le=50, description="growth of exams per resident, % a year from demand_year")
    demand_year: int | None = Field(
        None, description="year exam_rate_per_1000_per_year refers to: demand grows at demand_growth_pct_per_year "
                          "from it; empty = years.base_year")
    stock_growth_pct_per_year: float = Field(
        0.0, ge=-20, le=50, description="carries the stock table's reference-year counts to base_year"
    )
    target_per_million: float = Field(0.0, ge=0, description="units per million residents, all tiers",
                                      json_schema_extra={"unit": "units per million residents"})
    target_hard: bool = Field(False, description="the per-million target is a hard rule, not a priced shortfall")
    shortfall_wan_cny_per_unit_year: float | None = Field(
        None, ge=0, description="cost of one unit of this modality missing against its target, per year; "
                                "empty = weights.density_shortfall_wan_cny_per_unit_year. With one weight for "
                                "all, a missing MRI counts as much as a missing CT, so a tight budget closes "
                                "the cheaper modality's gap first; set it per modality to weigh them otherwise")
    integer: bool = Field(True, description="buy whole units (false: continuous, for fast screening)")
    source: str = Field("", description="where these defaults come from")

    @field_validator("price_wan_cny")
    @classmethod
    def _plausible_price(cls, v: float) -> float:
        return _not_yuan(v, MAX_PLAUSIBLE_PRICE_WAN_CNY, "schema.price_in_yuan")


class Tier(Strict):
    label: str = Field("", description="name shown in tables and the app; empty = the tier's key")
    rank: int = Field(description="1 = grassroots (lowest); referrals go from lower to higher rank")
    unmet_weight: float = Field(1.0, ge=0, description="multiplier on the value of unmet demand here")


class Budget(Strict):
    total_wan_cny: float = Field(ge=0, description="capital budget over all plan years, 万元")
    per_year_wan_cny: list[float] | None = Field(
        None, description="optional cap per plan year, 万元, one number per plan year"
    )
    even_yearly_tranches: bool = Field(
        False, description="the total less committed spend is released in equal yearly tranches: each plan year "
                           "may spend at most (total_wan_cny - committed_wan_cny) / years, and money a year leaves "
                           "unspent is not carried over. "
                           "What-if changes of the total move the tranches with it")
    committed_wan_cny: float = Field(0.0, ge=0, description="already committed spend, deducted from total")
    include_running_cost: bool = Field(False, description="count running costs of new units against budget")

    @field_validator("total_wan_cny")
    @classmethod
    def _plausible(cls, v: float) -> float:
        _not_yuan(v, MAX_PLAUSIBLE_BUDGET_WAN_CNY, "schema.budget_in_yuan")
        if 0 < v < MIN_PLAUSIBLE_BUDGET_WAN_CNY:
            raise ValueError(msg("schema.budget_in_yi", v=v, wan=v * CNY_PER_WAN))
        return v

    @property
    def net_wan_cny(self) -> float:
        """What the plan may spend: the total less committed spend. The one place the planner's figure
        (gross: the scenario, the CLI, the app and ``Planner.set_budget`` all speak it) becomes the
        model's (net: the budget rows, ``PlanInputs.budget_total_wan``, even tranches)."""
        return self.total_wan_cny - self.committed_wan_cny

    @model_validator(mode="after")
    def _committed(self) -> "Budget":
        if self.committed_wan_cny > self.total_wan_cny:
            raise ValueError(msg("schema.committed_over_total", committed=self.committed_wan_cny,
                                 total=self.total_wan_cny))
        return self


class Staffing(Strict):
    enabled: bool = Field(True, description="limit units by the imaging staff available in each region")
    headroom_pct: float = Field(
        15.0, ge=0, description="staff available at base year = staff the existing units need x (1+headroom)"
    )
    min_staff_per_million: float = Field(
        20.0, ge=0, description="floor on base-year staff available, per million residents of the region table's "
                                "population column as given (at its population_year, not carried to base_year)",
        json_schema_extra={"unit": "staff per million residents"})
    growth_pct_per_year: float = Field(
        5.0, ge=-20, le=100, description="growth of staff available, % a year from base_year: the computed figure "
                                         "and staff-table rows without a year grow; rows with a year do not")


class Renewal(Strict):
    """The equipment-renewal earmark (设备更新/以旧换新): a share of the net budget only replacements of retiring
    units may spend. The 2024 renewal action plan raises equipment investment by at least 25 % by 2027 but
    names no earmark share, so the default is off and any share is the scenario's policy assumption."""

    earmark_share: float = Field(
        0.0, ge=0, le=1,
        description="share of the net budget reserved for replacing base-year units that retire during the plan: "
                    "new units that are not replacements may spend at most (1 - share) x the net budget; "
                    "0 = no earmark (a policy assumption: the action plan gives no share)",
        json_schema_extra={"unit": "share (0-1)",
                           "source": "2024 equipment-renewal action plan (推动大规模设备更新和消费品以旧换新行动方案): "
                                     "equipment investment +25 % by 2027 vs 2023 (seed 001 l.43, 002 l.68); "
                                     "no earmark share given"})
class Leasing(Strict):
    """Financing leases (融资租赁, issue 27 lever 3): a new unit may be leased instead of bought, its price
    paid as equal yearly payments over a term (seed 000 l.683 names the instrument; no rate or term is
    given, so both defaults are assumptions). The model chooses per purchase. Off by default."""

    enabled: bool = Field(False, description="new units may be leased: yearly payments over term_years count "
                                             "against the budget instead of the price in the year of purchase")
    term_years: int = Field(5, ge=1, description="years a lease is paid over, from the year the unit starts "
                                                 "(assumption); at most the plan's years",
                            json_schema_extra={"unit": "years", "source": "assumption"})
    rate_pct: float = Field(6.0, ge=0, le=30, description="annual financing rate of a lease, %: a payment is "
                                                          "price x r(1+r)^T / ((1+r)^T - 1) (assumption)",
                            json_schema_extra={"unit": "% a year", "source": "assumption"})
    modalities: list[str] = Field(default_factory=list, description="modalities that may be leased; empty = all")
    payments_after_plan_in_total: bool = Field(
        True, description="lease payments that fall after the last plan year count against the total budget (a "
                          "lease is a debt the plan commits; they count against no plan year's cap), so leasing "
                          "spreads spending over the years but does not add to it. false: they fall to the next "
                          "plan's budgets, and leasing borrows against them")


# The stock's domestic share by modality, seed 001 l.87 (digest 001 §2b rows 25-31): the later ("to") figure
# of each "from -> to" pair; the years are not stated, nor whether the shares count units, value or sales.
# CT: the below-64-row class (65 %), the larger class in county hospitals (≥64 rows: 22 %); MRI: 1.5T (47 %),
# the common field strength (3T: 19 %); DR: the XR figure (72 %), X-ray presumably including DR.
STOCK_DOMESTIC_SHARE = {"CT": 0.65, "MRI": 0.47, "DR": 0.72}


def _least_share(v: float | None) -> float | None:
    """A least domestic share (supply's, a class's): empty, or a share from 0 to 1."""
    if v is not None and not 0.0 <= v <= 1.0:
        raise ValueError(msg("schema.supply_share_range", v=v))
    return v


class UnitClass(Strict):
    """One class of a modality's new units (1.5T or 3T MRI, CT below or at 64 rows and above: seed 001 l.87),
    with its own price by origin, capacity, staff and service life. A field left empty is the modality's.
    When a modality has classes, each of its new units is of one of them (the model chooses)."""

    modality: str = Field(description="the modality the class belongs to (a fixed one: mobile units have no classes)")
    name: str = Field(min_length=1, max_length=40, description="the class's name, e.g. 3T (unique within its modality)")
    price_wan_cny: float | None = Field(
        None, gt=0, description="an imported unit's price, 万元; empty = the modality's price",
        json_schema_extra={"unit": "万元 per unit", "source": "assumption"})
    domestic_price_wan_cny: float | None = Field(
        None, gt=0, description="a domestic unit's price, 万元; empty = the class's price x the modality's "
                                "domestic price factor",
        json_schema_extra={"unit": "万元 per unit", "source": "assumption"})
    capacity_exams_per_unit_per_year: float | None = Field(
        None, gt=0, description="exams one unit of the class can do in a year; empty = the modality's",
        json_schema_extra={"unit": "exams per unit-year", "source": "assumption"})
    staff_per_unit: float | None = Field(
        None, ge=0, description="imaging staff (technologists) per unit of the class; empty = the modality's",
        json_schema_extra={"unit": "staff per unit", "source": "assumption"})
    service_life_years: int | None = Field(
        None, ge=1, le=40, description="years a unit of the class serves (it values the purchase when capital "
                                       "is annualised); empty = the modality's",
        json_schema_extra={"unit": "years", "source": "assumption"})
    tiers: list[str] = Field(
        default_factory=list,
        description="the tiers that may buy the class (e.g. 3T MRI at tertiary hospitals only: seed 003 l.94-101 "
                    "defines high-end classes); empty = every tier where the modality is eligible",
        json_schema_extra={"source": "policy choice; seed 003 l.94-101"})
    min_domestic_share: float | None = Field(
        None, description="least share (0-1) of the class's new units, over all regions and plan years, that must "
                          "be domestic; empty = no rule (a policy choice)",
        json_schema_extra={"unit": "share (0-1)", "source": "policy choice; seed 001 l.87 gives market shares"})

    _share = field_validator("min_domestic_share")(classmethod(lambda cls, v: _least_share(v)))


class Supply(Strict):
    """Domestic and imported units (国产/进口, issue 27 lever 2): of each year's new units the model chooses how
    many are domestic, each at the modality's price x domestic_price_factor; a policy may ask a least share of
    new units to be domestic (procurement preference for domestic products, seed 000 l.105, l.643,
    l.677-679). A modality may have classes (1.5T/3T MRI, <64/≥64-row CT), each with its own prices by
    origin, capacity, staff, service life and least domestic share. Off by default."""

    enabled: bool = Field(False, description="new units may be domestic (国产) or imported: the model chooses, "
                                             "each domestic unit at the modality's price x its domestic price factor")
    domestic_price_factor: dict[str, float] = Field(
        default_factory=dict,
        description="per modality: a domestic unit's price / the modality's price (e.g. 0.8); a modality not "
                    "listed: 1, the same price (assumption: no award prices by origin were found)",
        json_schema_extra={"keys": ["<modality>"], "unit": "factor", "source": "assumption"})
    min_domestic_share: float | None = Field(
        None, description="least share (0-1) of each modality's new units, over all regions and plan years, that "
                          "must be domestic; empty = no rule (a policy choice: preference for domestic products, "
                          "seed 000 l.105, l.643, l.677-679, gives no share)",
        json_schema_extra={"unit": "share (0-1)", "source": "policy choice; seed 000 l.105, l.643, l.677-679"})
    stock_domestic_share: dict[str, float] = Field(
        default_factory=lambda: dict(STOCK_DOMESTIC_SHARE),
        description="per modality: the domestic share of the existing stock, for the summary's before and after "
                    "(defaults: the later figures of seed 001 l.87: CT 0.65, below 64 rows, the larger class in "
                    "counties; MRI 0.47, 1.5T; DR 0.72, X-ray; years and basis not stated)",
        json_schema_extra={"keys": ["<modality>"], "unit": "share (0-1)", "source": "seed 001 l.87"})
    classes: list[UnitClass] = Field(
        default_factory=list,
        description="classes of a modality's new units, each with its own prices, capacity, staff and life; "
                    "a modality with classes buys every new unit as one of them; empty = no classes")

    _share = field_validator("min_domestic_share")(classmethod(lambda cls, v: _least_share(v)))

    @model_validator(mode="after")
    def _values(self) -> "Supply":
        for m, f in self.domestic_price_factor.items():
            if not f > 0:
                raise ValueError(msg("schema.supply_factor_positive", m=m, v=f))
        for m, s in self.stock_domestic_share.items():
            if not 0.0 <= s <= 1.0:
                raise ValueError(msg("schema.supply_stock_share_range", m=m, v=s))
        return self


class Reading(Strict):
    """Readers (issue 27, lever 1): every exam fixed units do must be read by a radiologist, at the site or,
    below the hub tier, remotely at the hub of the same region (the county medical community's county
    hospital: 「基层医疗卫生机构检查、医院诊断」, seed 004 l.232-234). Off by default."""

    enabled: bool = Field(False, description="exams done by fixed units must be read within the radiologists' "
                                             "reading capacity, at the site or remotely at the hub")
    reports_per_radiologist_per_year: float = Field(
        15.0, gt=0, description="thousand exams one radiologist reads in a year, any modality (assumption: "
                                "60 reports a working day x 250 days; no public figure found)",
        json_schema_extra={"unit": "thousand exams per radiologist-year", "source": "assumption"})
    radiologists_per_unit: float = Field(
        1.3, ge=0, description="radiologists (readers) per fixed unit at its site: every unit in service at and "
                               "above the hub tier, only the existing units below it (a new township unit comes "
                               "without a reader, so its exams are read remotely or by hired radiologists). "
                               "Assumption: half of the ≈2.6 radiology staff per device in grade II+ hospitals "
                               "read, the rest are technologists; 1.3 x 15 thousand reads cover a CT's 19 thousand "
                               "exams a year",
        json_schema_extra={"unit": "radiologists per unit",
                           "source": "assumption, from 158,072 staff / 60,463 devices (facilities.md §2)"})
    hub_tier: str = Field(
        "secondary", description="the tier whose site reads remotely for the lower tiers of the same region "
                                 "(the county hospital of a county medical community); not the lowest tier",
        json_schema_extra={"source": "seed 004 l.232-234, seed 001 l.81-91"})
    remote_wan_cny_per_thousand_exams: float = Field(
        1.0, ge=0, description="cost of reading 1,000 exams remotely at the hub (transfer, reporting fee), "
                               "万元 (assumption: 10 yuan an exam)",
        json_schema_extra={"unit": "万元 per thousand exams", "source": "assumption"})
    hire_wan_cny_per_radiologist_year: float = Field(
        20.0, ge=0, description="cost of one more radiologist in post at a hub for a year (salary and on-costs), "
                                "万元 (assumption)",
        json_schema_extra={"unit": "万元 per radiologist-year", "source": "assumption"})
    max_hires_per_region_year: float = Field(
        2.0, ge=0, description="most radiologists a region's hub can hire in one plan year; hired radiologists "
                               "stay to the end of the plan (imaging staff cannot be raised quickly, seed 004 "
                               "l.234; the figure is an assumption)",
        json_schema_extra={"unit": "radiologists per year", "source": "assumption"})
    centre_radiologists: float = Field(
        0.0, ge=0, description="radiologists a regional imaging reading centre (区域影像诊断中心) brings to a region's "
                               "hub: the model may open one per region, in any plan year, open to the end of the "
                               "plan; 0 = no centres (assumption: e.g. 10)",
        json_schema_extra={"unit": "radiologists per centre", "source": "assumption"})
    centre_wan_cny_per_year: float = Field(
        150.0, ge=0, description="cost of a reading centre for each plan year it is open (staff, PACS, rent), 万元 "
                                 "(assumption: 150 for 10 radiologists, below 10 hires at 20 each)",
        json_schema_extra={"unit": "万元 per centre-year", "source": "assumption"})


class Catchment(Strict):
    """Where exams that present at the top tier (tertiary) may be served."""

    top_tier: Literal["region", "parent"] = Field(
        "region", description="'region': only by the top-tier units of the region where they present; "
                              "'parent': also by those of any region with the same parent_code (a "
                              "prefecture's tertiary hospitals serve its counties, which often have none), "
                              "at weights.referral_wan_cny_per_thousand_exams per thousand exams")


class Mobile(Strict):
    max_travel_minutes: float = Field(120.0, gt=0, description="a mobile unit serves regions within this")
    detour_factor: float = Field(1.3, ge=1.0, description="road distance / great-circle distance")
    speed_km_per_h: float = Field(60.0, gt=0, description="road speed, for travel times from centroid distance")
    working_minutes_per_day: float = Field(480.0, gt=0, description="a round trip eats into this")
    max_neighbours: int = Field(8, ge=0, description="nearest reachable regions considered per base")


class MinUnits(Strict):
    """A minimum-presence rule, e.g. every county hospital (secondary facility) has a CT."""

    tier: str = Field(description="the tier whose facilities the rule covers")
    modality: str = Field(description="the modality they must hold")
    per_facility: float = Field(1.0, ge=0, description="units in service per facility of the tier (rounded up "
                                                       "over the region's facilities)",
                                json_schema_extra={"unit": "units per facility"})
    from_year: int = Field(description="first plan year the rule holds")


class Policy(Strict):
    min_units: list[MinUnits] = Field(
        default_factory=list, description="minimum-presence rules, each a [[policy.min_units]] table")


class Quotas(Strict):
    """Configuration quotas (配置许可, seed 000 l.459, l.677): caps on new units, from the quota table
    (regions.quotas). Since 2023 CT and MRI are no longer licensed (《大型医用设备配置许可管理目录(2023年)》),
    so no quota ships: a table is a province's own plan or a what-if."""

    cap_scale: float = Field(
        1.0, ge=0, le=100, description="every quota in the table times this (1 = as written; 0.5 = half the units "
                                       "allowed; for sweeping how tight the quotas are)",
        json_schema_extra={"unit": "factor"})


class Weights(Strict):
    """Objective weights, all in 万元-equivalents so the trade-offs read as money.

    The objective minimises: value of unmet exams + referral inconvenience + density shortfall + cost.
    """

    unmet_wan_cny_per_thousand_exams: float = Field(
        10.0, ge=0, description="social cost of 1,000 exams not done (x tier unmet_weight)"
    )
    referral_wan_cny_per_thousand_exams: float = Field(
        1.0, ge=0, description="inconvenience of 1,000 exams referred one tier up; referral may go up any number "
                               "of tiers, at this much a tier"
    )
    mobile_away_wan_cny_per_thousand_exams: float = Field(
        0.5, ge=0, description="travel cost of 1,000 mobile exams delivered away from the base region"
    )
    density_shortfall_wan_cny_per_unit_year: float = Field(
        50.0, ge=0, description="cost of one unit missing against the per-million target, per year"
    )
    shortfall_below_base_year_factor: float = Field(
        1.0, ge=1, le=100, description="a unit missing below the base-year density (capacity a region had "
                                       "and loses as units retire, up to the target) weighs this many times "
                                       "the shortfall weight: with more than 1, a plan replaces what retires "
                                       "before it expands elsewhere (1: every missing unit weighs the same)")
    cost_weight: float = Field(
        0.01, ge=0, description="weight on 1 万元 spent (small: the budget, not price, should bind)"
    )
    discount_rate_pct: float = Field(
        0.0, ge=0, le=20, description="each plan year's terms count (1 + rate)^-(year - first plan year): money "
                                      "and exams later weigh less (shipped scenarios: 8 %, the social discount rate)")
    capital_valuation: Literal["full_price", "annualised"] = Field(
        "full_price", description="how a purchase counts in the objective: its full price in the year bought, or "
                                  "'annualised': the price spread over the service life as an annuity, counted "
                                  "only for the years in service inside the plan (a unit bought in the last "
                                  "year pays for one year of service). The budget always counts the full price")


class Access(Strict):
    """Travel to the nearest unit (an exam type's fixed units, and mobile visits), in the last plan year.

    Off unless ``exam_types`` names some. Travel times come from the travel table, or from centroid
    great-circle distance x ``mobile.detour_factor`` / ``mobile.speed_km_per_h`` (see travel.py).
    """

    exam_types: list[str] = Field(default_factory=list, description="e.g. ['CT', 'DR']: empty = access off")
    limit_minutes: float = Field(60.0, gt=0, description="'within reach': travel at or below this")
    cap_minutes: float = Field(
        240.0, gt=0, description="travel beyond this counts as this (keeps the model small; >= limit)")
    mobile_counts: bool = Field(True, description="a region a mobile unit visits has the exam at 0 minutes")
    min_mobile_visit_thousand_exams: float = Field(
        0.5, gt=0, description="mobile exams a year that count as a visit (thousand)")
    require_within_limit: bool = Field(
        False, description="hard rule: every region within limit_minutes of a unit (fixed or mobile)")
    travel_wan_cny_per_million_person_minutes: float = Field(
        0.0, ge=0, description="objective weight on population-weighted travel to the nearest unit")
    beyond_limit_wan_cny_per_thousand_people: float = Field(
        0.0, ge=0, description="objective weight on residents beyond limit_minutes of a unit")

    @model_validator(mode="after")
    def _cap_covers_limit(self) -> "Access":
        if self.cap_minutes < self.limit_minutes:
            raise ValueError(msg("schema.cap_below_limit", cap=self.cap_minutes, limit=self.limit_minutes))
        return self


class Equity(Strict):
    """Fairness: the largest per-million shortfall (or travel) across regions, in the last plan year.

    ``objective = "efficiency"`` is the weighted-sum objective of [weights]. ``"min_max_shortfall"``
    first minimises the largest shortfall, then the weighted sum without making it worse;
    ``"min_max_travel"`` does the same with the longest travel to the nearest unit (needs [access]).
    The ``max_*`` bounds are epsilon constraints: they hold whatever the objective.
    """

    objective: str = Field("efficiency", description="efficiency | min_max_shortfall | min_max_travel")
    modalities: list[str] = Field(
        default_factory=list, description="modalities whose shortfall counts; empty = those with a target")
    max_shortfall_per_million: float | None = Field(
        None, ge=0, description="epsilon: no region's shortfall above this many units per million",
        json_schema_extra={"unit": "units per million residents"})
    max_travel_minutes: float | None = Field(
        None, ge=0, description="epsilon: no region's travel to the nearest unit above this")

    @field_validator("objective")
    @classmethod
    def _known(cls, v: str) -> str:
        kinds = ("efficiency", "min_max_shortfall", "min_max_travel")
        if v not in kinds:
            raise ValueError(msg("schema.unknown_objective", value=v, dym=_did_you_mean(v, kinds),
                                 names=_names(kinds)))
        return v


class Solver(Strict):
    time_limit_s: float = Field(60.0, gt=0, description="time the solve may take, seconds")
    mip_rel_gap: float = Field(0.01, ge=0, le=1, description="HiGHS stops when the plan is proven within this "
                                                             "relative gap of the bound (0.01 = 1 %)",
                               json_schema_extra={"unit": "fraction"})
    threads: int = Field(1, ge=1, description="threads HiGHS may use")
    random_seed: int = Field(0, ge=0, description="HiGHS's random seed")
    compute_duals: bool = Field(True, description="report marginal values (of budget and binding rows) after the "
                                                  "solve")
    warm_start: bool = Field(True, description="start HiGHS from the rounded LP relaxation")
    race: bool = Field(
        False, description="race a second HiGHS with seed random_seed + 1 in its own process (a second core) and "
                           "keep the better plan and the higher bound; the first run to prove the gap ends both. "
                           "HiGHS's time to a proven gap varies with its seed: 131 s or 239 s on Sichuan by county")
    neighbourhood_search: bool = Field(
        True, description="after half the time limit, once HiGHS's best plan has not improved for a tenth of it "
                          "(at least 5 s), stop HiGHS and re-solve the plan one group of regions (a prefecture's "
                          "counties) at a time with the rest held, for the time left (fix-and-optimize): it finds "
                          "better plans, not a better bound")
    report_floor: bool = Field(
        True, description="after the solve, find the floor no budget can go below (the LP relaxation with the "
                          "budget open) and report the gap as a share of what purchases can change; one LP, "
                          "kept across budget what-ifs")


class Constraints(Strict):
    """Switches: every constraint family can be turned off from the scenario."""

    capacity: bool = Field(True, description="exams served within the units' capacity")
    demand: bool = Field(True, description="every exam is served, referred or counted unmet")
    eligibility: bool = Field(True, description="units only at tiers that may hold them")
    facility_limits: bool = Field(True, description="at most eligibility x facilities units per region and tier")
    density_targets: bool = Field(True, description="per-million targets (hard ones as rules, soft ones priced)")
    budget: bool = Field(True, description="spend within budget.total_wan_cny and any yearly caps")
    staffing: bool = Field(True, description="units within the staff available")
    min_presence: bool = Field(True, description="the policy.min_units rules")
    mobile: bool = Field(True, description="mobile units deliver within their capacity and reach")
    renewal: bool = Field(True, description="the renewal earmark (renewal.earmark_share) when its share is above 0")
    quotas: bool = Field(True, description="new units within the quota table's caps (regions.quotas)")
    reading: bool = Field(True, description="exams read within the radiologists' reading capacity ([reading])")
    leasing: bool = Field(True, description="leases of new units ([leasing]) when leasing.enabled")
    supply: bool = Field(True, description="domestic units and the least domestic share ([supply]) when "
                                           "supply.enabled")


class Scenario(Strict):
    name: str = Field(description="short name of the scenario, used in file names and run lists")
    title: str = Field("", description="one-line title for reports and the app")
    description: str = Field("", description="what the scenario asks, for reports and the app")
    # the same in Chinese, for the app's 中文 interface (empty: the app shows title and description)
    title_zh: str = Field("", description="the title in Chinese, for the app's 中文 interface; empty = title")
    description_zh: str = Field("", description="the description in Chinese; empty = description")
    regions: RegionData
    years: Years = Field(default_factory=Years)
    modalities: dict[str, Modality] = Field(json_schema_extra={"keys": ["<modality>"]})
    tiers: dict[str, Tier] = Field(json_schema_extra={"keys": ["<tier>"]})
    eligibility: dict[str, dict[str, float]] = Field(
        description="most units of the modality per facility of the tier; 0 or absent = not allowed at that tier",
        json_schema_extra={"keys": ["<tier>", "<modality>"], "unit": "units per facility"})
    referral: dict[str, dict[str, float]] = Field(
        description="share of the exam type's demand that first presents at the tier; the shares of an exam "
                    "type add up to 1", json_schema_extra={"keys": ["<exam_type>", "<tier>"], "unit": "share (0-1)"})
    budget: Budget
    staffing: Staffing = Field(default_factory=Staffing)
    renewal: Renewal = Field(default_factory=Renewal)
    leasing: Leasing = Field(default_factory=Leasing)
    supply: Supply = Field(default_factory=Supply)
    reading: Reading = Field(default_factory=Reading)
    mobile: Mobile = Field(default_factory=Mobile)
    catchment: Catchment = Field(default_factory=Catchment)
    policy: Policy = Field(default_factory=Policy)
    quotas: Quotas = Field(default_factory=Quotas)
    weights: Weights = Field(default_factory=Weights)
    access: Access = Field(default_factory=Access)
    equity: Equity = Field(default_factory=Equity)
    solver: Solver = Field(default_factory=Solver)
    constraints: Constraints = Field(default_factory=Constraints)

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        mods, tiers = self.modalities, self.tiers
        exam_types = [m for m, v in mods.items() if not v.mobile]
        for m, v in mods.items():
            if v.mobile:
                if v.serves in mods and mods[v.serves].mobile:
                    raise ValueError(msg("schema.serves_mobile", m=m, serves=v.serves, exam_types=exam_types))
                if v.serves not in exam_types:
                    raise ValueError(msg("schema.serves_not_fixed", m=m, serves=v.serves, exam_types=exam_types))
            elif v.exam_rate_per_1000_per_year is None:
                raise ValueError(msg("schema.exam_rate_missing", m=m))
        ranks = sorted(t.rank for t in tiers.values())
        if len(set(ranks)) != len(ranks):
            raise ValueError(msg("schema.ranks_not_distinct"))
        for t, row in self.eligibility.items():
            if t not in tiers:
                raise ValueError(msg("schema.eligibility_unknown_tier", t=t, dym=_did_you_mean(t, tiers),
                                     names=_names(tiers)))
            for m, val in row.items():
                if m not in mods:
                    raise ValueError(msg("schema.eligibility_unknown_modality", t=t, m=m,
                                         dym=_did_you_mean(m, mods), names=_names(mods)))
                if val < 0:
                    raise ValueError(msg("schema.eligibility_negative", t=t, m=m, val=val))
        for k, shares in self.referral.items():
            if k not in exam_types:
                raise ValueError(msg("schema.referral_not_fixed", k=k, dym=_did_you_mean(k, exam_types),
                                     names=_names(exam_types)))
            for t in shares:
                if t not in tiers:
                    raise ValueError(msg("schema.referral_unknown_tier", k=k, t=t, dym=_did_you_mean(t, tiers),
                                         names=_names(tiers)))
            for t, share in shares.items():
                if not math.isfinite(share) or not 0.0 <= share <= 1.0:
                    raise ValueError(msg("schema.share_out_of_range", k=k, t=t, share=share))
            total = sum(shares.values())
            if abs(total - 1.0) > 1e-6:
                raise ValueError(msg("schema.shares_not_one", k=k, total=total))
        for k in exam_types:
            if k not in self.referral:
                raise ValueError(msg("schema.referral_missing", k=k))
        py = self.budget.per_year_wan_cny
        if py is not None and self.budget.even_yearly_tranches:
            raise ValueError(msg("schema.budget_both"))
        if py is not None and len(py) != len(self.years.plan_years):
            years = len(self.years.plan_years)
            raise ValueError(msg("schema.per_year_count", n=len(py), years=years, s="s" if years != 1 else "",
                                 first=self.years.first_plan_year, last=self.years.last_plan_year))
        for k in self.access.exam_types:
            if k not in exam_types:
                raise ValueError(msg("schema.access_not_fixed", k=k, dym=_did_you_mean(k, exam_types),
                                     names=_names(exam_types)))
        for m in self.equity.modalities:
            if m not in mods:
                raise ValueError(msg("schema.equity_unknown_modality", m=m, dym=_did_you_mean(m, mods),
                                     names=_names(mods)))
            if mods[m].target_per_million <= 0:
                raise ValueError(msg("schema.equity_no_target", m=m))
        if (self.equity.objective == "min_max_travel" or self.equity.max_travel_minutes is not None) \
                and not self.access.exam_types:
            raise ValueError(msg("schema.travel_needs_access"))
        if (self.equity.objective == "min_max_shortfall" or self.equity.max_shortfall_per_million is not None) \
                and not self.equity_modalities:
            raise ValueError(msg("schema.shortfall_needs_target"))
        if self.reading.enabled:   # the hub reads for the tiers below it: a tier of the scenario, not the lowest
            hub, low = self.reading.hub_tier, min(tiers, key=lambda t: tiers[t].rank)
            if hub not in tiers:
                raise ValueError(msg("schema.reading_hub_unknown", hub=hub, dym=_did_you_mean(hub, tiers),
                                     names=_names(tiers)))
            if hub == low:
                raise ValueError(msg("schema.reading_hub_lowest", hub=hub, names=_names(t for t in tiers if t != low)))
        years = len(self.years.plan_years)
        # a lease longer than the plan runs past it even when it starts in the first year: refused (issue 27)
        # (checked when leasing is on: the default term need not fit a one-year scenario that never leases)
        if self.leasing.enabled and self.leasing.term_years > years:
            raise ValueError(msg("schema.lease_term_too_long", term=self.leasing.term_years, years=years,
                                 first=self.years.first_plan_year, last=self.years.last_plan_year))
        for m in self.leasing.modalities:
            if m not in mods:
                raise ValueError(msg("schema.leasing_unknown_modality", m=m, dym=_did_you_mean(m, mods),
                                     names=_names(mods)))
        # domestic price factors and stock shares name the scenario's modalities; the seed's default stock
        # shares name CT, MRI and DR, which a scenario need not have (nor lose on a save that writes defaults)
        for key, table in (("domestic_price_factor", self.supply.domestic_price_factor),
                           ("stock_domestic_share", self.supply.stock_domestic_share)):
            for m in table:
                if m not in mods and not (key == "stock_domestic_share" and m in STOCK_DOMESTIC_SHARE):
                    raise ValueError(msg("schema.supply_unknown_modality", key=key, m=m, dym=_did_you_mean(m, mods),
                                         names=_names(mods)))
        self._check_classes(mods, years)
        for i, rule in enumerate(self.policy.min_units):
            if rule.tier not in tiers or rule.modality not in mods:
                raise ValueError(msg("schema.min_units_unknown", i=i, tier=rule.tier, mod=rule.modality))
        return self

    def _check_classes(self, mods: dict, years: int) -> None:
        """supply.classes: a fixed modality of the scenario each, names unique within it, and a service life the
        plan can count (in the plan, a class's units retire with their modality's: a class whose life differs
        from it must keep both beyond the plan's last year)."""
        seen = set()
        for i, c in enumerate(self.supply.classes):
            if c.modality not in mods:
                raise ValueError(msg("schema.class_unknown_modality", i=i + 1, m=c.modality,
                                     dym=_did_you_mean(c.modality, mods), names=_names(mods)))
            if mods[c.modality].mobile:
                raise ValueError(msg("schema.class_mobile", i=i + 1, m=c.modality))
            if (c.modality, c.name) in seen:
                raise ValueError(msg("schema.class_duplicate", i=i + 1, m=c.modality, name=c.name))
            seen.add((c.modality, c.name))
            for t in c.tiers:
                if t not in self.tiers:
                    raise ValueError(msg("schema.class_unknown_tier", i=i + 1, t=t, dym=_did_you_mean(t, self.tiers),
                                         names=_names(self.tiers)))
            own = mods[c.modality].service_life_years
            if c.service_life_years is not None and c.service_life_years != own \
                    and min(c.service_life_years, own) < years:
                raise ValueError(msg("schema.class_life", i=i + 1, m=c.modality, name=c.name,
                                     life=c.service_life_years, own=own, years=years))
        # a tier where a classed modality may stand but no class of it may be bought could buy nothing there
        # (each new unit is of a class): said here, where eligibility says otherwise, not found as an empty plan
        for m in {c.modality for c in self.supply.classes}:
            allowed = {t for c in self.supply.classes if c.modality == m for t in (c.tiers or self.tiers)}
            for t in self.tiers:
                if self.units_per_facility(t, m) > 0 and t not in allowed:
                    raise ValueError(msg("schema.class_tier_uncovered", m=m, t=t))

    # --- derived views -------------------------------------------------------------------------
    @property
    def exam_types(self) -> list[str]:
        return [m for m, v in self.modalities.items() if not v.mobile]

    @property
    def tiers_low_to_high(self) -> list[str]:
        return sorted(self.tiers, key=lambda t: self.tiers[t].rank)

    @property
    def equity_modalities(self) -> list[str]:
        """Modalities whose per-million shortfall the equity measures use."""
        if self.equity.modalities:
            return list(self.equity.modalities)
        return [m for m, v in self.modalities.items() if v.target_per_million > 0]

    def serves(self, modality: str) -> str:
        v = self.modalities[modality]
        return v.serves if v.mobile else modality  # type: ignore[return-value]

    def units_per_facility(self, tier: str, modality: str) -> float:
        return float(self.eligibility.get(tier, {}).get(modality, 0.0))

    def shortfall_weight(self, modality: str) -> float:
        """万元-equivalent per unit of ``modality`` missing against its target, per year."""
        own = self.modalities[modality].shortfall_wan_cny_per_unit_year
        return self.weights.density_shortfall_wan_cny_per_unit_year if own is None else own

