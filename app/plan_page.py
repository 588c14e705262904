"""The Plan page: pick or upload a scenario, edit every input, solve, read the plan."""

from __future__ import annotations

import io
import re
import tempfile
import time
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from planner_app import equity_view, solve_job
from planner import session
from planner_app import labels, state
from planner_app import scenario_editors, widgets
from planner_app.editor_fields import EDITOR_PATHS, FIELD_LABELS, MOD_COLUMNS, TIER_COLUMNS, WEIGHT_COLUMNS
from planner.messages import labels as catalog_labels
from planner_app.words import say
from planner_app.i18n import lang, t
from planner.errors import PlannerError
from planner.messages import Message, msg
from planner.io.output import save_scenario
from planner.config.scenario import LoadedScenario, validate
from planner.data import tables
from planner.data.tables import read_raw

OPTIONAL_MOD_FIELDS = {"exam_rate_per_1000_per_year", "shortfall_wan_cny_per_unit_year"}  # empty cell = None
# The editors' headers in 中文: the frames keep the English headers (editor_fields) as column names (so edits
# survive a language switch and read back the same way); Streamlit shows these labels instead.
# an editor column's 中文 header by its English one (the column's name in the editor's frame): the catalog's
HEADERS_ZH = {english: catalog_labels.field(path, "zh") for path, english in EDITOR_PATHS.items()}
NAME = "name"  # a read-only first column: the tier's or modality's label in the interface language
TABLE_LABELS = {"table": "regions_table", "stock": "stock_table", "facilities": "facilities_table",
                "staff": "staff_table", "travel": "travel_table",   # staff, travel: when the scenario has them
                "quotas": "quotas_table"}   # always: a planner writes quotas in an empty table when there are none
ALWAYS_SHOWN = {"quotas": tables.QUOTAS}   # tables edited from empty: their columns, when the scenario has none
# Which editor section a problem belongs to, by the key path or table named in its message.
SECTION_OF = [*scenario_editors.SECTION_OF, ("equity", "equity"), ("'access", "access"), ("access.", "access"), ("'budget.", "budget"), ("budget", "budget"), ("'modalities.", "modalities"),
              ("'tiers.", "tiers"), ("'eligibility.", "tiers"), ("'referral.", "tiers"), ("referral.", "tiers"),
              ("'weights.", "weights"), ("'solver.", "solver"), ("region table", "table"),
              ("stock", "stock"), ("facilit", "facilities"), ("staff", "budget")]


REGION_NAME_COLUMN = "_region_name"   # shown beside codes in the stock and facility editors, never saved


def region_names(loaded: LoadedScenario) -> dict[str, str] | None:
    """code -> name of the scenario's regions (Chinese name, and English in the English interface)."""
    try:
        regions = loaded.tables.get("table")
        if regions is None:
            regions = read_raw(loaded.path(loaded.scenario.regions.table), loaded.scenario.regions.sheet)
    except PlannerError:
        return None
    if "code" not in regions.columns or "name_zh" not in regions.columns:
        return None
    zh = regions["name_zh"].astype(str)
    if lang() != "zh" and "name_en" in regions.columns:
        zh = zh + " " + regions["name_en"].fillna("").astype(str)
    return dict(zip(regions["code"].astype(str), zh.str.strip()))


def section_of(problem: str) -> str | None:
    for needle, section in SECTION_OF:
        if needle in problem:
            return section
    return None


def screen_words(problem: str) -> str:
    """A problem in the words of the screen: scenario field names (budget.committed_wan_cny, price_wan_cny,
    ...) replaced by the labels of their inputs, so the planner can find what to fix."""
    names = {"committed_wan_cny": t("budget_committed"), "total_wan_cny": t("budget_total"),
             "per_year_wan_cny": t("budget_by_year"), "even_yearly_tranches": t("even_tranches"),
             "include_running_cost": t("running"), "time_limit_s": t("time_limit"),
             "exam_types": t("access_types"), "limit_minutes": t("access_limit"), "cap_minutes": t("access_cap"),
             **{k: header(v) for k, v in {**MOD_COLUMNS, **WEIGHT_COLUMNS}.items()},
             **{k: header(v) for k, v in TIER_COLUMNS.items() if k != "label"}}
    problem = scenario_editors.screen_words(problem)   # the keys of the scenario's other editors
    # eligibility.<tier>.<modality> is a cell of the tiers section's eligibility editor: name it so
    problem = re.sub(r"eligibility\.(\w+)\.(\w+)",
                     lambda m: f"“{t('eligibility').split(':')[0]}: {labels.tier(m[1])} × {labels.modality(m[2])}”",
                     problem)
    # modalities.<M>.<field> is a cell of the modalities editor: its row and column
    problem = re.sub(r"'?modalities\.(\w+)\.(\w+)'?",
                     lambda m: (f"“{t('modality')}: {labels.modality(m[1])} × {header(MOD_COLUMNS[m[2]])}”"
                                if m[2] in MOD_COLUMNS else m[0]), problem)
    # a key written with its section (budget.total_wan_cny, solver.time_limit_s, weights.unmet_...) is named
    # by its input as the bare key is; a section's key with no input on screen stays as the file has it
    problem = re.sub(r"'?\b(?:budget|solver|access|weights)\.(\w+)'?",
                     lambda m: m[1] if m[1] in names else m[0], problem)
    for field in sorted(names, key=len, reverse=True):   # longest first: no field is part of a longer one
        problem = re.sub(rf"(?<![\w.]){re.escape(field)}(?!\w)", f"“{names[field]}”", problem)
    return problem


SECTION_LABELS = {"budget": "budget", "modalities": "modalities", "tiers": "tiers", "eligibility": "eligibility",
                  "referral": "referral", "weights": "weights", "access": "access_inputs", "equity": "equity_inputs",
                  "solver": "solver"}


def input_label(path: str) -> str:
    """An input as the screen labels it, from its path in state.inputs_snapshot: the field's own label, the
    cell of an editor (row × column), the table, or the page setting (its i18n key)."""
    if path in FIELD_LABELS:
        return t(FIELD_LABELS[path])
    if (label := scenario_editors.input_label(path)) is not None:
        return label
    section, _, rest = path.partition(".")
    row, _, col = rest.partition(".")
    if section == "page":
        return t(row)
    if section == "modalities" and col in MOD_COLUMNS:
        return f"{t('modality')}: {labels.modality(row)} × {header(MOD_COLUMNS[col])}"
    if section == "tiers" and col in TIER_COLUMNS:
        return f"{t('tiers')}: {labels.tier(row)} × {header(TIER_COLUMNS[col])}"
    if section == "eligibility" and col:
        return f"{t('eligibility').split(':')[0]}: {labels.tier(row)} × {labels.modality(col)}"
    if section == "weights" and row in WEIGHT_COLUMNS:
        return f"{t('weights')}: {header(WEIGHT_COLUMNS[row])}"
    if section == "tables" and row in TABLE_LABELS:
        return t(TABLE_LABELS[row])
    if section in SECTION_LABELS:
        return t(SECTION_LABELS[section])
    return t("choose_scenario")   # the scenario's own fields, its folder: another scenario


def stale_notice(made_for: dict | None, now: dict) -> bool:
    """Results computed for other inputs than the page's: say so, naming the inputs changed since by their
    labels (every page that shows a result calls this above it). True when they are out of date."""
    if made_for is None:
        return False
    changed = [k for k in dict.fromkeys([*made_for, *now]) if made_for.get(k) != now.get(k)]
    if changed:
        names = dict.fromkeys(input_label(k) for k in changed)
        st.warning(t("stale").format(inputs="; ".join(f"“{n}”" for n in names)))
    return bool(changed)


def header(english: str) -> str:
    """An editor's column header as the screen shows it."""
    return HEADERS_ZH.get(english, english) if lang() == "zh" else english


# An editor's columns kept in sight when it scrolls sideways: the row's name and the targets, what a planner
# changes most.
PINNED_INPUTS = frozenset({NAME, MOD_COLUMNS["target_per_million"], MOD_COLUMNS["target_hard"]})


def headers(columns, **more) -> dict:
    """Column configs labelling an editor's columns in the interface language (the English headers are the
    columns' names), the row's name and the targets pinned at the left."""
    def config(c, label):
        pin = c in PINNED_INPUTS or None
        return st.column_config.Column(label, pinned=pin) if label != c or pin else None

    out = {c: config(c, header(c)) for c in columns} | {c: config(c, label) for c, label in more.items()}
    return {c: cfg for c, cfg in out.items() if cfg is not None}


def named(frame: pd.DataFrame, label) -> pd.DataFrame:
    """The frame with a read-only NAME column first: each row's code by its label."""
    return frame.assign(**{NAME: [label(str(i)) for i in frame.index]})[[NAME, *frame.columns]]


def show_problems(problems: list[str | PlannerError], slots: dict) -> None:
    """Each problem beside its editor (when it names one), and all of them above the Solve button."""
    # the section is found in the engine's words (field keys, table names), before they are translated
    sections = [section_of(str(p)) for p in problems]
    problems = [screen_words(say(p)) for p in problems]
    for p, section in zip(problems, sections):
        slot = slots.get(section)
        if slot is not None:
            slot.error(p)
    if problems:
        st.error(t("fix_inputs") + "\n\n" + "\n\n".join(f"- {p}" for p in problems))


def scenario_picker() -> None:
    """Choose a scenario file, or see the uploaded one that is active. The box's key carries the load's
    generation (state.wkey), so it always shows the scenario the page is working with."""
    files = state.scenario_files()
    names = [f.name for f in files]
    loaded = st.session_state.get("loaded")
    current = st.session_state.get("source_name", "baseline.toml")
    uploaded = active_name(loaded) if getattr(loaded, "uploads", None) else None
    options = ([uploaded] if uploaded else []) + names
    idx = 0 if uploaded else (names.index(current) if current in names else 0)
    flash = st.session_state.pop("flash", None)
    choice = st.selectbox(t("choose_scenario"), options, index=idx, key=state.wkey("scenario_choice"))
    if flash:
        st.success(flash)
    if loaded is None or (choice != uploaded and choice != current):
        state.load_file(files[names.index(choice)])
        # rerun at once: this box was drawn under the old generation's key, and a pick made on it after
        # this run would be lost when the next run draws the box under the new key
        st.rerun()
    with st.expander(t("upload_scenario")):
        upload_how()
        ups = st.file_uploader(t("upload_scenario"), type=["toml", "csv", "xlsx", "geojson"], accept_multiple_files=True,
                               key="upload_files", label_visibility="collapsed")
        if ups and st.button(t("load_upload"), key="load_upload"):
            before = (st.session_state.get("source_name"), getattr(loaded, "uploads", None) is not None)
            try:
                state.load_upload(ups)
            except (PlannerError, ValueError) as e:
                # the page goes on showing the earlier scenario: say which, so the new file's name (still in
                # the uploader) is not taken for it
                st.error(say(e) + "\n\n" + t("upload_not_loaded").format(
                    name=upload_name(ups), kept=active_name(loaded)))
            else:  # rerun so the picker above shows the uploaded scenario; the message shows there
                name = st.session_state["source_name"]
                st.session_state["flash"] = t("upload_replaced" if before == (name, True) else "upload_loaded").format(
                    name=name)
                st.rerun()
    if ups:  # outside the expander, so an unused upload is never out of sight
        assign_unused_uploads(ups)
    st.caption(active_files(st.session_state["loaded"]))


def upload_how() -> None:
    """An uploader's instructions in the planner's words. Its box says "Upload" and "50.0MB per file • TOML,
    CSV" in Streamlit's English, which no option of st.file_uploader changes; in 中文 a style sheet puts the
    box's words in Chinese (widgets.uploader_words)."""
    st.caption(t("upload_how").format(mb=state.MAX_UPLOAD_BYTES / 2**20))
    if lang() == "zh":
        widgets.uploader_words(t("upload_button"), t("upload_limit").format(mb=state.MAX_UPLOAD_BYTES / 2**20))


def upload_name(ups) -> str:
    """An upload by its scenario file's own name (or its files' names when it has no single .toml)."""
    tomls = [Path(u.name).name for u in ups if u.name.lower().endswith(".toml")]
    return tomls[0] if len(tomls) == 1 else ", ".join(Path(u.name).name for u in ups)


def active_name(loaded: LoadedScenario | None) -> str:
    """The scenario the page shows, as the picker names it ('tiny.toml (uploaded)', 'baseline.toml')."""
    name = st.session_state.get("source_name", "baseline.toml")
    return t("uploaded_option").format(name=name) if getattr(loaded, "uploads", None) else name


def assign_unused_uploads(ups) -> None:
    """Uploaded files no table of the scenario is named after: say so, and let the planner give each a
    role (issue 13, item 2: a stock table with another name was ignored in silence)."""
    loaded = st.session_state.get("loaded")
    match = getattr(loaded, "uploads", None)
    if match is None or not match.unused:
        return
    st.warning(t("upload_unused").format(files=", ".join(match.unused)))
    roles = {t("role_none"): None} | {t("role_" + r): r for r in session.ROLES}
    assign = {}
    for name in match.unused:
        picked = roles[st.selectbox(t("assign_role").format(name=name), list(roles), key=f"assign_{name}")]
        if picked:
            assign[picked] = name
    if assign and st.button(t("assign_load"), key="assign_load"):
        try:
            state.load_upload(ups, assign={**{r: n for r, (n, how) in match.roles.items() if how == "assigned"},
                                           **assign})
            st.rerun()
        except (PlannerError, ValueError) as e:
            st.error(say(e))


def active_files(loaded: LoadedScenario) -> str:
    """Which scenario and which files the page is working with, and where each came from."""
    match = getattr(loaded, "uploads", None)
    parts = []
    for role in session.ROLES:
        value = getattr(loaded.scenario.regions, role, None)
        if not value:
            continue
        how = ("edited" if role in loaded.tables else match.roles[role][1] if match and role in match.roles
               else "file")
        parts.append(f"{t('role_' + role)}: {Path(str(value)).name} ({t('how_' + how)})")
    origin = t("how_uploaded") if match else "models/"
    return t("active").format(name=Path(loaded.source).name, origin=origin) + " · ".join(parts)


def _modalities_frame(scn) -> pd.DataFrame:
    rows = {m: {MOD_COLUMNS[k]: getattr(v, k) for k in MOD_COLUMNS} for m, v in scn.modalities.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    for k in OPTIONAL_MOD_FIELDS:       # numbers even when every cell is empty, so an edit types a number
        frame[MOD_COLUMNS[k]] = pd.to_numeric(frame[MOD_COLUMNS[k]], errors="coerce").astype(float)
    return frame


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """The same cells (as text: the editor may hand back other dtypes for the same values)."""
    return a.shape == b.shape and list(a.columns) == list(b.columns) and bool(
        (a.astype(str).to_numpy() == b.astype(str).to_numpy()).all())


def edit_inputs(loaded: LoadedScenario, slots: dict) -> tuple[LoadedScenario | None, list[str | PlannerError]]:
    """Show every editor; return the edited scenario (or None) and the problems found (an error the engine
    raised is kept as it is, so show_problems says it from its message codes).

    ``slots`` receives one container per editor section, so problems can be shown beside their field."""
    scn = loaded.scenario
    raw = scn.model_dump(mode="json")
    problems: list[str | PlannerError] = []
    st.subheader(t("inputs"))

    with st.expander(t("budget"), expanded=True):
        slots["budget"] = st.container()
        c1, c2 = st.columns(2)
        raw["budget"]["total_wan_cny"] = c1.number_input(t("budget_total"), min_value=0.0, step=10_000.0,
                                                         value=float(scn.budget.total_wan_cny), format="%.0f",
                                                         key=state.wkey("edit_budget_total"))
        c1.caption(f"= {widgets.fmt_wan(raw['budget']['total_wan_cny'])}")
        raw["budget"]["committed_wan_cny"] = c2.number_input(t("budget_committed"), min_value=0.0, step=10_000.0,
                                                             value=float(scn.budget.committed_wan_cny), format="%.0f",
                                                             key=state.wkey("edit_budget_committed"))
        c2.caption(f"= {widgets.fmt_wan(raw['budget']['committed_wan_cny'])}")
        raw["budget"]["include_running_cost"] = st.checkbox(t("running"), value=scn.budget.include_running_cost,
                                                            key=state.wkey("edit_running"))
        tranches = st.checkbox(t("even_tranches"), value=scn.budget.even_yearly_tranches, key=state.wkey("edit_even_tranches"),
                               help=t("even_tranches_help"))
        raw["budget"]["even_yearly_tranches"] = tranches
        yearly = not tranches and st.checkbox(t("use_yearly"), value=scn.budget.per_year_wan_cny is not None,
                                              key=state.wkey("edit_use_yearly"))
        if yearly:
            years = scn.years.plan_years
            start = scn.budget.per_year_wan_cny or [scn.budget.total_wan_cny / len(years)] * len(years)
            df = st.data_editor(pd.DataFrame({"year": years, "cap (万元)": start}), disabled=["year"],
                                hide_index=True, key=state.wkey("edit_yearly"),
                                column_config=headers([], year=t("year"), **{"cap (万元)": t("year_cap")}))
            raw["budget"]["per_year_wan_cny"] = [float(v) for v in df["cap (万元)"].fillna(0)]
        else:
            raw["budget"]["per_year_wan_cny"] = None

    with st.expander(t("modalities")):
        slots["modalities"] = st.container()
        zh = lang() == "zh"   # 中文: the codes (MOBILE_CT, grassroots) give way to the NAME column
        frame = named(_modalities_frame(scn), labels.modality)
        mods = st.data_editor(frame, key=state.wkey("edit_modalities"), disabled=[NAME], hide_index=zh,
                              column_order=None if zh else list(frame.columns[1:]),
                              column_config=headers(frame.columns, **{NAME: t("modality")}))
        inv = {v: k for k, v in MOD_COLUMNS.items()}
        for m, row in mods.drop(columns=NAME).iterrows():
            for col, val in row.items():
                if pd.isna(val) and inv[col] in OPTIONAL_MOD_FIELDS:
                    raw["modalities"][m][inv[col]] = None
                    continue
                raw["modalities"][m][inv[col]] = val.item() if hasattr(val, "item") else val
    with st.expander(t("tiers")):
        slots["tiers"] = st.container()
        ranked = scn.tiers_low_to_high   # every tier table in one order: by rank, grassroots first
        frame = named(pd.DataFrame.from_dict({k: {TIER_COLUMNS[f]: getattr(scn.tiers[k], f) for f in TIER_COLUMNS}
                                              for k in ranked}, orient="index"), labels.tier)
        # 中文 hides the free-text English label (the scenario's own words) behind the tier's Chinese name
        tiers = st.data_editor(frame, key=state.wkey("edit_tiers"), disabled=[NAME], hide_index=zh,
                               column_order=[NAME, *list(frame.columns[2:])] if zh else list(frame.columns[1:]),
                               column_config=headers(frame.columns, **{NAME: t("tiers")}))
        inv = {v: k for k, v in TIER_COLUMNS.items()}
        for tier, row in tiers.drop(columns=NAME).iterrows():
            for col, val in row.items():
                raw["tiers"][tier][inv[col]] = val.item() if hasattr(val, "item") else val
        st.caption(t("eligibility"))
        elig = pd.DataFrame(scn.eligibility).T
        elig = elig.reindex(index=[k for k in ranked if k in elig.index] + [k for k in elig.index if k not in ranked])
        elig = named(elig.reindex(columns=list(scn.modalities)).fillna(0.0), labels.tier)
        elig = st.data_editor(elig, key=state.wkey("edit_eligibility"), disabled=[NAME], hide_index=zh,
                              column_order=None if zh else list(elig.columns[1:]),
                              column_config=headers([], **{NAME: t("tiers")},
                                                    **{m: labels.modality(m) for m in scn.modalities}))
        raw["eligibility"] = {tier: {m: float(v) for m, v in row.items()}
                              for tier, row in elig.drop(columns=NAME).iterrows()}
        st.caption(t("referral"))
        ref = pd.DataFrame(scn.referral).T.reindex(columns=ranked).fillna(0.0)
        ref = st.data_editor(ref, key=state.wkey("edit_referral"),
                             column_config=headers([], _index=t("exam_type"), **{k: labels.tier(k) for k in ranked}))
        raw["referral"] = {k: {tier: float(v) for tier, v in row.items()} for k, row in ref.iterrows()}
    with st.expander(t("weights")):
        slots["weights"] = st.container()
        w = st.data_editor(pd.DataFrame([{WEIGHT_COLUMNS[k]: getattr(scn.weights, k) for k in WEIGHT_COLUMNS}]),
                           hide_index=True, key=state.wkey("edit_weights"), column_config=headers(WEIGHT_COLUMNS.values()))
        inv = {v: k for k, v in WEIGHT_COLUMNS.items()}
        for col, val in w.iloc[0].items():
            raw["weights"][inv[col]] = float(val)
    equity_view.edit_access_equity(scn, raw, slots)
    scenario_editors.edit_scenario_inputs(scn, raw, slots)
    with st.expander(t("solver")):
        slots["solver"] = st.container()
        c1, c2 = st.columns(2)
        raw["solver"]["time_limit_s"] = widgets.whole_input(c1, t("time_limit"), scn.solver.time_limit_s, min_value=1,
                                                            key=state.wkey("edit_time_limit"))
        raw["solver"]["mip_rel_gap"] = c2.number_input(t("gap"), min_value=0.0, max_value=1.0, format="%.4f",
                                                       value=float(scn.solver.mip_rel_gap), key=state.wkey("edit_gap"))

    edited_tables: dict[str, pd.DataFrame] = {}
    for key, label in TABLE_LABELS.items():
        if not getattr(scn.regions, key) and key not in loaded.tables and key not in ALWAYS_SHOWN:
            continue
        with st.expander(t(label)):
            slots[key] = st.container()
            base = loaded.tables.get(key)
            if base is None and not getattr(scn.regions, key):
                base = pd.DataFrame({c.name: pd.Series(dtype=float if c.kind == "float" else object)
                                     for c in ALWAYS_SHOWN[key].columns})
                st.caption(t(f"{key}_table_empty"))
            elif base is None:
                base = read_raw(loaded.path(getattr(scn.regions, key)), scn.regions.sheet)
            # codes by their labels and Chinese headers in 中文, read back as codes (labels.py); the stock and
            # facility tables get the region's name beside its code, read-only and dropped when read back
            names = region_names(loaded) if key != "table" and "code" in base.columns else None
            frame = labels.to_screen(base)
            if names is not None:
                frame = frame.copy()
                frame.insert(frame.columns.get_loc("code") + 1, REGION_NAME_COLUMN,
                             frame["code"].astype(str).map(names).fillna(""))
            config = labels.column_config(base, editable=True)
            if names is not None:   # pinned beside the pinned code: a wide table scrolls, the row's name stays
                config[REGION_NAME_COLUMN] = st.column_config.TextColumn(t("region_name_column"), disabled=True,
                                                                         pinned=True)
            shown = st.data_editor(frame, num_rows="dynamic", key=state.wkey(f"edit_table_{key}"), hide_index=True,
                                   column_config=config)
            shown = labels.from_screen(shown.drop(columns=[REGION_NAME_COLUMN], errors="ignore"))
            if key in ALWAYS_SHOWN and not getattr(scn.regions, key) and key not in loaded.tables \
                    and not len(shown.dropna(how="all")):
                continue   # still empty: the scenario has no such table
            if key in loaded.tables or not _same(shown, base):   # an untouched table stays the scenario's file
                edited_tables[key] = shown
    with st.expander(t("upload_table")):
        tables = {t(v): k for k, v in TABLE_LABELS.items()}  # translated labels as options (see widgets.choose)
        which = tables[st.selectbox(t("which_table"), list(tables), key=f"replace_which_{lang()}")]
        upload_how()
        up = st.file_uploader(t("upload_table"), type=["csv", "xlsx"], key="replace_file", label_visibility="collapsed")
        if up is not None:
            if up.size > state.MAX_UPLOAD_BYTES:
                problems.append(t("upload_too_big").format(name=up.name, mb=state.MAX_UPLOAD_BYTES / 1e6))
            else:
                with tempfile.TemporaryDirectory() as d:
                    path = Path(d) / Path(up.name).name
                    path.write_bytes(up.getvalue())
                    try:
                        edited_tables[which] = read_raw(path)
                        st.caption(t("table_replaced").format(name=up.name, table=t(TABLE_LABELS[which])))
                    except PlannerError as e:
                        problems.append(e)  # translated with the others (show_problems), from its codes
    try:
        new_scn = validate(raw, msg("table_label.edited", table=msg("table_label.scenario")))
    except PlannerError as e:
        problems.append(e)
        return None, problems
    return loaded.with_changes(scenario=new_scn, **edited_tables), problems


def start_solve(edited: LoadedScenario) -> solve_job.SolveJob | None:
    """Start the solve beside the page (solve_job); None, with the reason on the page, when it cannot."""
    try:
        planner = state.planner_for(edited)  # carries the current budget, built model or not
    except PlannerError as e:
        st.error(say(e))
        return None
    return solve_job.start(planner, edited)


def watch(job: solve_job.SolveJob) -> solve_job.SolveJob:
    return solve_job.watch(job, lambda p, s: progress_words(job, p, s), t("stop_solve"), t("solving"),
                           t("solve_done"), show_quick=lambda r: show_quick(r, job.edited), label=whatif_label)


def progress_words(job: solve_job.SolveJob, p, elapsed: float) -> str:
    """The solve's progress line: HiGHS's own, or, once a what-if's quick plan is on screen, one sentence
    with what is shown, what HiGHS has, one bound and one gap (widgets.whatif_words)."""
    if job.quick is None:
        return widgets.progress_words(p, elapsed)
    rep = job.quick.report
    return widgets.whatif_words(rep.objective, rep.bound, p, job.budget_wan,
                                float(job.edited.scenario.solver.mip_rel_gap), elapsed)


def plan_label(kind: str, budget_wan: float) -> str:
    """What the one plan on the page is (quick, improving or final) and the budget it is for, in 亿元."""
    return t(f"plan_{kind}").format(b=f"{budget_wan / 1e4:,.2f} 亿元")


def whatif_label(job: solve_job.SolveJob) -> str:
    """The quick plan's label while HiGHS works: 'improving' once HiGHS reports a plan better than it by more
    than the requested gap (as the progress line says, widgets.whatif_words)."""
    better = widgets.highs_better(job.quick.report.objective, job.latest, float(job.edited.scenario.solver.mip_rel_gap))
    return plan_label("quick" if better is None else "improving", job.budget_wan)


def show_quick(result, edited: LoadedScenario) -> None:
    """The quick plan after a budget change, shown while HiGHS improves it (not saved as a run)."""
    st.info(t("quick_plan_note"))
    widgets.show_result(state.view_from_result(result, edited), key="quick")


def take_result(job: solve_job.SolveJob) -> None:
    """A finished solve: its result becomes the page's view and a saved run."""
    if job.error is not None:
        st.error(say(job.exc if job.exc is not None else job.error))
        return
    result, edited = job.result, job.edited
    st.session_state["view"] = {**state.view_from_result(result, edited), "budget_wan": job.budget_wan}
    if result.report.has_plan:
        name = f"{edited.scenario.name} · {widgets.fmt_wan(job.budget_wan)} · {time.strftime('%H:%M:%S')}"
        run_id = state.store().save(result, edited, name=name)
        st.session_state["last_run_id"] = run_id
        st.session_state["toast"] = f"{t('run_saved')} #{run_id}: {name}"  # shown by the page's next run


def scenario_zip(edited: LoadedScenario) -> bytes:
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d:
        save_scenario(edited, d)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for p in Path(d).rglob("*"):
                if p.is_file():
                    z.write(p, p.relative_to(d))
    return buf.getvalue()


def cached_zip(edited: LoadedScenario) -> bytes:
    """The scenario zip, rebuilt only when the inputs change (not on every widget interaction)."""
    key = session.inputs_key(edited)
    if st.session_state.get("zip_key") != key:
        st.session_state["zip"] = scenario_zip(edited)
        st.session_state["zip_key"] = key
    return st.session_state["zip"]


def page() -> None:
    job = solve_job.running()  # a solve started in an earlier run of the page (a click reran it)
    if "toast" in st.session_state:
        st.toast(st.session_state.pop("toast"))
    # Two elements, always: the inputs, then the plan area. Streamlit replaces a page's elements by their
    # place, and the ones a run has not reached yet stay on screen, faded, until it ends; the plan area is
    # one element at a fixed place, so a what-if's quick plan replaces the plan shown before instead of
    # appearing above it, and exactly one plan is on the page, labelled (plan_label).
    head, area = st.container(), st.empty()
    with head:
        edited, clicked = inputs_and_solve_button(job)
    with area.container():
        if clicked and job is None and edited is not None:
            job = start_solve(edited)
            resumed = False
        else:
            resumed = job is not None
        if job is not None:
            take_result(watch(job))
            if resumed:   # the inputs above were drawn while it ran (not checked, Solve off): draw them again
                st.rerun()
        view = st.session_state.get("view")
        if view is None:
            st.info(t("no_result"))
            return
        stale_notice(view.get("made_for"), state.inputs_snapshot(st.session_state["edited"]))
        st.subheader(plan_label("final", view["budget_wan"]))
        widgets.show_result(view, key="plan", extra=equity_view.access_equity_section)


# Warnings that come one per tier x modality, folded into one line (Sichuan had six, which pushed Solve
# below the fold): the message code, and the i18n key of the one line saying what to do.
FOLDED_WARNINGS = {"checks.over_eligibility": "warn_over_eligibility"}


def folded_warnings(warnings: list[str | Message]) -> list[tuple[str, list[str]]]:
    """The warnings as (line, details): two or more of one kind (a message code of FOLDED_WARNINGS) in one
    line saying what to do, with each of them in ``details``; any other warning as it is, with no details."""
    kinds: dict[str, list[Message]] = {}
    out: list[tuple[str, list[str]]] = []
    for w in warnings:
        if isinstance(w, Message) and w.code in FOLDED_WARNINGS:
            kinds.setdefault(w.code, []).append(w)
        else:
            out.append((screen_words(say(w)), []))
    for code, found in kinds.items():
        details = [screen_words(say(w)) for w in found]
        if len(found) == 1:
            out.append((details[0], []))
            continue
        counts = [int(w.params["n"]) for w in found]
        pairs = ", ".join(f"{labels.modality(w.params['mod'])} × {labels.tier(w.params['tier'])}" for w in found)
        out.append((t(FOLDED_WARNINGS[code]).format(k=len(found), pairs=pairs, lo=min(counts), hi=max(counts),
                                                    tiers=t("tiers"), elig=t("eligibility").split(":")[0]), details))
    return out


def show_warnings(warnings: list[str | Message]) -> None:
    for line, details in folded_warnings(warnings):
        st.warning(line)
        if details:
            with st.expander(t("warn_details").format(n=len(details))):
                st.markdown("\n".join(f"- {d}" for d in details))


def inputs_and_solve_button(job: solve_job.SolveJob | None) -> tuple[LoadedScenario | None, bool]:
    """The scenario, its editors, their problems, Solve and the scenario download; returns the edited
    scenario and whether Solve was pressed. While ``job`` runs, its planner is left alone (the checks would
    push an edited budget into it) and Solve is off."""
    scenario_picker()
    loaded: LoadedScenario = st.session_state["loaded"]
    scn = loaded.scenario
    st.caption(f"**{widgets.scenario_title(scn)}** — {widgets.scenario_description(scn)[:400]}")
    slots: dict = {}
    edited, problems = edit_inputs(loaded, slots)
    st.session_state["edited"] = edited if edited is not None else loaded
    if edited is not None and job is None:
        try:
            checks = state.planner_for(edited).checks
            problems += checks.errors
            show_warnings(checks.warnings)
        except PlannerError as e:
            problems.append(e)
    show_problems(problems, slots)
    c1, c2 = st.columns([1, 2])
    clicked = c1.button(t("solve"), type="primary", disabled=bool(problems) or job is not None, key="solve_button")
    if edited is not None and not problems:
        c2.download_button(t("download_scenario"), cached_zip(edited), file_name=f"{scn.name}.zip",
                           mime="application/zip", key="dl_scenario")
    return edited, clicked
