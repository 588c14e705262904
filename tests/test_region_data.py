"""Checks on the shipped region data in data/regions/ (built by scripts/build_regions.py).

Uses only pandas, json and pathlib (not the planner library), so it checks the files as a planner receives them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
D = REPO / "data" / "regions"
SHARED = REPO.parent / "shared"

REGION_COLS = ["code", "parent_code", "name_zh", "name_en", "level", "population", "pop_urban", "pop_rural",
               "share_65plus_pct", "area_km2", "centroid_lon", "centroid_lat", "population_year", "estimated"]
STOCK_COLS = ["code", "tier", "modality", "units", "reference_year", "estimated", "rule"]
FAC_COLS = ["code", "tier", "facilities", "reference_year", "estimated", "rule"]
TIERS = {"tertiary", "secondary", "grassroots"}
MODALITIES = {"CT", "MRI", "DR", "MOBILE_CT", "MOBILE_DR"}

NATIONAL_POP = 1_409_778_724
SICHUAN = "510000"
# documented in data/regions/README.md: Sichuan county-level rows with no polygon (development zones)
SICHUAN_NO_GEOMETRY = {"511071", "511771", "511971"}
# prefectures whose census counties do not add up: one "(other areas)" row XXYY99 each (README)
REMAINDER_PREFS = {"140100", "140200", "140600", "220200", "220700", "320700", "321100", "330300", "340200",
                   "341100", "341200", "341300", "410500", "410600", "411100", "411200", "411500", "411600",
                   "421100", "430300", "430400", "430600", "430700", "430900", "431100", "540100"}
# prefectures with no county subdivision: one county row equal to the prefecture (README)
WHOLE_PREFS = {"441900", "442000", "460300", "460400", "620200"}

LEVEL_FILES = {"provinces": "province", "prefectures": "prefecture", "counties": "county",
               "counties_sichuan": "county"}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(D / name, dtype={"code": str, "parent_code": str, "estimated": str}, encoding="utf-8", keep_default_na=False)


@pytest.fixture(scope="module")
def regions() -> dict[str, pd.DataFrame]:
    return {k: read(f"{k}.csv") for k in LEVEL_FILES}


@pytest.fixture(scope="module")
def stock() -> dict[str, pd.DataFrame]:
    return {k: read(f"stock_{k}.csv") for k in LEVEL_FILES}


@pytest.fixture(scope="module")
def facilities() -> dict[str, pd.DataFrame]:
    return {k: read(f"facilities_{k}.csv") for k in LEVEL_FILES}


def pref_of(counties: pd.DataFrame, pref_codes: set[str]) -> pd.Series:
    """The prefectures.csv row a county belongs to: itself if its code is a prefecture-table code
    (XX90ZZ units and whole-prefecture rows), else parent_code."""
    return counties.code.where(counties.code.isin(pref_codes), counties.parent_code)


# ---------------------------------------------------------------- region tables
def test_columns_and_codes(regions):
    for k, df in regions.items():
        assert list(df.columns) == REGION_COLS, k
        assert df.code.str.fullmatch(r"\d{6}").all() and df.parent_code.str.fullmatch(r"\d{6}").all(), k
        assert df.code.is_unique, k
        assert (df.level == LEVEL_FILES[k]).all(), k
        assert (df.population_year == 2020).all()
        assert df.estimated.isin(["true", "false"]).all()
        assert (df.name_en.str.strip().str.len() > 0).all() and (df.name_zh.str.len() > 0).all()
        assert not df.duplicated(["parent_code", "name_en"]).any(), k
        num = df[["population", "pop_urban", "pop_rural", "share_65plus_pct", "area_km2"]]
        assert (num >= 0).all().all(), k
        assert (df.population > 0).all()
        assert (df.pop_urban + df.pop_rural == df.population).all(), k
        assert df.centroid_lon.between(73, 136).all() and df.centroid_lat.between(3, 54).all(), k
        assert (df.area_km2 > 0).all(), k


def test_row_counts(regions):
    assert len(regions["provinces"]) == 31
    assert len(regions["prefectures"]) == 368
    assert len(regions["counties_sichuan"]) == 186
    assert len(regions["counties"]) == 2943 + len(REMAINDER_PREFS) + len(WHOLE_PREFS)


def test_province_populations(regions):
    p = regions["provinces"].set_index("code")
    assert p.population.sum() == NATIONAL_POP
    assert p.loc["440000", "population"] == 126_012_510
    assert p.loc["510000", "population"] == 83_674_866
    assert (p.parent_code == "100000").all()
    assert p.loc["510000", "name_en"] == "Sichuan"


def test_prefectures_sum_to_provinces(regions):
    p = regions["provinces"].set_index("code")
    f = regions["prefectures"]
    assert set(f.parent_code) == set(p.index)
    for col in ("population", "pop_urban", "pop_rural"):
        s = f.groupby("parent_code")[col].sum()
        assert (s == p[col]).all(), col
    assert f.population.sum() == NATIONAL_POP
    cq = f.set_index("code").loc[["500100", "500200"]]
    assert list(cq.population) == [25_379_469, 6_674_690]


def test_counties_sum_to_prefectures_and_provinces(regions):
    p = regions["provinces"].set_index("code")
    f = regions["prefectures"].set_index("code")
    c = regions["counties"]
    pc = pref_of(c, set(f.index))
    assert pc.isin(f.index).all()
    for col in ("population", "pop_urban", "pop_rural"):
        assert (c.groupby(pc)[col].sum() == f[col]).all(), col
        assert (c.groupby(c.code.str[:2] + "0000")[col].sum() == p[col]).all(), col
    assert c.population.sum() == NATIONAL_POP
    # completion rows as documented
    rem = c[c.name_en.str.endswith("(other areas)")]
    assert set(rem.code.str[:4] + "00") == REMAINDER_PREFS
    assert (rem.code.str[4:] == "99").all() and (rem.estimated == "true").all()
    whole = c[c.code.isin(WHOLE_PREFS)]
    assert len(whole) == len(WHOLE_PREFS)
    assert (whole.set_index("code").population == f.loc[sorted(WHOLE_PREFS), "population"]).all()
    # the census code quirk 170971 is fixed
    assert "170971" not in set(c.code) and "140971" in set(c.code)


def test_sichuan_counties(regions):
    f = regions["prefectures"]
    cs = regions["counties_sichuan"]
    assert cs.code.str.startswith("51").all()
    assert cs.population.sum() == 83_674_866
    sp = f[f.parent_code == SICHUAN].set_index("code")
    assert len(sp) == 21
    assert (cs.groupby("parent_code").population.sum() == sp.population).all()
    # Sichuan needs no completion rows; identical to the Sichuan part of counties.csv
    assert not cs.name_en.str.endswith("(other areas)").any()
    c = regions["counties"]
    pd.testing.assert_frame_equal(cs.reset_index(drop=True),
                                  c[c.code.str.startswith("51")].reset_index(drop=True))
    chengdu = sp.loc["510100"]
    assert chengdu.population == 20_937_757 and chengdu.name_en == "Chengdu"


# ---------------------------------------------------------------- stock
def test_stock_national_totals(stock, regions):
    for k, df in stock.items():
        assert list(df.columns) == STOCK_COLS, k
        assert set(df.tier) == TIERS and set(df.modality) == MODALITIES, k
        assert (df.units >= 0).all(), k
        assert (df.units == df.units.round()).all(), k
        assert (df.estimated == "true").all()
        if k == "counties_sichuan":
            continue
        by_m = df.groupby("modality").units.sum()
        assert by_m["CT"] == 28_000 and by_m["DR"] == 64_000, k
        assert by_m["MOBILE_CT"] == 0 and by_m["MOBILE_DR"] == 0, k
        pop_m = regions[k].population.sum() / 1e6
        assert abs(by_m["MRI"] / pop_m - 6) <= 0.005, k
        assert by_m["MRI"] == 8459
        # one row per code x tier x modality
        assert len(df) == len(regions[k]) * 15
        assert not df.duplicated(["code", "tier", "modality"]).any()
    ref = stock["provinces"].groupby("modality").reference_year.first()
    assert ref["CT"] == 2019 and ref["DR"] == 2019 and ref["MRI"] == 2017


def test_stock_tier_split_v1(stock):
    s = stock["provinces"].pivot_table(index="modality", columns="tier", values="units", aggfunc="sum")
    tot = s.sum(axis=1)
    share = s.div(tot, axis=0)
    assert abs(share.loc["CT", "tertiary"] - 0.25) < 0.002 and abs(share.loc["CT", "grassroots"] - 0.20) < 0.002
    assert abs(share.loc["MRI", "tertiary"] - 0.50) < 0.002 and s.loc["MRI", "grassroots"] == 0
    assert abs(share.loc["DR", "grassroots"] - 0.55) < 0.002



# National -> province apportionment (data/regions/README.md 2.2): CT and MRI by population x the per-million density
# quoted in shared/notes/facilities.md §2 (named province, else belt average); DR by population.
RULE_DENSITY = "national-total x pop x quoted provincial density (facilities.md §2), tier split v1"
RULE_POP = "national-total x pop, tier split v1"
RULE_MOBILE = "no public count found: zero placeholder"


def _per_million(stock, regions, modality: str) -> pd.Series:
    s = stock["provinces"]
    units = s[s.modality == modality].groupby("code").units.sum()
    pop = regions["provinces"].set_index("code").population
    assert units.index.sort_values().equals(pop.index.sort_values())
    return units / pop * 1e6


def test_stock_national_sums_unchanged(stock):
    """(a) the new province weights change only the regional shares, never the national totals."""
    want = {"CT": 28_000, "DR": 64_000, "MRI": 8_459, "MOBILE_CT": 0, "MOBILE_DR": 0}
    for k in ("provinces", "prefectures", "counties"):
        got = stock[k].groupby("modality").units.sum().to_dict()
        assert got == want, k


def test_stock_rule_tags(stock):
    for k, df in stock.items():
        tags = df.groupby("modality").rule.unique()
        assert list(tags["CT"]) == [RULE_DENSITY] and list(tags["MRI"]) == [RULE_DENSITY], k
        assert list(tags["DR"]) == [RULE_POP], k
        assert list(tags["MOBILE_CT"]) == [RULE_MOBILE] and list(tags["MOBILE_DR"]) == [RULE_MOBILE], k


def test_stock_follows_quoted_provincial_densities(stock, regions):
    """(b) ordering from the quoted figures: Qinghai 21.77 > Anhui 5.66 and Guangdong 6.68 (CT);
    Tibet 0.93 is the lowest MRI density of the 31."""
    ct = _per_million(stock, regions, "CT")
    mri = _per_million(stock, regions, "MRI")
    qinghai, anhui, guangdong, tibet = "630000", "340000", "440000", "540000"
    assert ct[qinghai] > ct[anhui] and ct[qinghai] > ct[guangdong]
    assert mri.idxmin() == tibet and (mri.drop(tibet) > mri[tibet]).all()


@pytest.mark.parametrize("modality,a,b,ratio", [
    ("CT", "510000", "320000", 9.91 / 9.33),   # Sichuan (West avg) vs Jiangsu (East avg)
    ("CT", "420000", "320000", 9.06 / 9.33),   # Hubei (Central avg) vs Jiangsu (East avg)
    ("CT", "630000", "340000", 21.77 / 5.66),  # Qinghai vs Anhui (both named)
    ("MRI", "510000", "420000", 4.62 / 4.74),  # Sichuan (West avg) vs Hubei (Central avg)
    ("MRI", "460000", "130000", 8.67 / 3.73),  # Hainan vs Hebei (both named)
])
def test_stock_density_ratios(stock, regions, modality, a, b, ratio):
    """(c) the per-million ratio of two provinces equals the ratio of their quoted densities (±3 % for rounding)."""
    d = _per_million(stock, regions, modality)
    assert d[a] / d[b] == pytest.approx(ratio, rel=0.03)


def test_stock_dr_by_population(stock, regions):
    """DR: no provincial figure exists, so DR per million is the same in every province (up to rounding)."""
    dr = _per_million(stock, regions, "DR")
    nat = 64_000 / NATIONAL_POP * 1e6
    assert ((dr - nat).abs() / nat < 0.01).all()


def _check_children(child: pd.DataFrame, parent: pd.DataFrame, parent_of: pd.Series, value: str, keys: list[str]):
    child = child.merge(parent_of.rename("parent").reset_index(), on="code", how="left")
    assert child.parent.notna().all()
    got = child.groupby(["parent"] + keys)[value].sum()
    want = parent.set_index(["code"] + keys)[value]
    want.index = want.index.set_names(["parent"] + keys)
    got, want = got.sort_index(), want.sort_index()
    assert got.index.equals(want.index)
    assert (got == want).all()


def _parents(regions):
    f = regions["prefectures"]
    c = regions["counties"]
    return (f.set_index("code").parent_code,
            pd.Series(pref_of(c, set(f.code)).values, index=c.code))


@pytest.mark.parametrize("kind", ["stock", "facilities"])
def test_levels_sum_to_parent(kind, stock, facilities, regions):
    data = stock if kind == "stock" else facilities
    value = "units" if kind == "stock" else "facilities"
    keys = ["tier", "modality"] if kind == "stock" else ["tier"]
    f_par, c_par = _parents(regions)
    _check_children(data["prefectures"], data["provinces"], f_par, value, keys)
    _check_children(data["counties"], data["prefectures"], c_par, value, keys)
    sc = data["counties_sichuan"]
    _check_children(sc, data["prefectures"][data["prefectures"].code.isin(set(c_par[sc.code]))],
                    c_par, value, keys)
    # Sichuan county file sums to Sichuan's province figures
    got = sc.groupby(keys)[value].sum().sort_index()
    want = data["provinces"][data["provinces"].code == SICHUAN].set_index(keys)[value].sort_index()
    assert (got == want).all()
    pd.testing.assert_frame_equal(sc.reset_index(drop=True),
                                  data["counties"][data["counties"].code.str.startswith("51")].reset_index(drop=True))


def test_codes_exist_in_region_tables(stock, facilities, regions):
    for k in LEVEL_FILES:
        codes = set(regions[k].code)
        assert set(stock[k].code) == codes, k
        assert set(facilities[k].code) == codes, k


# ---------------------------------------------------------------- facilities
def test_facilities_national(facilities, regions):
    for k, df in facilities.items():
        assert list(df.columns) == FAC_COLS, k
        assert set(df.tier) == TIERS
        assert (df.facilities >= 0).all()
        assert (df.reference_year == 2020).all()
        assert len(df) == 3 * len(regions[k])
        if k == "counties_sichuan":
            continue
        t = df.groupby("tier").facilities.sum()
        assert t["tertiary"] == 2_996 and t["secondary"] == 10_404 and t["grassroots"] == 35_762 + 35_365 == 71_127


def test_every_county_level_unit_has_a_county_hospital(facilities):
    """Issue 11, item 6: at least one secondary (county-level general) hospital in every county-level unit,
    in the national and the Sichuan county tables; the national count stays the bulletin's 10,404."""
    for k in ("counties", "counties_sichuan"):
        sec = facilities[k][facilities[k].tier == "secondary"]
        assert (sec.facilities >= 1).all(), sec[sec.facilities < 1].code.tolist()
    assert facilities["counties"].query("tier == 'secondary'").facilities.sum() == 10_404
    assert len(facilities["counties"].query("tier == 'secondary'")) == 2_974


def test_every_prefecture_has_a_tertiary_hospital(facilities, regions):
    """Every prefecture-level division (code ending 00) of 100,000 residents or more has at least one 三级
    hospital, in the prefecture and county tables; only 三沙市 (2,333 residents) is below the threshold.
    Before this floor Tibet had 4 tertiary hospitals for 3.6 million people and its tertiary MRI demand
    outgrew the 20 units they may hold by 2030."""
    pref = regions["prefectures"]
    divisions = pref[pref.code.str.endswith("00")]
    floored = set(divisions[divisions.population >= 100_000].code)
    assert set(divisions.code) - floored == {"460300"}
    fac = facilities["prefectures"].query("tier == 'tertiary'").set_index("code").facilities
    assert (fac[sorted(floored)] >= 1).all(), fac[sorted(floored)][lambda s: s < 1].index.tolist()
    counties = regions["counties"]
    cfac = facilities["counties"].query("tier == 'tertiary'").set_index("code").facilities
    by_pref = cfac.groupby(pref_of(counties, set(pref.code)).set_axis(counties.code).reindex(cfac.index)).sum()
    assert (by_pref[sorted(floored)] >= 1).all()
    assert cfac.sum() == 2_996
    prov = facilities["provinces"].query("tier == 'tertiary'").set_index("code").facilities
    assert prov["540000"] >= 7  # Tibet: 7 prefecture-level divisions


# ---------------------------------------------------------------- boundaries
GEO = {"provinces": ("provinces", 1_000_000), "prefectures": ("prefectures", 3_000_000),
       "counties_sichuan": ("counties_sichuan", 1_500_000)}


def _ring_ok(ring) -> bool:
    return len(ring) >= 4 and ring[0] == ring[-1] and all(
        len(pt) == 2 and 73 <= pt[0] <= 136 and 3 <= pt[1] <= 54 and round(pt[0], 4) == pt[0]
        and round(pt[1], 4) == pt[1] for pt in ring)


@pytest.mark.parametrize("name", list(GEO))
def test_geojson(name, regions):
    table, cap = GEO[name]
    path = D / f"{name}.geojson"
    assert path.stat().st_size <= cap
    fc = json.loads(path.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in fc["features"]]
    assert len(codes) == len(set(codes))
    for f in fc["features"]:
        assert isinstance(f["properties"]["code"], str) and len(f["properties"]["code"]) == 6
        assert f["properties"]["name_zh"]
        g = f["geometry"]
        assert g["type"] in ("Polygon", "MultiPolygon")
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        assert polys and all(_ring_ok(r) for p in polys for r in p)
    df = regions[table]
    names = dict(zip(df.code, df.name_zh))
    assert set(codes) <= set(df.code)
    missing = set(df.code) - set(codes)
    if name == "counties_sichuan":
        assert missing == SICHUAN_NO_GEOMETRY
        assert (df[df.code.isin(missing)].estimated == "true").all()
    else:
        assert not missing
    assert all(names[f["properties"]["code"]] == f["properties"]["name_zh"] for f in fc["features"])


def test_provinces_geojson_has_no_dashed_line():
    fc = json.loads((D / "provinces.geojson").read_text(encoding="utf-8"))
    assert len(fc["features"]) == 31
    assert "100000" not in {f["properties"]["code"] for f in fc["features"]}


# ---------------------------------------------------------------- rebuild
# tables the build script does not make: an assumed what-if written by hand (README §5.1)
WRITTEN_BY_HAND = {"quotas_sichuan_example.csv"}


@pytest.mark.skipif(not (SHARED / "data" / "external").is_dir(), reason="shared inputs not available")
@pytest.mark.slow
def test_rebuild_is_deterministic(tmp_path):
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_regions.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True, cwd=REPO)
    built = sorted(p.name for p in tmp_path.iterdir())
    shipped = sorted(p.name for p in D.iterdir() if p.suffix in (".csv", ".geojson") and p.name not in WRITTEN_BY_HAND)
    assert built == shipped
    for name in built:
        assert (tmp_path / name).read_bytes() == (D / name).read_bytes(), name
