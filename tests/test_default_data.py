"""The default data, read through the library, reproduce the seeds' national figures."""

from __future__ import annotations

import numpy as np
import pytest

from planner.data import tables
from planner.data.inputs import resolve
from planner.config.scenario import load_scenario
from tests.conftest import REPO as REPO_ROOT

DATA = REPO_ROOT / "data" / "regions"


@pytest.fixture(scope="module")
def baseline():
    return resolve(load_scenario(REPO_ROOT / "models" / "baseline.toml"))


def test_reference_year_stock_reproduces_the_seeds():
    """CT ≈28,000 and DR ≈64,000 in 2019 (seed 004 l.80, l.303); MRI 6 per million in 2017 (l.303)."""
    stock = tables.read_table(DATA / "stock_provinces.csv", tables.STOCK)
    regions = tables.read_table(DATA / "provinces.csv", tables.REGIONS)
    by = stock.groupby("modality")["units"].sum()
    years = stock.groupby("modality")["reference_year"].unique()
    assert by["CT"] == 28_000 and list(years["CT"]) == [2019]
    assert by["DR"] == 64_000 and list(years["DR"]) == [2019]
    assert list(years["MRI"]) == [2017]
    assert by["MRI"] / (regions["population"].sum() / 1e6) == pytest.approx(6.0, abs=0.005)


def test_stock_is_carried_to_the_base_year_by_the_documented_rule(baseline):
    """units_2025 = units_ref x (1 + growth)^(2025 - ref), rounded per row: CT 7 %/yr from 2019,
    MRI 9 %/yr from 2017, DR 5 %/yr from 2019 (models/baseline.toml)."""
    inp = baseline
    totals = dict(zip(inp.modalities, inp.stock_base.sum(axis=(0, 1))))
    rows = len(inp.regions) * len(inp.tiers)  # rounding error is at most 0.5 a row
    assert totals["CT"] == pytest.approx(28_000 * 1.07 ** 6, abs=0.5 * rows)
    assert totals["DR"] == pytest.approx(64_000 * 1.05 ** 6, abs=0.5 * rows)
    assert totals["MRI"] == pytest.approx(8_459 * 1.09 ** 8, abs=0.5 * rows)


def test_every_stock_code_is_a_region_at_every_level():
    for level in ("provinces", "prefectures", "counties_sichuan", "counties"):
        regions = set(tables.read_table(DATA / f"{level}.csv", tables.REGIONS)["code"])
        stock = set(tables.read_table(DATA / f"stock_{level}.csv", tables.STOCK)["code"])
        fac = set(tables.read_table(DATA / f"facilities_{level}.csv", tables.FACILITIES)["code"])
        assert stock <= regions and fac <= regions, level


def test_retirement_follows_service_life(baseline):
    """Even ages over a 10-year life: 10 % of the base stock retires each year after 2025."""
    inp = baseline
    ct = inp.modalities.index("CT")
    base = inp.stock_base[:, :, ct].sum()
    surv = inp.surviving[:, :, ct, :].sum(axis=(0, 1))
    expected = base * (1 - (np.array(inp.years) - 2025) / 10)
    assert np.allclose(surv, expected, atol=0.5 * inp.stock_base[:, :, ct].size)


def test_population_projection(baseline):
    inp = baseline
    pop_2020 = inp.regions["population"].sum()
    assert pop_2020 == 1_409_778_724
    assert inp.pop[:, 0].sum() == pytest.approx(pop_2020 * 0.999 ** 6)
