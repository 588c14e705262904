"""What the app shows of the library's messages and errors: each in the interface language, from the catalogs.

The library raises and warns with message codes (planner.messages); this module only picks the language.
Nothing is translated from English text: a plain string (a planner's own name, an error of a library
outside the planner) is shown as it is.
"""

from __future__ import annotations

from planner.messages import Message, from_data, labels
from planner.errors import InputError, InputErrors
from planner_app.i18n import lang


def say(what: str | BaseException | Message) -> str:
    """A message, an error the planner raised or a plain string, in the interface language. Give the error or
    message itself rather than its str(): its codes are then said from the catalog."""
    if isinstance(what, (Message, InputError, InputErrors)):
        return what.render(lang())
    return str(what)


def status_word(status: str) -> str:
    """A solver status (optimal, time_limit, ..., not_solved) in a few words of the interface language."""
    return labels.value("status", status, lang())


def stored_message(data: str | dict | None, english: str = "") -> str:
    """A message a run stored in summary.json (as_data: its code and values) in the interface language; a run
    stored before messages were codes has only ``english``."""
    if data is None:
        return english
    return say(from_data(data))


def find_param(data: str | dict | None, name: str) -> Message | str | None:
    """The first value named ``name`` anywhere inside a stored message (the 'how' of a quick plan's status)."""
    if not isinstance(data, dict):
        return None
    params = data.get("params", {})
    if name in params:
        found = params[name]
        return from_data(found) if isinstance(found, dict) else found
    for value in params.values():
        inner = find_param(value, name)
        if inner is not None:
            return inner
    return None
