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


def test_quantile_classes_separate_close_values_and_equal_breaks_are_fixed():
    """Issue 13, item 6: the national CT density after the plan ran 29.95-32.49 per million and was one
    colour. Quantile classes put 31 such values in 5 colours with about 6 regions each; equal intervals
    split the range into 5 equal steps. NaN stays grey; the breaks and colours feed the colour bar."""
    from planner.reporting.maps import NO_DATA, classes

    values = np.r_[np.linspace(29.95, 30.2, 25), np.linspace(31.0, 32.49, 6), np.nan]
    fills, breaks, palette = classes(values, "quantile")
    used = [tuple(f) for f in fills[:-1]]
    assert len(set(used)) == 5 and len(palette) == 5 and fills[-1] == NO_DATA
    assert max(used.count(c) for c in set(used)) <= 7          # about 31 / 5 regions a class
    assert breaks[0] == pytest.approx(29.95) and breaks[-1] == pytest.approx(32.49) and len(breaks) == 6
    fills, breaks, _ = classes(values, "equal")
    assert np.allclose(np.diff(breaks), (32.49 - 29.95) / 5)
    assert len({tuple(f) for f in fills[:25]}) == 1             # the 25 low values share the lowest step
    with pytest.raises(ValueError, match="not one of"):
        classes(values, "jenks")


def test_values_within_one_percent_are_one_class():
    """After a plan that meets the CT target everywhere the provinces ran 39.99-40.15 per million: five
    quantile classes made a 0.4 % spread look like five levels. Within NEAR_EQUAL (1 %) they are one class;
    29.95-32.49 (8 %) still gets five."""
    from planner.reporting.maps import classes, near_equal

    flat = np.r_[np.linspace(39.99, 40.15, 31), np.nan]
    for scheme in ("quantile", "equal"):
        fills, breaks, palette = classes(flat, scheme)
        assert len(palette) == 1 and len({tuple(f) for f in fills[:-1]}) == 1, scheme
        assert breaks == pytest.approx([39.99, 40.15])
    assert near_equal(flat) and not near_equal(np.linspace(29.95, 32.49, 31))
    assert not near_equal(np.array([0.0, 0.0, 0.004]))   # around zero nothing is 'near' in relative terms


def test_a_classed_layer_carries_its_colour_bar():
    b = load_boundaries(REPO_ROOT / "data" / "regions" / "provinces.geojson")
    import pandas as pd

    codes = [f["properties"]["code"] for f in b["features"]]
    vals = pd.DataFrame({"region_code": codes, "v": np.linspace(1, 2, len(codes))})
    fc, lo, hi = layer(b, vals, "v", "density", "units/M", scheme="quantile")
    assert fc["legend"]["scheme"] == "quantile" and (lo, hi) == (1.0, 2.0)
    assert len(fc["legend"]["colours"]) == len(fc["legend"]["breaks"]) - 1 == 5
    fc, _, _ = layer(b, vals, "v", "density", "units/M")
    assert "legend" not in fc                                       # continuous ramp: no classes


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


def test_the_initial_view_frames_the_land_not_the_islets():
    """maps.centre: a 10° x 10° square and a reef of 0.1° x 0.1° far to the south. The reef stays a
    feature but does not set the frame, so the view centres on the square (before, China's prefecture map
    framed 三沙's reefs down to 7° N and drew the mainland small in an empty box)."""
    def square(x0, y0, d):
        return [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]

    land = {"type": "Feature", "properties": {"code": "1"}, "geometry": {"type": "Polygon", "coordinates": square(100, 30, 10)}}
    reef = {"type": "Feature", "properties": {"code": "2"}, "geometry": {"type": "Polygon", "coordinates": square(104, 5, 0.1)}}
    import json

    from planner.reporting import maps

    lon, lat, zoom = maps.centre({"type": "FeatureCollection", "features": [land, reef]})
    alone = maps.centre({"type": "FeatureCollection", "features": [land]})
    assert (lon, lat, zoom) == pytest.approx(alone)
    assert lon == pytest.approx(105.0) and 34.0 < lat < 36.0
    prefectures = json.loads((REPO_ROOT / "data" / "regions" / "prefectures.geojson").read_text(encoding="utf-8"))
    provinces = json.loads((REPO_ROOT / "data" / "regions" / "provinces.geojson").read_text(encoding="utf-8"))
    assert maps.centre(prefectures)[1] == pytest.approx(maps.centre(provinces)[1], abs=1.5)


def test_sweep_and_summary_give_one_share_of_the_gap_closed(case):
    """4 CT at the base year with a 2-year life (some retire), target 10 per million, money for one unit:
    the plan ends below the base year. The sweep used to measure against the survivors (the gap grown by
    retirements), and said a positive share was closed while the Plan page said the density fell; both now
    read the one definition (planning.results.target_gaps): negative, the same number."""
    from tests.test_hand_instances import _four_ct_against_target_10

    r, gap = _four_ct_against_target_10(case, budget=100, life=2)
    assert gap["after_per_million"] < gap["base_per_million"]
    need, base, after = 10.0, 4.0, gap["after_per_million"]  # one region of 1 million: units = per million
    assert gap["closed_share"] == pytest.approx(1 - (need - after) / (need - base)) and gap["closed_share"] < 0
    assert gap_closed(r)["CT"] == pytest.approx(gap["closed_share"])


def test_zero_is_a_class_of_its_own_and_the_rest_are_classed_apart():
    """Issue 25, item 8: with 29 of 31 provinces at 0, quantiles of all values made one class 0.00-586.89.
    Zero is its own class (first break 0, first colour), quantiles or equal steps of the non-zero values
    make the others; non-zero values within 1 % are still one class, and fewer values than classes give no
    empty class."""
    from planner.reporting.maps import NO_DATA, classes

    values = np.array([0.0, 0.0, 0.0, 10, 20, 30, 40, 50, np.nan])
    for scheme in ("quantile", "equal"):
        fills, breaks, palette = classes(values, scheme)
        assert breaks == pytest.approx([0, 10, 18, 26, 34, 42, 50]) and len(palette) == 6, scheme
        assert fills[0] == fills[2] == palette[0] and fills[-1] == NO_DATA
        assert len({tuple(f) for f in fills[:-1]}) == 6            # zero, then each of the five in its own class
    fills, breaks, palette = classes(np.array([0.0, 0.0, 39.99, 40.15, 40.0]), "quantile")   # 0.4 % apart
    assert breaks == pytest.approx([0, 39.99, 40.15]) and len(palette) == 2 and fills[2] == fills[3] != fills[0]
    fills, breaks, palette = classes(np.array([0.0, 171.0, 587.0]), "quantile")   # two values: two classes
    assert breaks == pytest.approx([0, 171, 379, 587]) and len({tuple(f) for f in fills}) == 3
    fills, breaks, palette = classes(np.array([0.0, 0.0]), "quantile")
    assert breaks == [0.0, 0.0] and len(palette) == 1
    _, breaks, _ = classes(np.array([-2.0, 0.0, 1.0, 3.0]), "equal")    # B - A: zero is inside the range
    assert breaks[0] == -2.0


def test_baseline_unmet_mri_map_separates_anhui_and_tibet():
    """On the national baseline 29 provinces have no unmet MRI demand in 2026; Anhui (587 thousand exams,
    15 % of its demand) and Tibet (171 thousand, 73 %) are in classes of their own, on both layers."""
    b = load_boundaries(REPO_ROOT / "data" / "regions" / "provinces.geojson")
    r = Planner.from_file(REPO_ROOT / "models" / "baseline.toml").solve()
    g = r.regions[(r.regions["modality"] == "MRI") & (r.regions["year"] == 2026)]
    share = g.set_index("region_name_en")["unmet_share_pct"]
    assert share["Tibet"] == pytest.approx(73, abs=2) and share["Anhui"] == pytest.approx(15, abs=2)
    assert share.to_numpy() == pytest.approx(100 * g["unmet_thousand_exams"] / g["demand_thousand_exams"])
    for col in ("unmet_thousand_exams", "unmet_share_pct"):
        for scheme in ("quantile", "equal"):
            fc, _, _ = layer(b, g, col, col, "", scheme=scheme)
            fill = {f["properties"]["name_en"]: f["properties"]["fill"] for f in fc["features"]}
            zero = fc["legend"]["colours"][0]
            assert fc["legend"]["zero"] and fill["Beijing"] == zero, (col, scheme)
            assert len({tuple(fill["Anhui"]), tuple(fill["Tibet"]), tuple(zero)}) == 3, (col, scheme)
