"""Errors a planner can act on: each names the file, the row or key, the value and the fix."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

from pydantic import ValidationError

from planner.messages import Message, msg, render, text


class PlannerError(Exception):
    """Base class: the message is written for the planner, not for a programmer."""


class InputError(PlannerError):
    """Bad input: a file, a row, a column or key, a value, and what to do about it.

    ``problem`` and ``fix`` are messages with a code (``msg("table.empty_cell")``, planner.messages), so the
    error can be said in any language with :meth:`render`; a plain English string still works for the callers
    not converted yet (those :meth:`render` leaves as they are, or hands to ``translate``). ``str()`` is the
    English: "<file>[, row N][, column 'c']: <problem>[ (value: v)][. Fix: <fix>]".
    """

    def __init__(self, file: str | Message, problem: str | Message, *, row: int | None = None, column: str | None = None,
                 value: object = None, fix: str | Message = ""):
        self.file, self.problem, self.row, self.column, self.value, self.fix = file, problem, row, column, value, fix
        super().__init__(self.render("en"))

    @property
    def code(self) -> str | None:
        """The problem's message code, or None for an English string not converted to a code yet."""
        return self.problem.code if isinstance(self.problem, Message) else None

    @property
    def coded(self) -> bool:
        """Whether the whole error (its problem and its fix) is made of message codes."""
        return isinstance(self.problem, Message) and (not self.fix or isinstance(self.fix, Message))

    def render(self, lang: str | None = None, *, file: str | None = None,
               translate: Callable[[str], str | None] | None = None) -> str:
        """The error in ``lang``. ``file``: how to name the file (default as given); ``translate``: the
        words in ``lang`` of a problem or fix that is still a plain English string (None: keep it)."""
        def words(part: str | Message) -> str:
            if isinstance(part, Message) or translate is None:
                return text(part, lang)
            return translate(part) or part

        where = [text(self.file, lang) if file is None else file]
        if self.row is not None:
            where.append(render("error.at_row", lang, row=self.row))
        if self.column is not None:
            where.append(render("error.at_column", lang, column=self.column))
        out = render("error.problem", lang, where=", ".join(where), problem=words(self.problem))
        value = self.value
        if value is not None:
            if hasattr(value, "item"):          # numpy scalar -> plain Python for a readable repr
                value = value.item()
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            out += render("error.value", lang, value=repr(value))
        if self.fix:
            out += render("error.fix", lang, fix=words(self.fix))
        return out


class InputErrors(PlannerError):
    """Several input errors found in one pass, so the planner can fix them all at once."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def render(self, lang: str | None = None, **kw) -> str:
        """Each error in ``lang`` (see InputError.render), one a line."""
        return "\n".join(e.render(lang, **kw) for e in self.errors)


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
        said = err.get("msg", "")
        if kind == "extra_forbidden":
            parent = loc[:-1]
            valid = _fields_at(model, _schema_path(parent))
            guess = nearest(str(loc[-1]), valid)
            fix = msg("validation.fix_did_you_mean_key", key=".".join(map(str, parent + (guess,)))) if guess else (
                msg("validation.fix_remove_valid_keys", keys=", ".join(valid)) if valid else
                msg("validation.fix_remove"))
            out.append(InputError(file, msg("validation.unknown_key", key=key), fix=fix))
        elif kind == "missing":
            out.append(InputError(file, msg("validation.missing_key", key=key), fix=msg("validation.fix_add_key")))
        else:
            said = said.removeprefix("Value error, ")
            ctx = err.get("ctx") or {}
            coded = _coded(kind, ctx, said)
            value = err.get("input")
            shown = value if isinstance(value, (int, float, str, bool)) else None
            # whole-scenario checks (no loc) already name their keys
            if coded is None:   # a message pydantic says in words only: passed on in English
                problem: str | Message = f"'{key}': {said}" if loc else said
            else:
                problem = msg("validation.at_key", key=key, problem=coded) if loc else coded
            fix = "" if "Fix" in said or ":" in said else _fix_for(kind, ctx)
            out.append(InputError(file, problem, value=shown, fix=fix))
    return InputErrors(out)


# pydantic's own messages by their error type (pydantic_core's ErrorType), said from the catalog: the English
# template reads as pydantic's own words, the parameters are the error's ctx
PYDANTIC = {
    "greater_than": "pydantic.greater_than", "greater_than_equal": "pydantic.greater_than_equal",
    "less_than": "pydantic.less_than", "less_than_equal": "pydantic.less_than_equal",
    "multiple_of": "pydantic.multiple_of", "finite_number": "pydantic.finite_number",
    "float_type": "pydantic.float_type", "float_parsing": "pydantic.float_parsing",
    "int_type": "pydantic.int_type", "int_parsing": "pydantic.int_parsing", "int_from_float": "pydantic.int_from_float",
    "bool_type": "pydantic.bool_type", "bool_parsing": "pydantic.bool_parsing", "string_type": "pydantic.string_type",
    "list_type": "pydantic.list_type", "dict_type": "pydantic.dict_type", "model_type": "pydantic.model_type",
    "date_type": "pydantic.date_type", "datetime_type": "pydantic.datetime_type",
    "string_too_short": "pydantic.string_too_short", "string_too_long": "pydantic.string_too_long",
}


def _coded(kind: str, ctx: dict, said: str) -> Message | None:
    """The message of one pydantic error as a code: the planner's own check (planner.config.schema raises
    ``ValueError(msg(...))``, which pydantic keeps as ctx['error']), or pydantic's own message rebuilt from its
    type and ctx. None when there is no code for it, or when the code would not read exactly as pydantic's English
    (a number pydantic prints its own way): then the English is passed on as pydantic wrote it."""
    error = ctx.get("error")
    if isinstance(error, ValueError) and error.args and isinstance(error.args[0], Message):
        return error.args[0]
    params = {k: _pydantic_number(v) for k, v in ctx.items()}
    if kind == "literal_error":
        choices = re.findall(r"'[^']*'", str(ctx.get("expected", "")))
        found = (msg("pydantic.literal_one", expected=ctx.get("expected")) if len(choices) == 1 else
                 msg("pydantic.literal_error", choices=", ".join(choices[:-1]), last=choices[-1]) if choices else None)
    elif kind in ("too_short", "too_long") and ctx.get("field_type") == "List":
        length = params.get("min_length" if kind == "too_short" else "max_length")
        found = msg("pydantic.list_too_short" if kind == "too_short" else "pydantic.list_too_long",
                    length=length, s="" if length == 1 else "s", actual=params.get("actual_length"))
    elif kind in ("string_too_short", "string_too_long"):
        length = params.get("min_length" if kind == "string_too_short" else "max_length")
        found = msg(PYDANTIC[kind], length=length, s="" if length == 1 else "s")
    elif kind in PYDANTIC:
        found = msg(PYDANTIC[kind], **params)
    else:
        found = None
    try:
        return found if found is not None and str(found) == said else None
    except (KeyError, IndexError, ValueError):   # a ctx without the field the template names
        return None


def _pydantic_number(value: object) -> object:
    """A bound as pydantic prints it: a whole float without its '.0' (gt=0.0 reads 'greater than 0')."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return int(value)
    return value


def _fix_for(kind: str, ctx: dict) -> Message:
    """A concrete fix for Pydantic's common value errors, instead of a bare 'correct the value'."""
    bounds = {"greater_than": ("validation.fix_greater_than", "gt"),
              "greater_than_equal": ("validation.fix_at_least", "ge"),
              "less_than": ("validation.fix_less_than", "lt"), "less_than_equal": ("validation.fix_at_most", "le")}
    if kind in bounds:
        code, key = bounds[kind]
        bound = ctx.get(key)
        return msg(code, bound=f"{bound:g}" if isinstance(bound, (int, float)) else str(bound))
    if kind in ("float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"):
        return msg("validation.fix_number") if "int" not in kind else msg("validation.fix_whole_number")
    if kind == "finite_number":
        return msg("validation.fix_finite")
    if kind in ("bool_parsing", "bool_type"):
        return msg("validation.fix_bool")
    if kind in ("string_type",):
        return msg("validation.fix_quote_text")
    return msg("validation.fix_correct_value")


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
