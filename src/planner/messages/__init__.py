"""Messages as codes with parameters, rendered in English or Chinese from gettext catalogs (issue 26, item 2).

The library raises and warns with a stable code (``table.file_not_found``) and named values; the words are in
``locale/<lang>/LC_MESSAGES/planner.po``, whose msgids are the codes and whose msgstrs are Python format strings
(``{value:,.0f}``). The English catalog holds the English text, so ``str(msg(...))`` reads as the library always
wrote. Catalogs are read with Babel at first use and cached: nothing is compiled at install.

    from planner.messages import msg
    raise InputError(file, msg("table.file_not_found"), fix=msg("table.fix_check_path"))

A parameter that is itself a :class:`Message` is rendered in the same language (a table's name inside a
sentence), and so is a list of them (joined by ', '). ``scripts/messages.py`` lists the codes the source uses
against the catalogs; tests/test_messages.py holds both languages to every code. This package sits below every other one (the import-linter contract in
pyproject.toml): it imports nothing of the planner.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "zh")
DEFAULT = "en"
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "planner"
DOMAINS = (DOMAIN, "labels")   # messages; labels of columns, tiers, modalities and values (planner.messages.labels)


@dataclass(frozen=True)
class Message:
    """A message code and its values; ``str()`` is the English, ``render(lang)`` any language."""
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, lang: str | None = None) -> str:
        return render(self.code, lang, **self.params)

    def __str__(self) -> str:
        return self.render(DEFAULT)

    def __bool__(self) -> bool:
        return True

    def __hash__(self) -> int:  # params may hold lists: hash what they print as (a Column's fix is hashed)
        return hash((self.code, tuple(sorted((k, repr(v)) for k, v in self.params.items()))))


def msg(code: str, **params: Any) -> Message:
    """A message by its code: the form ``scripts/messages.py`` finds in the source."""
    return Message(code, params)


def language(explicit: str | None = None) -> str:
    """The language to speak: ``explicit`` if given, else PLANNER_LANG, else LC_ALL / LANG starting with 'zh'
    (zh_CN.UTF-8) -> 'zh', else English."""
    if explicit:
        code = _code(explicit)
        if code not in LANGUAGES:
            raise ValueError(f"unknown language {explicit!r}: use one of {', '.join(LANGUAGES)}")
        return code
    if _code(os.environ.get("PLANNER_LANG", "")) in LANGUAGES:  # an unknown PLANNER_LANG is ignored
        return _code(os.environ["PLANNER_LANG"])
    for var in ("LC_ALL", "LANG"):
        value = os.environ.get(var)
        if value:  # LC_ALL, when set, overrides LANG
            return "zh" if value.lower().startswith("zh") else DEFAULT
    return DEFAULT


def _code(value: str) -> str:
    """'zh_CN.UTF-8', 'zh-cn', 'ZH' -> 'zh'."""
    return value.strip().lower().replace("-", "_").split(".")[0].split("_")[0]


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def catalog(lang: str) -> dict[str, str]:
    """code -> template of one language, read from its .po files (every domain) once; a code in two domains
    is refused, so each idea has one entry."""
    from babel.messages.pofile import read_po

    out: dict[str, str] = {}
    for domain in DOMAINS:
        with po_path(lang, domain).open("rb") as f:
            cat = read_po(f, locale=lang, domain=domain, ignore_obsolete=True)
        entries = {m.id: m.string for m in cat if m.id and m.string and not m.fuzzy}
        twice = sorted(set(out) & set(entries))
        if twice:
            raise ValueError(f"message code(s) {', '.join(twice[:3])} are in two catalogs: keep each in one")
        out.update(entries)
    return out


def template(code: str, lang: str | None = None) -> str:
    """The template of ``code`` in ``lang``; a code missing from that catalog falls back to English."""
    lang = language(lang)
    found = catalog(lang).get(code)
    if found is None:
        found = catalog(DEFAULT).get(code)
    if found is None:
        raise KeyError(f"message code {code!r} is in no catalog: add it to {po_path(DEFAULT)} (scripts/messages.py)")
    return found


def render(code: str, lang: str | None = None, **params: Any) -> str:
    """The text of a message in ``lang`` (None: from the environment, see :func:`language`). Outside English a
    parameter named ``tier...`` or ``mod...`` is a code said by its label (secondary -> 二级医院), and so are
    the codes inside one named ``shown...`` (a list of places); English keeps the codes as the planner wrote
    them in the scenario."""
    lang = language(lang)
    values = {k: _said(_labelled(k, v, lang), lang) for k, v in params.items()}
    return template(code, lang).format(**values)


def _labelled(name: str, value: Any, lang: str) -> Any:
    if lang == DEFAULT or not isinstance(value, str):
        return value
    from planner.messages import labels   # below: labels reads this module's catalogs

    if name.startswith("tier"):
        return labels.tier(value, lang)
    if name.startswith("mod"):
        return labels.modality(value, lang)
    if name.startswith("shown"):
        names = {**labels.labels_of("tier", lang), **labels.labels_of("modality", lang)}
        return re.sub(r"\b[A-Za-z_]+\b", lambda m: names.get(m.group(0), m.group(0)), value)
    return value


def _said(value: Any, lang: str) -> Any:
    """A parameter as a template takes it: a Message in ``lang``; a list holding Messages as its items in ``lang``
    joined by ', ' (rows named in a sentence); anything else as it is."""
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, list) and any(isinstance(v, Message) for v in value):
        return ", ".join(text(v, lang) for v in value)
    return value


def text(value: str | Message, lang: str | None = None) -> str:
    """A message in ``lang``, or a plain string (not yet a code) as it is."""
    return value.render(lang) if isinstance(value, Message) else value


def as_data(value: str | Message) -> str | dict:
    """A message as JSON data ({"code": ..., "params": {...}}, a message inside as the same), a string as it
    is: what summary.json keeps beside the English so a reader can say it in another language."""
    if isinstance(value, list):   # a parameter listing messages (rows named in a sentence: _said)
        return [as_data(v) for v in value]
    if not isinstance(value, Message):
        return value
    return {"code": value.code, "params": {k: as_data(v) if isinstance(v, (Message, list)) else v
                                           for k, v in value.params.items()}}


def from_data(data: str | dict) -> str | Message:
    """The message :func:`as_data` wrote (a string stays a string)."""
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if not isinstance(data, dict):
        return data
    return Message(data["code"], {k: from_data(v) if (isinstance(v, dict) and "code" in v) or isinstance(v, list)
                                  else v for k, v in data.get("params", {}).items()})
