"""The Plan page's editors for the scenario inputs the budget, modality, tier, weight, access, equity and
solver editors (plan_page.edit_inputs, equity_view) do not show: plan years, constraint switches,
staffing, mobile units, the tertiary catchment, presence rules, the modalities' other fields and the rest.

Like every editor they write into the raw scenario dict that plan_page validates with pydantic, so a bad
value is reported in words with the others. COVERED is the registry of which schema field each editor
reaches, and NOT_EDITABLE the fields left out on purpose, with the reason; tests/test_app_schema_coverage.py
walks planner.config.schema.Scenario and fails on any field in neither.
"""

from __future__ import annotations

import re
import types
import typing

import pandas as pd
import streamlit as st
from pydantic import BaseModel

from planner.config.schema import MinUnits, Modality, Scenario, UnitClass
from planner_app import editor_fields as ef, labels, state, widgets
from planner_app.equity_view import choice
from planner.messages import labels as catalog_labels
from planner_app.i18n import lang, t

# Fields with one input each, drawn from their schema type (checkbox, number, choice, text), by expander
# (its i18n key). A field's label is the i18n string named by its path, unit included.
FIELD_GROUPS: dict[str, list[str]] = {
    "years_inputs": ["years.first_plan_year", "years.last_plan_year", "years.base_year", "years.population_year",
                     "years.population_growth_pct_per_year"],
    "constraints_inputs": [f"constraints.{f}" for f in Scenario.model_fields["constraints"].annotation.model_fields],
    "staffing_inputs": ["staffing.enabled", "staffing.headroom_pct", "staffing.min_staff_per_million",
                        "staffing.growth_pct_per_year"],
    "mobile_inputs": ["mobile.max_travel_minutes", "mobile.detour_factor", "mobile.speed_km_per_h",
                      "mobile.working_minutes_per_day", "mobile.max_neighbours"],
    "catchment_inputs": ["catchment.top_tier"],
    "supply_inputs": ["supply.enabled", "supply.min_domestic_share"],   # its tables: edit_supply
    "other_inputs": ["weights.discount_rate_pct", "weights.capital_valuation", "access.mobile_counts",
                     "access.min_mobile_visit_thousand_exams", "equity.modalities", "solver.threads",
                     "solver.random_seed", "solver.compute_duals", "solver.warm_start", "solver.report_floor", "solver.race",
                     "solver.neighbourhood_search",
                     "regions.travel_is_road_graph", "regions.include_parent", "title", "title_zh",
                     "description", "description_zh"],
}
# float fields whose values are whole numbers (minutes): shown without decimals (widgets.whole_input)
WHOLE_NUMBERS = {"mobile.max_travel_minutes", "mobile.working_minutes_per_day"}
MIN_UNITS_COLUMNS = list(MinUnits.model_fields)       # tier, modality, per_facility, from_year
MODALITY_MORE = ["label", "mobile", "serves", "demand_year", "integer", "source"]  # beside editor_fields.MOD_COLUMNS
LONG_TEXT = {"description", "description_zh"}
SUPPLY_COLUMNS = ["domestic_price_factor", "stock_domestic_share"]   # per modality: edit_supply's table
CLASS_COLUMNS = list(UnitClass.model_fields)                         # supply.classes: edit_classes's table


def _plan_page_paths() -> dict[str, str]:
    """The schema paths the plan page's own editors reach (read from their column and label tables)."""
    out = {p: "plan_page" for p in ef.FIELD_LABELS}
    out |= {f"modalities.*.{f}": "plan_page.modalities" for f in ef.MOD_COLUMNS}
    out |= {f"tiers.*.{f}": "plan_page.tiers" for f in ef.TIER_COLUMNS}
    out |= {f"weights.{f}": "plan_page.weights" for f in ef.WEIGHT_COLUMNS}
    return out | {"eligibility": "plan_page.tiers", "referral": "plan_page.tiers"}


def _listed() -> dict[str, str]:
    out = _plan_page_paths()
    out |= {p: f"scenario_editors.{group}" for group, paths in FIELD_GROUPS.items() for p in paths}
    out |= {f"policy.min_units[].{f}": "scenario_editors.min_units" for f in MIN_UNITS_COLUMNS}
    out |= {f"supply.{f}": "scenario_editors.supply" for f in SUPPLY_COLUMNS}
    out |= {f"supply.classes[].{f}": "scenario_editors.classes" for f in CLASS_COLUMNS}
    return out | {f"modalities.*.{f}": "scenario_editors.modality_more" for f in MODALITY_MORE}


def _plain(annotation) -> bool:
    """A field field_input can draw: a number, a switch, a choice, text, a list of codes (or None)."""
    kind = annotation
    if typing.get_origin(kind) in (typing.Union, types.UnionType):   # float | None: its one type
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        kind = args[0] if len(args) == 1 else None
    if typing.get_origin(kind) is list:   # codes, comma-separated; not a list of rows (policy.min_units)
        return all(a in (str, int, float) for a in typing.get_args(kind))
    return kind in (bool, int, float, str) or typing.get_origin(kind) is typing.Literal


def schema_sections(model: type[BaseModel] = Scenario) -> dict[str, list[str]]:
    """Sections of the scenario schema no editor above reaches, each an editor of its own: a section (a new
    constraint family's, say) whose fields are all plain gets its inputs from the schema, its labels and
    help from the labels catalog (field.<path>), with no app code. Section name -> its field paths."""
    listed = _listed()
    out = {}
    for name, info in model.model_fields.items():
        section = info.annotation
        if not (isinstance(section, type) and issubclass(section, BaseModel)):
            continue
        paths = [f"{name}.{k}" for k in section.model_fields]
        if not any(p in listed for p in paths) and all(_plain(f.annotation) for f in section.model_fields.values()):
            out[name] = paths
    return out


def covered() -> dict[str, str]:
    """Every schema path an editor reaches -> the editor. Paths: 'section.field', 'modalities.*.field' for
    each entry of a table keyed by code, 'policy.min_units[].field' for each row of a list."""
    return _listed() | {p: f"scenario_editors.section.{name}" for name, paths in schema_sections().items()
                        for p in paths}


NOT_EDITABLE: dict[str, str] = {
    "name": "names the scenario's saved runs and its download; a changed name is a new scenario file",
    **{f"regions.{k}": "a file path: the table itself is edited in its table editor, or replaced by an upload"
       for k in ("table", "stock", "facilities", "staff", "travel", "quotas", "boundaries")},
    "regions.sheet": "the sheet a workbook is read from: the table read is edited in its table editor",
}


# ----------------------------------------------------------------------------------------------- widgets
def _field(path: str):
    """(the schema model holding the field, the field's name) of a dotted path."""
    *sections, name = path.split(".")
    model: type[BaseModel] = Scenario
    for s in sections:
        model = model.model_fields[s].annotation
    return model, name


def field_help(path: str, description: str | None) -> str | None:
    """The field's description from the schema (English), or its 中文 help (the labels catalog)."""
    return catalog_labels.field_help(path, description, lang())


def field_input(where, path: str, value, scn: Scenario):
    """One input for the field at ``path``, by its schema type; returns the value typed."""
    model, name = _field(path)
    info = model.model_fields[name]
    kind = info.annotation
    label, helptext = t("fld." + path), field_help(path, info.description)
    key = state.wkey("edit_" + path.replace(".", "_"))
    args = typing.get_args(kind)
    optional = type(None) in args
    if optional:
        kind = next(a for a in args if a is not type(None))
    if kind is bool:
        return where.checkbox(label, value=bool(value), help=helptext, key=key)
    if typing.get_origin(kind) is typing.Literal:   # a radio per language: see equity_view.choice
        return choice(where, "fld." + path, {f"opt.{v}": v for v in typing.get_args(kind)}, key, value,
                      help=helptext)
    if kind is int or path in WHOLE_NUMBERS:
        return widgets.whole_input(where, label, value, help=helptext, key=key)
    if kind is float:
        return where.number_input(label, value=None if value is None else float(value), help=helptext, key=key)
    if path == "equity.modalities":
        return where.multiselect(label, list(scn.modalities), default=[m for m in value if m in scn.modalities],
                                 format_func=labels.modality_names(scn.modalities), help=helptext, key=key)
    if typing.get_origin(kind) is list:   # codes, comma-separated
        typed = where.text_input(label, value=", ".join(value), help=helptext, key=key)
        return [c.strip() for c in typed.split(",") if c.strip()]
    box = where.text_area if name in LONG_TEXT else where.text_input
    return box(label, value=value or "", help=helptext, key=key)


def _set(raw: dict, path: str, value) -> None:
    *sections, name = path.split(".")
    for s in sections:
        raw = raw[s]
    raw[name] = value


def _get(raw: dict, path: str):
    for s in path.split("."):
        raw = raw[s]
    return raw


def edit_fields(raw: dict, scn: Scenario, group: str, paths: list[str] | None = None) -> None:
    """The group's fields (or ``paths``), two a row: a row of two columns for each pair, so a field sits beside
    its pair (two long columns filled in turn drift apart where a checkbox stands beside a number box)."""
    paths = FIELD_GROUPS[group] if paths is None else paths
    for i in range(0, len(paths), 2):
        for col, path in zip(st.columns(2), paths[i:i + 2]):
            _set(raw, path, field_input(col, path, _get(raw, path), scn))


def _cell(value):
    """An editor cell as the schema takes it: an empty cell is None, numpy numbers plain numbers."""
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _code(shown, names: dict[str, str]):
    """A code chosen by its label back as the code (a code typed as such stays a code)."""
    return {v: k for k, v in names.items()}.get(shown, shown)


def edit_min_units(raw: dict, scn: Scenario) -> None:
    """policy.min_units as a table: one row a rule, tier and modality chosen from the scenario's."""
    st.caption(t("min_units_help"))
    tiers = {k: labels.tier(k) for k in scn.tiers}
    mods = {k: labels.modality(k) for k in scn.modalities}
    rules = pd.DataFrame([r.model_dump() for r in scn.policy.min_units], columns=MIN_UNITS_COLUMNS)
    rules = rules.astype({"tier": object, "modality": object, "per_facility": float, "from_year": "Int64"})
    rules["tier"], rules["modality"] = rules["tier"].map(tiers), rules["modality"].map(mods)
    config = {
        "tier": st.column_config.SelectboxColumn(labels.header("tier"), options=list(tiers.values())),
        "modality": st.column_config.SelectboxColumn(labels.header("modality"), options=list(mods.values())),
        "per_facility": st.column_config.NumberColumn(t("fld.policy.min_units[].per_facility"), min_value=0.0),
        "from_year": st.column_config.NumberColumn(t("fld.policy.min_units[].from_year"), step=1, format="%d"),
    }
    shown = st.data_editor(rules, num_rows="dynamic", hide_index=True, column_config=config,
                           key=state.wkey("edit_min_units")).dropna(how="all")
    shown["tier"] = shown["tier"].map(lambda v: _code(v, tiers))
    shown["modality"] = shown["modality"].map(lambda v: _code(v, mods))
    raw["policy"]["min_units"] = [{c: _cell(v) for c, v in row.items()} for _, row in shown.iterrows()]


def edit_modality_more(raw: dict, scn: Scenario) -> None:
    """The modalities' fields beside the modality editor's numbers: label, mobile, the exam type a mobile
    unit serves, the exam rate's year, whole units, source."""
    st.caption(t("modality_more"))
    frame = pd.DataFrame.from_dict({m: {f: getattr(v, f) for f in MODALITY_MORE} for m, v in scn.modalities.items()},
                                   orient="index").astype({"demand_year": "Int64", "serves": object})
    fields = Modality.model_fields
    config = {f: st.column_config.Column(t(f"fld.modalities.*.{f}"), help=field_help(f"modalities.*.{f}",
                                                                                  fields[f].description))
              for f in MODALITY_MORE}
    config["serves"] = st.column_config.SelectboxColumn(t("fld.modalities.*.serves"), options=scn.exam_types,
                                                        help=config["serves"]["help"])
    config["demand_year"] = st.column_config.NumberColumn(t("fld.modalities.*.demand_year"), step=1, format="%d",
                                                          help=config["demand_year"]["help"])
    config["_index"] = st.column_config.Column(t("modality"))
    # 中文 hides the free-text English label and source (the scenario's own words), as the tiers editor does
    shown = [f for f in MODALITY_MORE if f not in ("label", "source")] if lang() == "zh" else None
    edited = st.data_editor(frame, key=state.wkey("edit_modality_more"), column_config=config, column_order=shown)
    for m, row in edited.iterrows():
        for f, v in row.items():
            raw["modalities"][m][f] = _cell(v) if f not in ("label", "source") else (_cell(v) or "")


def edit_supply(raw: dict, scn: Scenario) -> None:
    """supply's per-modality numbers as one table, a row a modality of the scenario: the domestic price factor
    and the stock's domestic share; an empty cell leaves the modality out (factor 1, share not given). Shares
    the seed gives for modalities the scenario lacks are kept as they are."""
    mods = {k: labels.modality(k) for k in scn.modalities}
    frame = pd.DataFrame({f: [getattr(scn.supply, f).get(m) for m in mods] for f in SUPPLY_COLUMNS},
                         index=list(mods.values()), dtype=float)
    fields = type(scn.supply).model_fields
    config = {f: st.column_config.NumberColumn(t(f"fld.supply.{f}"), min_value=0.0,
                                               max_value=None if f == "domestic_price_factor" else 1.0,
                                               help=field_help(f"supply.{f}", fields[f].description))
              for f in SUPPLY_COLUMNS}
    config["_index"] = st.column_config.Column(t("modality"))
    edited = st.data_editor(frame, key=state.wkey("edit_supply"), column_config=config)
    back = {v: k for k, v in mods.items()}
    for f in SUPPLY_COLUMNS:
        kept = {m: v for m, v in raw["supply"].get(f, {}).items() if m not in scn.modalities}
        raw["supply"][f] = kept | {back[shown]: float(v) for shown, v in edited[f].items() if _cell(v) is not None}


def edit_classes(raw: dict, scn: Scenario) -> None:
    """supply.classes as a table: one row a class of a fixed modality, its prices, capacity, staff, life and
    least domestic share; an empty number is the modality's (or no rule)."""
    st.caption(catalog_labels.field("supply.classes", lang()) or "supply.classes")
    mods = {k: labels.modality(k) for k, v in scn.modalities.items() if not v.mobile}
    frame = pd.DataFrame([c.model_dump() for c in scn.supply.classes], columns=CLASS_COLUMNS)
    frame = frame.astype({"modality": object, "name": object, "tiers": object, "service_life_years": "Int64",
                          **{f: float for f in CLASS_COLUMNS if f not in ("modality", "name", "tiers",
                                                                          "service_life_years")}})
    frame["modality"] = frame["modality"].map(lambda m: mods.get(m, m))
    tiers = {k: labels.tier(k) for k in scn.tiers}
    frame["tiers"] = frame["tiers"].map(lambda ts: ", ".join(tiers.get(x, x) for x in ts) if ts else None)
    fields = UnitClass.model_fields
    config = {f: st.column_config.NumberColumn(t(f"fld.supply.classes[].{f}"), min_value=0.0,
                                               help=field_help(f"supply.classes[].{f}", fields[f].description))
              for f in CLASS_COLUMNS if f not in ("modality", "name", "tiers")}
    config["tiers"] = st.column_config.TextColumn(t("fld.supply.classes[].tiers"),
                                                  help=field_help("supply.classes[].tiers", fields["tiers"].description))
    config["service_life_years"] = st.column_config.NumberColumn(
        t("fld.supply.classes[].service_life_years"), step=1, format="%d", min_value=1,
        help=config["service_life_years"]["help"])
    config["min_domestic_share"] = st.column_config.NumberColumn(
        t("fld.supply.classes[].min_domestic_share"), min_value=0.0, max_value=1.0,
        help=config["min_domestic_share"]["help"])
    config["modality"] = st.column_config.SelectboxColumn(labels.header("modality"), options=list(mods.values()))
    config["name"] = st.column_config.TextColumn(t("fld.supply.classes[].name"))
    shown = st.data_editor(frame, num_rows="dynamic", hide_index=True, column_config=config,
                           key=state.wkey("edit_classes")).dropna(how="all")
    shown["modality"] = shown["modality"].map(lambda v: _code(v, mods))
    # tiers as comma-separated words (labels or codes), back as codes
    shown["tiers"] = shown["tiers"].map(lambda v: [_code(x.strip(), tiers) for x in str(v).replace("，", ",").split(",")
                                                   if x.strip()] if _cell(v) is not None else [])
    raw["supply"]["classes"] = [{c: (v if c == "tiers" else _cell(v)) for c, v in row.items()}
                                for _, row in shown.iterrows()]


def edit_scenario_inputs(scn: Scenario, raw: dict, slots: dict) -> None:
    """Every editor of this module, each in its expander (closed: Solve stays near the top); writes into
    ``raw``, which the plan page validates with the other editors' edits."""
    for group in ("years_inputs", "constraints_inputs", "staffing_inputs", "mobile_inputs", "catchment_inputs"):
        with st.expander(t(group)):
            slots[group.removesuffix("_inputs")] = st.container()
            edit_fields(raw, scn, group)
    with st.expander(t("supply_inputs")):
        slots["supply"] = st.container()
        edit_fields(raw, scn, "supply_inputs")
        edit_supply(raw, scn)
        edit_classes(raw, scn)
    with st.expander(t("min_units_inputs")):
        slots["policy"] = st.container()
        edit_min_units(raw, scn)
    for name, paths in schema_sections().items():   # a section no editor above knows: drawn from the schema
        with st.expander(catalog_labels.field(name, lang()) or name):
            slots[name] = st.container()
            edit_fields(raw, scn, name, paths)
    with st.expander(t("other_inputs")):
        slots["other"] = st.container()
        edit_modality_more(raw, scn)
        edit_fields(raw, scn, "other_inputs")


# Which of these editors a problem belongs to, by the key path its message names (plan_page.section_of
# reads these before its own list: "constraints.budget" is no budget problem).
SECTION_OF = [("'years", "years"), ("'constraints.", "constraints"), ("'staffing.", "staffing"),
              ("'mobile.", "mobile"), ("'catchment.", "catchment"), ("supply.", "supply"), ("policy.min_units", "policy"),
              ("staff table", "staff"), ("travel table", "travel")]


def input_label(path: str) -> str | None:
    """The label of an input of these editors, from its path in state.inputs_snapshot or in an error
    (policy.min_units.0.per_facility: a cell of the rules table) (None: not one)."""
    if covered().get(path, "plan_page").startswith("scenario_editors"):
        return t("fld." + path)
    if cell := re.fullmatch(r"policy\.min_units\.(\d+)\.(\w+)", path):
        field = cell[2]
        name = labels.header(field) if field in ("tier", "modality") else t(f"fld.policy.min_units[].{field}")
        return t("table_cell").format(table=t("min_units_inputs"), n=int(cell[1]) + 1, field=name)
    if path.startswith("policy.min_units"):
        return t("min_units_inputs")
    section, _, rest = path.partition(".")
    field = rest.partition(".")[2]
    if section == "modalities" and field in MODALITY_MORE:
        return f"{t('modality')}: {labels.modality(rest.partition('.')[0])} × {t('fld.modalities.*.' + field)}"
    return None


GROUP_OF_SECTION = {"years": "years_inputs", "constraints": "constraints_inputs", "staffing": "staffing_inputs",
                    "mobile": "mobile_inputs", "catchment": "catchment_inputs"}


def _bare_names() -> dict[str, str]:
    """Field names an engine message may write without their section (last_plan_year), by path: those of
    these editors that are identifiers (an underscore: no plain word such as 'enabled') and name one field
    of the schema only (max_travel_minutes is mobile's and equity's)."""
    last = [p.rpartition(".")[2] for p in covered()]
    return {p.rpartition(".")[2]: p for g in FIELD_GROUPS.values() for p in g
            if "_" in p.rpartition(".")[2] and last.count(p.rpartition(".")[2]) == 1}


def screen_words(problem: str) -> str:
    """A problem with the schema keys of these editors' fields ('staffing.headroom_pct', last_plan_year,
    'years') replaced by their labels on screen, in the interface language (plan_page.screen_words does
    the same for the other editors' keys)."""
    def dotted(m: re.Match) -> str:
        label = input_label(m[1])
        return f"“{label}”" if label is not None else m[0]

    problem = re.sub(r"'?\b([a-z_]+(?:\.[\w*]+)+)'?", dotted, problem)
    problem = re.sub(r"'({})'".format("|".join(GROUP_OF_SECTION)), lambda m: f"“{t(GROUP_OF_SECTION[m[1]])}”",
                     problem)
    names = _bare_names()
    return re.sub(r"(?<![\w.“]){}(?!\w)".format("({})".format("|".join(names))),
                  lambda m: f"“{t('fld.' + names[m[1]])}”", problem)
