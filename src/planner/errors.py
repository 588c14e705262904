"""Errors a planner can act on: each names the file, the row or key, the value and the fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import ValidationError


class PlannerError(Exception):
    """Base class: the message is written for the planner, not for a programmer."""


class InputError(PlannerError):
    """Bad input: a file, a row, a column or key, a value, and what to do about it."""

    def __init__(self, file: str, problem: str, *, row: int | None = None, column: str | None = None,
                 value: object = None, fix: str = ""):
        self.file, self.row, self.column, self.value, self.fix = file, row, column, value, fix
        where = [file]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        text = f"{', '.join(where)}: {problem}"
        if value is not None:
            if hasattr(value, "item"):          # numpy scalar -> plain Python for a readable repr
                value = value.item()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            text += f" (value: {value!r})"
        if fix:
            text += f". Fix: {fix}"
        super().__init__(text)


class InputErrors(PlannerError):
    """Several input errors found in one pass, so the planner can fix them all at once."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def nearest(word: str, choices: Iterable[str]) -> str | None:
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return found[0] if found else None


def _fields_at(model: type, loc: tuple) -> list[str]:
    """The valid keys of the (sub)model reached by ``loc``, for 'did you mean' suggestions."""
    from pydantic import BaseModel

    cur = model
    for part in loc:
        if not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            return []
        field = cur.model_fields.get(str(part))
        if field is None:
            # a dict value (e.g. modalities.CT): step into the dict's value type
            return []
        ann = field.annotation
        args = getattr(ann, "__args__", ())
        nxt = None
        for a in (ann, *args):
            if isinstance(a, type) and issubclass(a, BaseModel):
                nxt = a
                break
            for b in getattr(a, "__args__", ()):
                if isinstance(b, type) and issubclass(b, BaseModel):
                    nxt = b
        cur = nxt
    if isinstance(cur, type) and issubclass(cur, BaseModel):
        return list(cur.model_fields)
    return []


def explain_validation(file: str, exc: ValidationError, model: type) -> InputErrors:
    """Turn Pydantic's errors into planner-facing ones: key path, value, fix, nearest valid key."""
    out: list[InputError] = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        key = ".".join(str(p) for p in loc) or "(top level)"
        kind = err.get("type", "")
        msg = err.get("msg", "")
        if kind == "extra_forbidden":
            parent = loc[:-1]
            valid = _fields_at(model, _schema_path(parent))
            guess = nearest(str(loc[-1]), valid)
            fix = f"did you mean '{'.'.join(map(str, parent + (guess,)))}'?" if guess else (
                f"remove it; valid keys here are {', '.join(valid)}" if valid else "remove it")
            out.append(InputError(file, f"unknown key '{key}'", fix=fix))
        elif kind == "missing":
            out.append(InputError(file, f"required key '{key}' is missing", fix="add it (see models/baseline.toml)"))
        else:
            msg = msg.removeprefix("Value error, ")
            value = err.get("input")
            shown = value if isinstance(value, (int, float, str, bool)) else None
            where = "" if not loc else f"'{key}': "  # whole-scenario checks already name their keys
            fix = "" if "Fix" in msg or ":" in msg else _fix_for(kind, err.get("ctx") or {})
            out.append(InputError(file, f"{where}{msg}", value=shown, fix=fix))
    return InputErrors(out)


def _fix_for(kind: str, ctx: dict) -> str:
    """A concrete fix for Pydantic's common value errors, instead of a bare 'correct the value'."""
    bounds = {"greater_than": ("greater than", "gt"), "greater_than_equal": ("at least", "ge"),
              "less_than": ("less than", "lt"), "less_than_equal": ("at most", "le")}
    if kind in bounds:
        words, key = bounds[kind]
        bound = ctx.get(key)
        return f"give a number {words} {bound:g}" if isinstance(bound, (int, float)) else f"give a number {words} {bound}"
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return "give a number without quotes or units" if "int" not in kind else "give a whole number"
    if kind == "finite_number":
        return "give an ordinary number (inf and nan are not allowed here)"
    if kind in ("bool_parsing", "bool_type"):
        return "write true or false (no quotes)"
    if kind in ("string_type",):
        return 'put the text in double quotes, e.g. "..."'
    return "correct the value"


def _schema_path(loc: tuple) -> tuple:
    """Drop dict keys (modality and tier names) from a location, keeping only model field names."""
    dict_fields = {"modalities", "tiers"}
    path: list = []
    skip = False
    for part in loc:
        if skip:
            skip = False
            continue
        path.append(part)
        if part in dict_fields:
            skip = True
    return tuple(path)
