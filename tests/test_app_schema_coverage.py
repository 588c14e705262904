"""Issue 25, part 3: every input of a scenario is editable in the app. Each field of the schema is reached
by an editor (app/scenario_editors.py: covered()) or left out on purpose with a reason (NOT_EDITABLE); a
field added to the schema without either fails here."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from planner.config.schema import Scenario
from planner.session import ROLES
from planner_app import scenario_editors
from planner_app.i18n import STRINGS


def _model(annotation) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def schema_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> set[str]:
    """Every leaf field of the schema: 'section.field', 'modalities.*.field' for a table of models keyed by
    code, 'policy.min_units[].field' for a list of models."""
    out: set[str] = set()
    for name, info in model.model_fields.items():
        path, ann = prefix + name, info.annotation
        origin, args = typing.get_origin(ann), typing.get_args(ann)
        if _model(ann):
            out |= schema_paths(ann, path + ".")
        elif origin is dict and _model(args[1]):
            out |= schema_paths(args[1], path + ".*.")
        elif origin is list and args and _model(args[0]):
            out |= schema_paths(args[0], path + "[].")
        else:
            out.add(path)
    return out


def test_every_schema_field_has_an_editor_or_a_reason():
    fields, covered, skipped = schema_paths(), set(scenario_editors.covered()), set(scenario_editors.NOT_EDITABLE)
    assert not covered & skipped, f"both edited and listed as not editable: {sorted(covered & skipped)}"
    assert not fields - covered - skipped, (
        f"schema fields no editor reaches: {sorted(fields - covered - skipped)}. Add an input "
        "(app/scenario_editors.py) or list the field in NOT_EDITABLE with the reason")
    stale = (covered | skipped) - fields
    assert not stale, f"registry names fields the schema lacks: {sorted(stale)}"
    assert all(reason.strip() for reason in scenario_editors.NOT_EDITABLE.values())


def test_the_walk_sees_nested_tables_and_lists():
    paths = schema_paths()
    assert {"years.first_plan_year", "modalities.*.price_wan_cny", "policy.min_units[].from_year",
            "eligibility", "name"} <= paths


def test_every_new_input_is_labelled_in_both_languages():
    own = [p for p, editor in scenario_editors.covered().items() if editor.startswith("scenario_editors")
           and p not in ("policy.min_units[].tier", "policy.min_units[].modality")]   # the labels catalog's columns name these
    from planner.messages import labels

    for p in own:   # a field's label: the library's labels catalog
        en, zh = labels.field(p, "en"), labels.field(p, "zh")
        assert en and zh and en.strip() and zh.strip() and en != zh, p
    keys = [f"{g}" for g in scenario_editors.FIELD_GROUPS] + ["min_units_inputs", "staff_table", "travel_table",
                                                               "quotas_table", "quotas_table_empty"]
    keys += [f"role_{r}" for r in ROLES]   # every table an upload can fill (a new table key needs its words)
    for key in keys:
        en, zh = STRINGS[key]
        assert en.strip() and zh.strip() and en != zh, key


def _with_section():
    """The scenario schema with a section of plain fields no editor knows (a new constraint family's)."""
    from typing import Literal

    from pydantic import BaseModel, Field, create_model

    class Quota(BaseModel):
        enabled: bool = False
        cap_units: float = Field(5.0, description="most new units a region may buy")
        scope: Literal["region", "parent"] = "region"

    return create_model("ScenarioWithQuota", __base__=Scenario, quota=(Quota, Field(default_factory=Quota)))


def test_a_new_section_of_plain_fields_gets_an_editor_from_the_schema():
    model = _with_section()
    # the shipped sections drawn from the schema: the policy levers' (issue 27), which have no app code
    reading = [f"reading.{k}" for k in Scenario.model_fields["reading"].annotation.model_fields]
    shipped = scenario_editors.schema_sections()
    leasing = [f"leasing.{k}" for k in Scenario.model_fields["leasing"].annotation.model_fields]
    assert shipped == {"renewal": ["renewal.earmark_share"], "leasing": leasing, "reading": reading,
                       "quotas": ["quotas.cap_scale"]}
    assert scenario_editors.schema_sections(model) == {
        **shipped, "quota": ["quota.enabled", "quota.cap_units", "quota.scope"]}


def test_the_new_sections_editor_draws_each_field_and_writes_what_is_typed(monkeypatch):
    from streamlit.testing.v1 import AppTest

    def app():
        import streamlit as st

        from planner_app import scenario_editors
        from tests.test_app_schema_coverage import _with_section

        model = _with_section()
        scenario_editors.Scenario = model          # what the plan page's schema would be with the new section
        scn = model.model_validate(st.session_state.get("raw") or {
            **__import__("planner.config.scenario", fromlist=["load_scenario"]).load_scenario(None).scenario.model_dump()})
        raw = scn.model_dump()
        scenario_editors.edit_fields(raw, scn, "quota", scenario_editors.schema_sections(model)["quota"])
        st.session_state["typed"] = raw["quota"]

    at = AppTest.from_function(app).run()
    assert not at.exception, at.exception
    assert len(at.checkbox) == 1 and len(at.number_input) == 1
    at.number_input[0].set_value(3.0).run()
    at.checkbox[0].check().run()
    assert at.session_state["typed"] == {"enabled": True, "cap_units": 3.0, "scope": "region"}
