"""The one reader of parameters that are not answers: query strings and hidden inputs.

Each reader takes the value by name from the query string (or the posted form, with
`form=True`), turns it into its type and answers anything else with `InvalidQuery`,
which the boundary shows as a 400 page saying why. What a value may mean (a role of
the program, a date a report can filter by) is the engine's to say; here is only
whether it is a value of the type at all.
"""

from __future__ import annotations

from collections.abc import Collection

from flask import request

from mentorflow.engine.errors import InvalidQuery

# Longer than any name, search or key a page offers; a bound on what is even read.
TEXT_MAX = 1000
# The largest value an integer column holds; a version is never above it.
INT_MAX = 2**31 - 1


def _raw(name: str, form: bool) -> str | None:
    source = request.form if form else request.args
    return source.get(name)


def read_text(name: str, default: str = "", *, form: bool = False) -> str:
    value = _raw(name, form)
    if value is None:
        return default
    if len(value) > TEXT_MAX:
        raise InvalidQuery(f"'{name}' may hold at most {TEXT_MAX} characters.")
    return value


def read_int(
    name: str, default: int | None = None, *, low: int = 0, high: int = INT_MAX, form: bool = False
) -> int | None:
    """A whole number written in ASCII digits (no sign, no '²'), from low to high."""
    value = _raw(name, form)
    if value is None or value == "":
        return default
    if not (value.isascii() and value.isdigit()) or len(value) > len(str(high)):
        raise InvalidQuery(f"The {name} must be a whole number from {low} to {high}.")
    number = int(value)
    if not low <= number <= high:
        raise InvalidQuery(f"The {name} must be a whole number from {low} to {high}.")
    return number


def read_choice(
    name: str, choices: Collection[str], *, form: bool = False, what: str = ""
) -> str | None:
    """One of `choices`, or None when the parameter is absent or blank."""
    value = _raw(name, form)
    if not value:
        return None
    if value not in choices:
        shown = "".join(c if c.isprintable() else "?" for c in value[:40])
        shown += "…" if len(value) > 40 else ""
        raise InvalidQuery(f"There is no {what or name} '{shown}' here.")
    return value


def read_number(name: str, default: float | None = None, *, form: bool = False) -> float | None:
    """A number written in ASCII digits with at most one decimal point ("2", "7.5")."""
    value = _raw(name, form)
    if value is None or value.strip() == "":
        return default
    digits = value.strip()
    whole, _, fraction = digits.partition(".")
    if (
        len(digits) > 20
        or not (whole or fraction)
        or not all(part == "" or (part.isascii() and part.isdigit()) for part in (whole, fraction))
    ):
        raise InvalidQuery(f"The {name} must be a number such as 5 or 7.5.")
    return float(digits)
