"""Smaller things a planner noticed (issue 25, part 4), each asserted on the helper that decides it."""

from __future__ import annotations

import streamlit as st


def quick_summary(how: str) -> dict:
    return {"status": "quick", "objective": 225755.0, "bound": 210000.0, "gap": 0.07, "changeable_gap": None,
            "status_message": f"first plan, made at once from the previous plan ({how}), not yet optimised for "
                              "the new budget (gap 7.00%, against the previous proven bound)"}


def test_the_chinese_quick_plan_status_carries_the_count_the_english_gives(monkeypatch):
    from planner_app import widgets

    monkeypatch.setattr(st, "session_state", {"lang": "zh"})
    dropped = widgets.status_text(quick_summary("223 purchase(s) dropped to fit the smaller budget"))
    added = widgets.status_text(quick_summary("1,204 unit(s) added with the larger budget"))
    assert "删去 223 项购置" in dropped and "增购或删减" not in dropped, dropped
    assert "新增 1,204 台设备" in added, added
    monkeypatch.setattr(st, "session_state", {"lang": "en"})
    assert "223 purchase(s) dropped" in widgets.status_text(quick_summary("223 purchase(s) dropped to fit the "
                                                                          "smaller budget"))
