"""Labels a reader sees for machine names: table columns (with their units), tiers, modalities and code
values, in English or Chinese, from the labels catalog (locale/<lang>/LC_MESSAGES/labels.po).

One place for them: the app's headers and cells, the 中文 downloads, the policy-paper report and the CLI
read these functions, so "secondary" is 二级医院 wherever it is shown. A name without an entry is shown as
it is (a planner's own tier or column), never as an error.

    column("unmet_thousand_exams", "zh")    # '未满足需求 (千人次)'
    column("gap_closed_MOBILE_CT", "en")    # 'share of the mobile CT density gap closed'
    tier("secondary", "zh")                 # '二级医院'

Codes: ``column.<name>``; ``column_prefix.<prefix>`` for columns named after a modality ({m}); and
``column_suffix.<suffix>`` for two runs side by side ({c}: the column's label); ``tier.<code>``,
``modality.<code>``, ``value.<column>.<code>``; ``field.<path>`` for a scenario field's label with its unit
(``budget.total_wan_cny``, ``modalities.*.price_wan_cny``, ``policy.min_units[].from_year``) and
``field_help.<path>`` for its help in Chinese (in English the help is the schema's description: one English
source, which the README's parameter table is generated from too). tests/test_labels.py holds every column
the results and input tables have, and every field an editor shows, to an entry in both languages.
"""

from __future__ import annotations

from functools import cache

from planner.messages import catalog, language

COLUMN, PREFIX, SUFFIX = "column.", "column_prefix.", "column_suffix."


def _entry(code: str, lang: str | None) -> str | None:
    lang = language(lang)
    return catalog(lang).get(code)


def _family(kind: str, lang: str | None) -> dict[str, str]:
    """suffix or prefix -> template, longest first (gap_closed_ before gap_)."""
    return _family_in(kind, language(lang))


@cache   # a table's headers ask for every column on every rerun: walk the catalog once per kind and language
def _family_in(kind: str, lang: str) -> dict[str, str]:
    found = {c.removeprefix(kind): t for c, t in catalog(lang).items() if c.startswith(kind)}
    return dict(sorted(found.items(), key=lambda kv: -len(kv[0])))


def labels_of(kind: str, lang: str | None = None) -> dict[str, str]:
    """code -> label of every entry of a kind ('tier', 'modality', 'value.level'): what a table's cells
    are shown as, and read back from (an edited table in 中文 back to codes)."""
    return dict(_labels_in(kind, language(lang)))   # a copy: callers may change theirs


@cache
def _labels_in(kind: str, lang: str) -> dict[str, str]:
    head = kind + "."
    return {c.removeprefix(head): t for c, t in catalog(lang).items() if c.startswith(head)
            and "." not in c.removeprefix(head)}


def modality(code: str, lang: str | None = None) -> str:
    """MOBILE_CT -> 'mobile CT' / '移动CT'; CT, MRI, DR and a planner's own code as they are."""
    return _entry(f"modality.{code}", lang) or code


def tier(code: str, lang: str | None = None) -> str:
    """secondary -> 'secondary' / '二级医院'; a planner's own tier as it is."""
    return _entry(f"tier.{code}", lang) or code


def value(column_name: str, code: str, lang: str | None = None) -> str:
    """A code cell of ``column_name`` (level: province -> 省级), as it is without an entry."""
    return _entry(f"value.{column_name}.{code}", lang) or code


def column(name: str, lang: str | None = None) -> str | None:
    """The label of a machine column, its unit included, or None for a column without one."""
    name = str(name)
    found = _entry(COLUMN + name, lang)
    if found is not None:
        return found
    for pre, template in _family(PREFIX, lang).items():
        if name.startswith(pre) and name != pre:
            return template.format(m=modality(name.removeprefix(pre), lang))
    for suf, template in _family(SUFFIX, lang).items():
        base = column(name.removesuffix(suf), lang) if name.endswith(suf) and name != suf else None
        if base is not None:
            return template.format(c=base)
    return None


def header(name: str, lang: str | None = None) -> str:
    """A column's header: its label, or its machine name when it has none."""
    return column(name, lang) or str(name)


def field(path: str, lang: str | None = None) -> str | None:
    """The label of a scenario field by its path, its unit included, or None for a field without one."""
    return _entry(f"field.{path}", lang)


def field_help(path: str, english: str | None, lang: str | None = None) -> str | None:
    """A scenario field's help: ``english`` (the schema's description) in English, the catalog's Chinese
    in Chinese (the English when there is none)."""
    if language(lang) == "en":
        return english
    return _entry(f"field_help.{path}", lang) or english
