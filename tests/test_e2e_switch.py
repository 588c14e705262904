"""In a real browser: choosing another scenario file resets every input to it, and Solve uses its budget
(issue 13, item 1: the page handed the previous scenario's budget back and Sichuan was solved at the
national 1,000 亿元). AppTest cannot see this: it does not send widget values back as a browser does."""

from __future__ import annotations

import json
import os
import re
import time

from tests.test_e2e_browser import (ARTIFACTS, SOLVE_TIMEOUT_MS, _number, _set_budget,  # noqa: F401
                                    chromium_page, pytestmark, wait_idle)
from tests.conftest import REPO

import pytest


def test_switching_scenarios_resets_the_budget_the_solve_uses_and_delete_asks_first(two_scenarios_url):
    from playwright.sync_api import expect

    with chromium_page(two_scenarios_url) as page:
        box = page.get_by_label("Total capital budget (万元)")
        assert _number(box.input_value()) == 4_000_000       # small.toml's budget
        _set_budget(page, 3_000_000)                           # an edit typed on small.toml
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Scenario file").click()
        page.get_by_role("option", name="tight.toml", exact=True).click()
        wait_idle(page)
        box = page.get_by_label("Total capital budget (万元)")
        page.screenshot(path=str(ARTIFACTS / "e2e_switch_scenario.png"))
        assert _number(box.input_value()) == 1_000_000, box.input_value()   # tight.toml's, not the edit
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        spend = page.locator('[data-testid="stMetric"]').filter(has_text="Spend").locator(
            '[data-testid="stMetricValue"]').inner_text()
        assert _number(spend) <= 100.0, spend                 # 1,000,000 万元 = 100 亿元

        # The solved run was saved; deleting it asks first (issue 13, item 3).
        page.locator('[data-testid="stSidebar"]').get_by_text("Saved runs", exact=True).click()
        wait_idle(page)
        page.get_by_role("button", name="Delete", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text("cannot be recovered", exact=False)).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "e2e_delete_confirm.png"))
        page.get_by_role("button", name="Keep it", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text("cannot be recovered", exact=False)).to_have_count(0)
        page.get_by_role("button", name="Delete", exact=True).click()
        wait_idle(page)
        page.get_by_role("button", name="Yes, delete it", exact=True).click()
        wait_idle(page)
        expect(page.get_by_text("No saved runs", exact=False)).to_be_visible()


def test_progress_then_stop_keeps_the_best_plan(app_url):
    """Sichuan by county (a 120 s limit): the status box shows HiGHS's best plan, bound and gap as they
    come; Stop ends the solve, and the page shows the best plan so far, verified, labelled as stopped."""
    from playwright.sync_api import expect

    with chromium_page(app_url) as page:
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Scenario file").click()
        page.get_by_role("option", name="sichuan.toml", exact=True).click()
        wait_idle(page)
        assert _number(page.get_by_label("Total capital budget (万元)").input_value()) == 900_000
        page.get_by_role("button", name="Solve", exact=True).click()
        # a progress line with a plan ("best plan 289,890, proven bound ..."), not the Stop button's label
        expect(page.get_by_text(re.compile(r"best plan [\d,]+")).first).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        page.screenshot(path=str(ARTIFACTS / "e2e_progress.png"))
        page.get_by_role("button", name="Stop and keep the best plan so far").click()
        expect(page.get_by_text("stopped on request", exact=False).first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Independent check passed")).to_be_visible()
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "e2e_stopped.png"))
        # Issue 12, item 3: a budget cut shows a verified first plan at once, while HiGHS improves it.
        budget = page.get_by_label("Total capital budget (万元)")
        budget.fill("850000")
        budget.press("Enter")
        wait_idle(page)
        clicked = time.perf_counter()
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("First plan, made at once from the previous plan for the new budget", exact=False)).to_be_visible(
            timeout=60_000)
        first_plan_s = time.perf_counter() - clicked
        # the plan is there while HiGHS still works on it: the Stop button is still on the page
        expect(page.get_by_role("button", name="Stop and keep the best plan so far")).to_be_visible()
        expect(page.get_by_text("purchase(s) dropped to fit the smaller budget", exact=False).first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "e2e_quick_plan.png"))
        # Issue 13's goal is a first plan within 2 s of the click at this scale. It is measured and written
        # down, not asserted: no verdict may depend on how loaded the machine is (see benchmarks/bench_whatif.py
        # for the engine's own time, against its 1 s goal).
        (ARTIFACTS / "e2e_whatif_timing.json").write_text(json.dumps(
            {"scenario": "sichuan.toml", "budget_wan_cny": [900_000, 850_000], "first_plan_s": round(first_plan_s, 2),
             "goal_s": 2.0, "load_average": os.getloadavg()}, indent=1), encoding="utf-8")
        print(f"what-if at county scale: first plan {first_plan_s:.2f} s after the click (goal 2 s)")
        page.get_by_role("button", name="Stop and keep the best plan so far").click()
        expect(page.get_by_text("stopped on request", exact=False).first).to_be_visible(timeout=60_000)


def test_an_upload_with_another_name_is_named_unused_then_assigned(app_url, tmp_path):
    """Issue 13, item 2: sichuan.toml uploaded with its stock table as 四川设备2025.csv. The page says the
    file is not used, and after it is given the role 'existing units' the active-files line shows it."""
    from playwright.sync_api import expect

    renamed = tmp_path / "四川设备2025.csv"
    renamed.write_bytes((REPO / "data" / "regions" / "stock_counties_sichuan.csv").read_bytes())
    with chromium_page(app_url) as page:
        upload = page.locator('[data-testid="stExpander"]').filter(has_text="upload a scenario TOML with its tables")
        upload.locator("summary").click()
        upload.locator('input[type="file"]').set_input_files([str(REPO / "models" / "sichuan.toml"), str(renamed)])
        wait_idle(page)
        page.get_by_role("button", name="Load upload / 载入上传").click()
        wait_idle(page)
        expect(page.get_by_text("Not used: 四川设备2025.csv", exact=False)).to_be_visible()
        expect(page.get_by_text("existing units: stock_counties_sichuan.csv (shipped with the planner)",
                                exact=False)).to_be_visible()
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Use 四川设备2025.csv as").click()
        page.get_by_role("option", name="existing units", exact=True).click()
        wait_idle(page)
        page.get_by_role("button", name="Load again with these files").click()
        wait_idle(page)
        page.screenshot(path=str(ARTIFACTS / "e2e_upload_assigned.png"))
        expect(page.get_by_text("existing units: 四川设备2025.csv (uploaded, assigned by you)", exact=False)).to_be_visible()
        expect(page.get_by_text("Active scenario: sichuan.toml (uploaded)", exact=False)).to_be_visible()
        picker = page.locator('[data-testid="stSelectbox"]').filter(has_text="Scenario file")
        assert "sichuan.toml (uploaded)" in picker.inner_html(), picker.inner_html()[:3000]  # not baseline.toml
