"""In a real browser: choosing another scenario file resets every input to it, and Solve uses its budget
(issue 13, item 1: the page handed the previous scenario's budget back and Sichuan was solved at the
national 1,000 亿元). AppTest cannot see this: it does not send widget values back as a browser does."""

from __future__ import annotations

from tests.test_e2e_browser import (ARTIFACTS, CHROMIUM, LAUNCH_ARGS, SOLVE_TIMEOUT_MS, VIEWPORT, _app_server,  # noqa: F401
                                    _number, _set_budget, pytestmark, wait_idle)
from tests.test_app_switch import _models

import pytest


@pytest.fixture(scope="module")
def two_scenarios_url(tmp_path_factory):
    models = _models(tmp_path_factory.mktemp("models") / "m")
    with _app_server(tmp_path_factory, "_switch", {"PLANNER_MODELS": str(models)}) as url:
        yield url


def test_switching_scenarios_resets_the_budget_the_solve_uses(two_scenarios_url):
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(30_000)
            page.goto(two_scenarios_url)
            page.wait_for_timeout(500)
            page.reload()
            expect(page.get_by_role("heading", name="Imaging-equipment capacity planner")).to_be_visible(timeout=60_000)
            wait_idle(page)
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
        finally:
            browser.close()
