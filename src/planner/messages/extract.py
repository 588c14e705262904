"""The message codes a source tree uses, against the catalogs (scripts/messages.py, tests/test_messages.py).

A code is used where it is the first argument of ``msg(...)``, ``render(...)`` or ``Message(...)``, or where a
string constant has the form of a code in one of the catalog's namespaces (``"table.size_mb"`` in a table of
codes the source picks from): an AST scan, so comments and docstrings' examples do not count.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterable
from pathlib import Path

from planner.messages import LANGUAGES, catalog

CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
CALLS = {"msg", "render", "Message", "template"}
# The labels catalog's namespaces (planner.messages.labels): looked up by a machine name at run time, not
# written in the source; tests/test_labels.py holds them to the columns and codes the tables have.
LABELS = ("column", "column_prefix", "column_suffix", "tier", "modality", "value", "field", "field_help")
ONE_LANGUAGE = ("field_help",)   # Chinese only: in English a field's help is the schema's description


def codes_in_source(roots: Iterable[Path]) -> dict[str, list[str]]:
    """code -> the places ('path:line') that use it, in the .py files under ``roots``."""
    namespaces = {code.split(".")[0] for lang in LANGUAGES for code in catalog(lang)} - set(LABELS)
    found: dict[str, list[str]] = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                          and n.body and isinstance(n.body[0], ast.Expr)}
            called = {id(n.args[0]) for n in ast.walk(tree) if isinstance(n, ast.Call) and n.args
                      and getattr(n.func, "id", getattr(n.func, "attr", None)) in CALLS}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or id(node) in docstrings:
                    continue
                if CODE.fullmatch(node.value) and (id(node) in called or node.value.split(".")[0] in namespaces):
                    found.setdefault(node.value, []).append(f"{path}:{node.lineno}")
    return found


def fields(template: str) -> set[str]:
    """The names of a template's {fields}."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


def problems(roots: Iterable[Path]) -> list[str]:
    """What is wrong between the source and the catalogs: a used code missing from a language, an entry no
    source uses, an entry whose {fields} differ between the languages. Empty when all is well."""
    used = codes_in_source(roots)
    out = []
    for lang in LANGUAGES:
        for code in sorted(set(used) - set(catalog(lang))):
            out.append(f"{code}: missing from the {lang} catalog (used at {used[code][0]})")
        for code in sorted(c for c in set(catalog(lang)) - set(used) if c.split(".")[0] not in LABELS):
            out.append(f"{code}: in the {lang} catalog but used nowhere in the source")
    en = catalog(LANGUAGES[0])
    for lang in LANGUAGES[1:]:
        for code, text in catalog(lang).items():
            if code in en and fields(text) != fields(en[code]):
                out.append(f"{code}: fields {sorted(fields(text))} in {lang}, {sorted(fields(en[code]))} in "
                           f"{LANGUAGES[0]}")
    return out
