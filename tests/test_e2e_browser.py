"""End-to-end test in a real browser: start `planner app`, drive it with Playwright and Debian's chromium.

What AppTest cannot see is checked here: the upload widget, the number input, that the pydeck map really
draws a canvas, the Chinese interface, and that solved runs reach the run store. Screenshots are written to
tests/artifacts/ (git-ignored) so a person can look at them.

Needs `apt-get install chromium fonts-wqy-microhei` (the font draws the Chinese text) and the `test` extra
(playwright). Never run `playwright install`: the test uses /usr/bin/chromium through executable_path.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.skipif(
    not os.path.exists(CHROMIUM) or importlib.util.find_spec("playwright") is None,
    reason="needs Debian chromium and Playwright: `apt-get install -y --no-install-recommends chromium "
           "fonts-wqy-microhei` and `pip install -e '.[test]'` (never `playwright install`)",
)]

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--enable-unsafe-swiftshader"]
VIEWPORT = {"width": 1400, "height": 3200}  # tall viewport instead of full_page (Streamlit scrolls inside a div)
SOLVE_TIMEOUT_MS = 90_000


OWN_HOSTS = {"127.0.0.1", "localhost", "::1"}


def offsite(url: str) -> bool:
    """A request to a host other than the app's own (data: and blob: URLs of the page are its own)."""
    if url.startswith(("data:", "about:")):
        return False
    return urlsplit(url.removeprefix("blob:")).hostname not in OWN_HOSTS


@contextlib.contextmanager
def chromium_page(url: str, viewport: dict | None = None):
    """A page in Debian's chromium on the app at ``url``, loaded and idle, that records every request to
    another host; at the end the test fails listing them (issue 25, item 9: the app fetches nothing from the
    internet, no basemap, no script). Every browser test opens its page here."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    foreign: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            # The app opens in the browser's language (i18n.browser_lang): the tests start in English
            # whatever the machine's locale, and switch to 中文 themselves.
            context = browser.new_context(viewport=viewport or VIEWPORT, locale="en-US")
            context.on("request", lambda r: offsite(r.url) and foreign.append(r.url))
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(url)
            page.wait_for_timeout(500)  # the first load of a cold server can stay blank: load, then reload
            page.reload()
            expect(page.get_by_role("heading", name="Imaging-equipment capacity planner")).to_be_visible(timeout=60_000)
            wait_idle(page)
            yield page
        finally:
            browser.close()
    assert not foreign, f"requests to other hosts than the app's own: {sorted(set(foreign))}"


# The `planner app` servers (fixtures app_url, small_app_url, two_scenarios_url) are in tests/app_servers.py,
# session-scoped: one of each per run, shared with tests/test_e2e_switch.py.


def wait_idle(page, quiet_ms: int = 800, timeout_s: float = 60) -> None:
    """Wait until no script run is in progress (no status widget, no stale elements) for quiet_ms."""
    end = time.time() + timeout_s
    since = None
    while time.time() < end:
        busy = page.locator('[data-testid="stStatusWidget"]').count() + page.locator('[data-stale="true"]').count()
        since = (since or time.time()) if busy == 0 else None
        if since and (time.time() - since) * 1000 >= quiet_ms:
            return
        page.wait_for_timeout(200)
    status = page.locator('[data-testid="stStatusWidget"]').all_inner_texts()
    stale = [e.get_attribute("data-testid") for e in page.locator('[data-stale="true"]').all()]
    page.screenshot(path=str(ARTIFACTS / "e2e_not_idle.png"))
    raise TimeoutError(f"app never went idle: status widget {status}, stale elements {stale[:10]}")


def _number(text: str) -> float:
    m = re.search(r"-?[\d,]+(?:\.\d+)?", text)
    assert m, f"no number in {text!r}"
    return float(m.group().replace(",", ""))


def _fill(page, label: str, value: float, exact: bool = True) -> None:
    """Type a value into the number box labelled ``label``, let the page rerun with it, and check it took."""
    box = page.get_by_label(label, exact=exact)
    box.fill(str(value))
    box.press("Enter")
    wait_idle(page)
    assert _number(box.input_value()) == value, box.input_value()


def _set_budget(page, value: int) -> None:
    _fill(page, "Total capital budget (万元)", value, exact=False)


def _no_error_boxes(page) -> None:
    errors = page.locator('[data-testid="stAlertContentError"], [data-testid="stException"]')
    assert errors.count() == 0, "error in the page: " + " | ".join(errors.all_inner_texts())


def test_upload_solve_twice_map_language_runs(app_url):
    from playwright.sync_api import expect

    problems: list[str] = []
    with chromium_page(app_url) as page:

        # Upload models/baseline.toml alone: its tables resolve by file name to data/regions/.
        upload = page.locator('[data-testid="stExpander"]').filter(has_text="upload a scenario TOML with its tables")
        upload.locator("summary").click()
        upload.locator('input[type="file"]').set_input_files(str(REPO / "models" / "baseline.toml"))
        load = page.get_by_role("button", name="Load upload / 载入上传")
        expect(load).to_be_visible()
        wait_idle(page)
        load.click()
        expect(page.get_by_text("baseline.toml loaded")).to_be_visible()
        wait_idle(page)
        _no_error_boxes(page)

        # .last: one plan is on the page at a time (the quick plan of a what-if replaces the plan before, see
        # test_a_whatif_shows_one_plan_labelled_with_its_kind_and_budget)
        spend = page.locator('[data-testid="stMetric"]').filter(has_text="Spend").locator(
            '[data-testid="stMetricValue"]').last
        deck = page.locator('[data-testid="stDeckGlJsonChart"]').first

        # First solve at 600亿元 (1 亿元 = 10,000 万元).
        _set_budget(page, 6_000_000)
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        first = spend.inner_text()
        expect(deck).to_be_visible()
        expect(deck.locator("canvas").first).to_be_visible()
        page.wait_for_timeout(500)  # let deck.gl paint
        page.screenshot(path=str(ARTIFACTS / "e2e_after_first_solve.png"))
        deck.screenshot(path=str(ARTIFACTS / "e2e_map_first.png"))
        assert "亿元" in first, first
        if _number(first) > 600.0 + 1e-6:  # checked at the end, so the rest of the flow still runs
            problems.append(f"first solve ignored the budget typed in: Spend shows {first} with 6,000,000 万元 "
                            "(600 亿元) entered; the scenario file's budget is 15,000,000 万元")

        # Second solve at 300亿元: the spend metric must follow the budget.
        _set_budget(page, 3_000_000)
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(spend).not_to_have_text(first, timeout=SOLVE_TIMEOUT_MS)
        expect(page.get_by_text("Independent check passed").last).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        second = spend.inner_text()
        assert "亿元" in second, second
        assert 0 < _number(second) <= 300.0 + 1e-6, (first, second)
        assert _number(second) < _number(first), (first, second)
        expect(deck.locator("canvas").first).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "e2e_after_second_solve.png"))
        deck.screenshot(path=str(ARTIFACTS / "e2e_map_second.png"))

        # Chinese interface.
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("中文", exact=True).click()
        expect(page.get_by_role("heading", name="医学影像设备配置规划")).to_be_visible()
        wait_idle(page)
        _no_error_boxes(page)
        page.screenshot(path=str(ARTIFACTS / "e2e_chinese.png"))

        # Saved runs (已保存方案, still in Chinese): both solves were stored.
        sidebar.get_by_text("已保存方案", exact=True).click()
        wait_idle(page)
        _no_error_boxes(page)
        pick = page.locator('[data-testid="stSelectbox"]').filter(has_text="方案")
        pick.click()
        options = page.get_by_role("option")
        expect(options.first).to_be_visible()
        names = options.all_inner_texts()
        page.keyboard.press("Escape")
        page.screenshot(path=str(ARTIFACTS / "e2e_saved_runs.png"))
        assert len(names) >= 2, names
        assert any("600.00 亿元" in n for n in names) and any("300.00 亿元" in n for n in names), names
        assert not problems, "; ".join(problems)


# ------------------------------------------------------------------------------ access and equity pages
def test_access_section_frontier_click_and_alternatives_screenshots(small_app_url):
    """Access on (CT), solve, the travel map and equity table; the frontier chart clicked on a point (the
    browser's own click, which AppTest cannot make); alternatives with their maps side by side."""
    from playwright.sync_api import expect

    with chromium_page(small_app_url, {"width": 1400, "height": 1800}) as page:

        # Access on for CT in the editor, then solve.
        access = page.locator('[data-testid="stExpander"]').filter(has_text="Access: travel to the nearest unit")
        access.locator("summary").click()
        wait_idle(page)
        access.locator('[data-testid="stMultiSelect"]').click()
        page.get_by_role("option", name="CT", exact=True).click()
        page.keyboard.press("Escape")
        wait_idle(page)
        access.screenshot(path=str(ARTIFACTS / "e2e_access_editor.png"))
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        heading = page.get_by_role("heading", name="Access and equity")
        heading.scroll_into_view_if_needed()
        expect(page.get_by_text("Beyond 60 minutes (million people)")).to_be_visible()
        travel = page.locator('[data-testid="stDeckGlJsonChart"]').nth(1)
        expect(travel.locator("canvas").first).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "e2e_access_section.png"))
        page.get_by_text("Equity of units per million across regions").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "e2e_equity_table.png"))

        # Frontier: 3 points, then click the most equal one in the chart itself.
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text("Equity frontier", exact=True).click()
        wait_idle(page)
        _fill(page, "Number of plans (points)", 3, exact=False)
        page.get_by_role("button", name="Compute the frontier").click()
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        expect(chart).to_be_visible(timeout=3 * SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        dot = chart.locator('[aria-roledescription="circle"][aria-label*="most equal"]')
        expect(dot).to_have_count(1)
        dot.click(force=True)
        expect(page.get_by_text("The chosen plan: most equal")).to_be_visible()
        wait_idle(page)
        _no_error_boxes(page)
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "e2e_frontier_picked.png"))

        # Alternatives: one, maps side by side.
        sidebar.get_by_text("Alternative plans", exact=True).click()
        wait_idle(page)
        _fill(page, "Alternatives to find", 1, exact=False)
        page.get_by_role("button", name="Find alternative plans").click()
        expect(page.get_by_text("Plans side by side")).to_be_visible(timeout=3 * SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        decks = page.locator('[data-testid="stDeckGlJsonChart"]')
        expect(decks).to_have_count(2)
        for i in range(2):
            expect(decks.nth(i).locator("canvas").first).to_be_visible()
        page.wait_for_timeout(500)
        page.screenshot(path=str(ARTIFACTS / "e2e_alternatives.png"))

        # The frontier page in Chinese (kept results, no new solve).
        sidebar.get_by_text("中文", exact=True).click()
        wait_idle(page)
        sidebar.get_by_text("效率—公平前沿", exact=True).click()
        wait_idle(page)
        _no_error_boxes(page)
        expect(page.get_by_text("前沿上的方案")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "e2e_frontier_chinese.png"))


def test_plan_page_in_chinese_after_a_baseline_solve(app_url):
    """Issue 13, item 4: the Plan page in 中文 after a baseline solve, one tall screenshot to look at; the map's
    colour bar and tooltip, the chart titles and the plan table's headers are Chinese."""
    from playwright.sync_api import expect

    with chromium_page(app_url, {"width": 1400, "height": 7000}) as page:  # the whole page, charts and tables
        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        expect(page.get_by_role("heading", name="医学影像设备配置规划")).to_be_visible()
        wait_idle(page)
        expect(page.get_by_text("全国分省规划, 2026-2030", exact=False)).to_be_visible()
        # the uploader's own English (its button, its size limit) is drawn in Chinese by the app's style sheet
        box = _expander(page, "上传情景").locator('[data-testid="stFileUploaderDropzone"]')
        expect(box).to_be_visible()
        drawn = box.evaluate("""b => [b.querySelector('button'), b.querySelector(
            '[data-testid="stFileUploaderDropzoneInstructions"]')].map(e => getComputedStyle(e, '::after').content)""")
        assert drawn == ['"选择文件"', '"每个文件不超过 50 MB"'], drawn
        assert "Upload" not in box.inner_text() or not box.get_by_text("Upload").is_visible()
        box.screenshot(path=str(ARTIFACTS / "e2e_uploader_chinese.png"))
        page.get_by_role("button", name="求解", exact=True).click()
        expect(page.get_by_text("独立校验通过", exact=False)).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)
        expect(page.get_by_text("分位数 (各类地区数相等)", exact=False).first).to_be_visible()  # colour bar
        # chart titles and the spend axis in the unit of totals, 亿元
        for title in ("年度支出", "资本支出 (亿元)", "按设备类型与层级的新购台数"):
            expect(page.locator('[data-testid="stVegaLiteChart"]').get_by_text(title).first).to_be_visible()
        expect(page.get_by_text("规划后每百万人口台数", exact=False).first).to_be_visible()
        deck = page.locator('[data-testid="stDeckGlJsonChart"]').first
        expect(deck.locator("canvas").first).to_be_visible()
        page.wait_for_timeout(800)  # let deck.gl and Vega paint
        page.screenshot(path=str(ARTIFACTS / "e2e_plan_chinese.png"))
        box = deck.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.55)  # over central China
        tip = page.locator(".deck-tooltip")
        expect(tip).to_contain_text("每百万人口", timeout=10_000)
        assert "no data" not in tip.inner_text() and "population" not in tip.inner_text(), tip.inner_text()
        deck.screenshot(path=str(ARTIFACTS / "e2e_plan_chinese_map_tooltip.png"))


def test_a_changed_budget_marks_the_plan_out_of_date(small_app_url):
    """Issue 25, item 3: after a solve, a new budget typed in leaves the plan shown (and its downloads) for the
    earlier inputs: the Plan page says so and names the budget, in English and in 中文, until the next solve."""
    from playwright.sync_api import expect

    with chromium_page(small_app_url, {"width": 1400, "height": 1800}) as page:
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        notice = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="earlier inputs")
        expect(notice).to_have_count(0)
        _set_budget(page, 1_200_000)
        expect(notice).to_have_count(1)
        expect(notice).to_contain_text("Changed since: “Total capital budget (万元)”")
        notice.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "e2e_stale_plan.png"))
        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        wait_idle(page)
        zh = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="之前的输入")
        expect(zh).to_contain_text("此后已改变: “总资本预算 (万元)”")
        zh.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "e2e_stale_plan_chinese.png"))
        page.get_by_role("button", name="求解", exact=True).click()
        expect(page.get_by_text("独立校验通过", exact=False)).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        expect(zh).to_have_count(0)
        _no_error_boxes(page)


# ------------------------------------------------------------------------------ what-ifs: one plan, labelled
# The words the what-if test looks for, in each interface language.
WHATIF_WORDS = {
    "en": {"budget": "Total capital budget (万元)", "solver": "Solver", "limit": "Time limit (s)",
           "gap": "Relative gap tolerance", "solve": "Solve", "checked": "Independent check passed", "spend": "Spend",
           "quick": "Quick plan for a budget of", "improving": "Improving:", "final": "Final plan for a budget of",
           "stop": "Stop and keep the best plan so far", "objective": "Objective", "stopped": "stopped on request"},
    "zh": {"budget": "总资本预算 (万元)", "solver": "求解器", "limit": "时间上限 (秒)", "gap": "相对间隙容差",
           "solve": "求解", "checked": "独立校验通过", "spend": "支出", "quick": "即时方案: 预算",
           "improving": "正在改进:", "final": "最终方案: 预算", "stop": "停止并保留目前最佳方案",
           "objective": "目标值", "stopped": "已按要求停止"},
}
TIGHT_LIMIT_S = 8   # baseline.toml at gap 0 never proves optimality: every solve, what-ifs too, runs this long



def _solved_tight(page, lang: str, scenario: str = "", limit: float = TIGHT_LIMIT_S, gap: float = 0) -> dict:
    """baseline.toml (or ``scenario``) solved at ``gap`` within ``limit`` seconds, in the interface language
    ``lang``: a what-if after it runs HiGHS for seconds, long enough to see its quick plan and to press Stop
    while it runs."""
    from playwright.sync_api import expect

    w = WHATIF_WORDS[lang]
    if scenario:
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Scenario file").click()
        page.get_by_role("option", name=scenario, exact=True).click()
        wait_idle(page)
    if lang == "zh":
        page.locator('[data-testid="stSidebar"]').get_by_text("中文", exact=True).click()
        wait_idle(page)
    page.get_by_text(w["solver"], exact=True).click()   # open the solver section
    wait_idle(page)
    _fill(page, w["limit"], limit)
    _fill(page, w["gap"], gap)
    page.get_by_role("button", name=w["solve"], exact=True).click()
    expect(page.get_by_text(w["checked"], exact=False)).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
    wait_idle(page)
    _no_error_boxes(page)
    return w


def _one_plan(page, w: dict, kinds: tuple[str, ...], budget_yi: str) -> str:
    """Exactly one plan's metrics on the page (none left faded from the plan before), under one label that
    names one of ``kinds`` and the budget; returns the label."""
    from playwright.sync_api import expect

    spend = page.locator('[data-testid="stMetric"]').filter(has_text=w["spend"])
    expect(spend).to_have_count(1)   # a plan is drawn from the top: its metrics may come a moment after its label
    label = page.get_by_role("heading").filter(
        has_text=re.compile("|".join(re.escape(w[k]) for k in ("quick", "improving", "final"))))
    assert label.count() == 1, label.all_inner_texts()
    text = label.inner_text()
    assert any(text.startswith(w[k]) for k in kinds) and budget_yi in text, (kinds, budget_yi, text)
    return text


# Each of the two what-if tests below runs in one language, the two together in both: each checks the quick
# and final labels with the budget in 亿元, and a second run in the other language cost 1-1.5 min of a suite
# that must stay under 15 (CI measured 15:09 with both in both).
@pytest.mark.parametrize("lang", ["en"])
def test_a_whatif_shows_one_plan_labelled_with_its_kind_and_budget(app_url, lang):
    """Issue 25, item 4: during a budget what-if the quick plan replaces the plan shown before (which stayed
    below it, faded and unlabelled); the one plan on the page is labelled quick plan / improving / final and
    with the budget it is for, in 亿元 (English here; the Stop test below reads the same labels in 中文)."""
    from playwright.sync_api import expect

    with chromium_page(app_url, {"width": 1400, "height": 2400}) as page:
        w = _solved_tight(page, lang)
        _one_plan(page, w, ("final",), "1,500.00 亿元")
        _fill(page, w["budget"], 14_250_000)                # a 5 % cut
        page.get_by_role("button", name=w["solve"], exact=True).click()
        expect(page.get_by_role("heading").filter(has_text=w["quick"])).to_be_visible(timeout=30_000)
        running = page.get_by_role("button", name=w["stop"])
        expect(running).to_be_enabled()                  # HiGHS still works on it
        _one_plan(page, w, ("quick", "improving"), "1,425.00 亿元")
        page.screenshot(path=str(ARTIFACTS / f"e2e_whatif_one_plan_{lang}.png"))
        expect(running).to_have_count(0, timeout=SOLVE_TIMEOUT_MS)
        expect(page.get_by_role("heading").filter(has_text=w["final"])).to_be_visible(timeout=30_000)
        wait_idle(page)
        _no_error_boxes(page)
        _one_plan(page, w, ("final",), "1,425.00 亿元")
        page.screenshot(path=str(ARTIFACTS / f"e2e_whatif_final_{lang}.png"))


def _objective(page, w: dict) -> float:
    """The objective of the one plan on the page, as its status caption shows it."""
    from playwright.sync_api import expect

    caption = page.get_by_text(re.compile(rf"^{w['objective']} -?[\d,]+\.\d"))
    expect(caption).to_have_count(1)   # the label comes first, the plan under it a moment later
    return _number(caption.inner_text())


@pytest.mark.parametrize("lang", ["zh"])   # English: the what-if test above and test_e2e_switch's Stop
def test_stop_at_once_after_a_whatif_keeps_a_plan_no_worse_than_the_quick_one(app_url, lang):
    """Issue 25, item 1: Sichuan by county, a budget what-if, Stop pressed the moment its quick plan is on
    screen while HiGHS still runs. HiGHS's first plan of a what-if there is more than ten times worse than
    the quick plan (2.9 million against 219 thousand, at 1.2 s); the plan kept must be no worse than the quick
    plan shown before the Stop (once HiGHS's worse plan was kept). The engine side: Solver.keep_best
    (tests/test_best_plan.py); without it this test fails."""
    from playwright.sync_api import expect

    with chromium_page(app_url, {"width": 1400, "height": 2400}) as page:
        w = _solved_tight(page, lang, "sichuan.toml", limit=15, gap=0.01)
        _fill(page, w["budget"], 855_000)                    # a 5 % cut of 900,000 万元
        page.get_by_role("button", name=w["solve"], exact=True).click()
        expect(page.get_by_role("heading").filter(has_text=w["quick"])).to_be_visible(timeout=30_000)
        quick = _objective(page, w)
        stop = page.get_by_role("button", name=w["stop"])
        expect(stop).to_be_enabled()
        _one_plan(page, w, ("quick", "improving"), "85.50 亿元")   # HiGHS is still running: the quick plan is labelled so
        stop.click()
        # stopped while HiGHS ran, not after it ended (which would say 'best found in the time limit')
        expect(page.get_by_text(w["stopped"], exact=False).first).to_be_visible(timeout=60_000)
        expect(page.get_by_role("heading").filter(has_text=w["final"])).to_be_visible()
        wait_idle(page)
        _no_error_boxes(page)
        _one_plan(page, w, ("final",), "85.50 亿元")
        expect(page.get_by_text(w["checked"], exact=False)).to_be_visible()
        kept = _objective(page, w)
        page.screenshot(path=str(ARTIFACTS / f"e2e_whatif_stopped_{lang}.png"))
        assert kept <= quick + 0.05, f"Stop kept a plan of objective {kept:,.1f}, worse than the quick plan's {quick:,.1f}"


# ------------------------------------------------------------------------------ the scenario editors of part 3
def _expander(page, title: str):
    """The Plan page's expander whose title holds ``title`` (case counts: "Staffing" is not the modality
    editor's "staffing"), opened."""
    exp = page.locator('[data-testid="stExpander"]').filter(
        has=page.locator("summary").filter(has_text=re.compile(re.escape(title))))
    exp.locator("summary").click()
    wait_idle(page)
    return exp


def _appears(locator, ms: int = 2000) -> bool:
    try:
        locator.wait_for(timeout=ms)
        return True
    except Exception:   # playwright's TimeoutError
        return False


def _gone(locator, ms: int = 2000) -> bool:
    try:
        locator.wait_for(state="detached", timeout=ms)
        return True
    except Exception:   # playwright's TimeoutError
        return False


def _add_row(page, expander, grid) -> None:
    """Press the data editor's "Add row". The button sits in a toolbar that appears over the grid's top edge
    on hover, and while the page above still settles, the grid's scroller or a caption can lie over it for
    the instant of a pointer click (CI saw 30 s of "subtree intercepts pointer events"). The click is sent to
    the button itself instead: React takes it as the planner's click, and the row is there or the cell
    edits that follow fail."""
    grid.scroll_into_view_if_needed()
    wait_idle(page)
    grid.hover()
    button = expander.get_by_role("button", name="Add row")
    button.wait_for(state="attached")
    button.dispatch_event("click")
    wait_idle(page)


def _edit_cell(page, grid, row: int, x: float, option: str = "", typed: str = "") -> None:
    """Edit a cell of a data editor (a canvas: cells have no elements to click) by where it is drawn: the
    ``row``-th body row (0 first), ``x`` pixels from the grid's left; choose ``option`` from its drop-down or
    type ``typed``. The grid is measured each time: a problem box above it moves it as the rows change. The
    pointer moves onto the cell first, in steps, and double-clicks until the cell's editor opens: right after
    a rerun the grid can miss a double click."""
    from playwright.sync_api import expect

    box = grid.bounding_box()
    where = (box["x"] + x, box["y"] + 36 + 35 * row + 17)   # a 36 px header, 35 px rows
    editor = page.locator('#portal [id^="gdg-overlay"]')
    for _ in range(3):
        page.mouse.move(*where, steps=5)
        page.wait_for_timeout(300)
        page.mouse.dblclick(*where)
        if _appears(editor):
            break
    else:
        raise AssertionError(f"no editor opened on the cell at {where}")
    if option:
        listed = page.get_by_role("option", name=option, exact=True)
        if not _appears(listed):   # the list opens with the editor, except at times: a click on it opens it
            page.locator('#portal [role="combobox"]').click()
        listed.click()
        if not _gone(editor):   # under load the click can land before the list takes it: Enter commits it
            page.keyboard.press("Enter")
    else:
        box = editor.locator("input, textarea").first
        box.fill(typed)
        expect(box).to_have_value(typed)
        box.press("Enter")
    expect(editor).to_have_count(0)
    wait_idle(page)


def test_each_new_scenario_editor_edits_a_field_and_the_solve_uses_them(small_app_url):
    """Issue 25, part 3: one field of each editor scenario_editors adds (plan years, rules in force,
    staffing, mobile units, tertiary catchment, presence rules, more settings) changed in the browser, then
    Solve. Every edit reaches the scenario the solve takes: after a first solve, the out-of-date notice names
    each edited input; the solve with them clears it without a problem box, and the plan covers the new last
    plan year."""
    from playwright.sync_api import expect

    with chromium_page(small_app_url, {"width": 1400, "height": 6000}) as page:   # editors open, and the plan
        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        _no_error_boxes(page)

        years = _expander(page, "Plan years")
        _fill(page, "Last plan year", 2028)                                      # small.toml: 2026-2027
        rules = _expander(page, "Rules in force")
        density = rules.get_by_role("checkbox", name="Density targets (hard targets)", exact=True)
        assert density.is_checked()
        density.uncheck(force=True)   # Streamlit's checkbox input sits under its drawn box
        wait_idle(page)
        expect(density).not_to_be_checked()
        _expander(page, "Staffing")
        _fill(page, "Headroom over the staff existing units need (%)", 20)      # 15
        _expander(page, "Mobile units: reach and travel")
        _fill(page, "Reach of a mobile unit (minutes from its base)", 90)       # 120
        catchment = _expander(page, "Tertiary catchment")
        catchment.get_by_text("also those of regions with the same parent", exact=False).click()
        wait_idle(page)
        presence = _expander(page, "Presence rules: a minimum of units per facility")
        grid = presence.locator('[data-testid="stDataFrame"]')
        _add_row(page, presence, grid)
        # columns: row marker, tier, modality, units per facility, from year
        _edit_cell(page, grid, 0, 120, option="tertiary")
        _edit_cell(page, grid, 0, 320, option="CT")
        _edit_cell(page, grid, 0, 560, typed="1")
        _edit_cell(page, grid, 0, 800, typed="2027")
        _no_error_boxes(page)   # a half-filled row is reported until its last cell is in
        _expander(page, "More settings")
        _fill(page, "Discount rate (%/yr)", 3)                                   # 0
        _no_error_boxes(page)

        notice = page.locator('[data-testid="stAlertContentWarning"]').filter(has_text="earlier inputs")
        expect(notice).to_have_count(1)
        for label in ("Last plan year", "Density targets (hard targets)",
                      "Headroom over the staff existing units need (%)", "Reach of a mobile unit (minutes from its base)",
                      "Who serves exams presenting at the top tier", "Presence rules: a minimum of units per facility",
                      "Discount rate (%/yr)"):
            expect(notice).to_contain_text(f"“{label}", timeout=1000)

        page.get_by_role("button", name="Solve", exact=True).click()
        expect(page.get_by_text("Independent check passed")).to_be_visible(timeout=SOLVE_TIMEOUT_MS)
        wait_idle(page)
        expect(notice).to_have_count(0)
        _no_error_boxes(page)
        page.wait_for_timeout(800)   # let deck.gl and Vega paint
        page.screenshot(path=str(ARTIFACTS / "e2e_scenario_editors.png"), full_page=True)
        # the map's years are the plan's: 2028 is one (the year shown stays the one shown before, 2027)
        page.get_by_role("combobox", name="Year", exact=True).click()
        expect(page.get_by_role("option")).to_have_text(["2026", "2027", "2028"])
        page.keyboard.press("Escape")
