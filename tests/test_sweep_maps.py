"""Budget sweeps reuse the model and are monotone; map layers carry values, colours and tooltips."""

from __future__ import annotations

import numpy as np
import pytest

from planner import Planner
from planner.reporting.maps import colour, layer, load_boundaries
from tests.conftest import REPO as REPO_ROOT
from planner.studies.sweep import budget_sweep, gap_closed
from tests.conftest import one_tier_ct
from tests.test_hand_instances import REGIONS_AB, STOCK_AB


def test_budget_sweep_on_the_hand_instance(case):
    """Units of 100 万元 each close 10 thousand exams until Beta's 90 and Alpha's 5 are closed:
    unmet = 95 - 10 x units, down to 5 once Beta is served (9 units), then 0 (10 units)."""
    p = Planner.from_file(case(one_tier_ct(budget=0), regions=REGIONS_AB, stock=STOCK_AB))
    p.solve()
    table, results = budget_sweep(p, [0, 300, 900, 1000, 1500])
    assert table["unmet_thousand_exams"].tolist() == pytest.approx([95, 65, 5, 0, 0])
    assert table["spend_wan_cny"].tolist() == pytest.approx([0, 300, 900, 1000, 1000])
    assert (np.diff(table["objective"]) <= 1e-9).all()
    assert table["verifier_ok"].all() and set(results) == {0.0, 300.0, 900.0, 1000.0, 1500.0}


def test_gap_closed_against_hand_numbers(case):
    """Soft target 10 per million: Alpha (0.5 M) needs 5, has 2; Beta (2 M) needs 20, has 1: gap 22 units.
    300 万元 buys 3 units, all closing gap: 3/22 closed."""
    toml = one_tier_ct(budget=300).replace("target_per_million = 0", "target_per_million = 10").replace(
        "unmet_wan_cny_per_thousand_exams = 10", "unmet_wan_cny_per_thousand_exams = 0")
    r = Planner.from_file(case(toml, regions=REGIONS_AB, stock=STOCK_AB)).solve()
    assert gap_closed(r)["CT"] == pytest.approx(3 / 22)


def test_map_layer_joins_values_and_names():
    b = load_boundaries(REPO_ROOT / "data" / "regions" / "provinces.geojson")
    import pandas as pd
    values = pd.DataFrame({"region_code": ["510000", "110000"], "region_name": ["四川省", "北京市"],
                           "region_name_en": ["Sichuan", "Beijing"], "density": [12.5, 30.0]})
    fc, lo, hi = layer(b, values, "density", "CT per million", "units/M")
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert len(props) == 31 and (lo, hi) == (12.5, 30.0)  # fewer than 5 values: full range
    assert props["510000"]["tooltip"].startswith("四川省 Sichuan (510000)")
    assert "12.50 units/M" in props["510000"]["tooltip"]
    assert props["440000"]["value"] is None and "no data" in props["440000"]["tooltip"]
    assert props["510000"]["fill"] != props["110000"]["fill"]


def test_diverging_colours_are_symmetric():
    fills, lo, hi = colour(np.array([-2.0, 0.0, 2.0]), diverging=True)
    assert (lo, hi) == (-2.0, 2.0) and fills[1][:3] == [247, 247, 247]


def test_one_outlier_does_not_flatten_the_colours():
    values = np.array([10.0, 11, 12, 13, 14, 15, 16, 17, 18, 60.0])
    fills, lo, hi = colour(values)
    assert hi < 60 and len({tuple(f) for f in fills[:9]}) >= 6


def test_compare_regions_by_hand():
    """B - A per region, modality and year; a row only one run has counts as 0 in the other."""
    import pandas as pd

    from planner.planning.results import compare_regions

    base = {"region_name": "甲", "region_name_en": "Alpha", "modality": "CT", "year": 2030}
    a = pd.DataFrame([{**base, "region_code": "100001", "units_after": 5, "density_after_per_million": 10.0,
                       "unmet_thousand_exams": 3.0}])
    b = pd.DataFrame([{**base, "region_code": "100001", "units_after": 8, "density_after_per_million": 16.0,
                       "unmet_thousand_exams": 1.0},
                      {**base, "region_code": "100002", "region_name": "乙", "units_after": 2,
                       "density_after_per_million": 4.0, "unmet_thousand_exams": 0.5}])
    m = compare_regions(a, b).set_index("region_code")
    assert m.loc["100001", ["units_after_diff", "density_after_per_million_diff", "unmet_thousand_exams_diff"]
                 ].tolist() == [3, 6.0, -2.0]
    assert m.loc["100002", "units_after_a"] == 0 and m.loc["100002", "units_after_diff"] == 2
    assert m.loc["100002", "region_name"] == "乙"
