"""Tick boxes: a boolean (unticked is an answer, false) and a consent (must be ticked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Annotated, Any, ClassVar, Literal

from pydantic import WithJsonSchema

from ..base import Text
from .kind import (
    CONTROL,
    FieldBase,
    FieldKind,
    Invalid,
    NoDefault,
    Problem,
    Tally,
    WidgetKind,
    default_schema,
    register,
    single,
)

CONSENT = "Tick this box to agree; the form cannot be sent without it."
_TRUE = {"true", "yes", "y", "1", "on"}  # 'y' is what WTForms sends for a ticked box
_FALSE = {"false", "no", "n", "0", "off", ""}


class BooleanField(FieldBase):
    type: Literal["boolean"]
    # Only false: a boolean is never blank. The engine says why at load time.
    required: Annotated[bool, WithJsonSchema({"title": "Required", "const": False})] = False
    default: Annotated[Any, default_schema("boolean")] = None


class ConsentField(FieldBase):
    type: Literal["consent"]
    default: NoDefault = None
    text: Text


def to_bool(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = CONTROL.sub("", value).strip().lower() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise Invalid("Answer yes or no.")


class _TickBox(FieldKind[Any]):
    widget_kind_default: ClassVar[WidgetKind] = "checkbox"
    tickbox: ClassVar[bool] = True
    categorical: ClassVar[bool] = True

    def blank_in_entry(self, f: Any, value: Any) -> bool:
        if isinstance(value, str | bool | int):
            return str(value).strip().lower() in _FALSE
        return super().blank_in_entry(f, value)

    def describe(self, f: Any, value: Any) -> str:
        return "" if value is None else ("Yes" if value else "No")

    def tally(self, f: Any, given: Sequence[tuple[Any, Any]]) -> Tally:
        yes = tuple(who for v, who in given if v is True)
        no = tuple(who for v, who in given if v is False)
        return Tally((("Yes", yes), ("No", no)), partition=True)

    def value_problem(self, f: Any, op: str, value: object) -> str | None:
        return None if isinstance(value, bool) else f"'{f.id}' is true or false, got {value!r}"


class BooleanKind(_TickBox):
    type: ClassVar[str] = "boolean"
    model = BooleanField

    def clean(self, f: BooleanField, value: Any, today: dt.date, stored: Any) -> bool:
        return to_bool(single(value))  # never blank: unticked is False

    def own_problems(self, f: BooleanField, apply_form: bool) -> list[Problem]:
        if f.required:
            return [
                (
                    ("required",),
                    "a boolean is never blank (unticked is false), so required does not apply; use a consent field for a box that must be ticked",
                )
            ]
        return []

    def default_problem(self, f: BooleanField, value: Any) -> str | None:
        return None if isinstance(value, bool) else f"default {value!r} is not true or false"


class ConsentKind(_TickBox):
    type: ClassVar[str] = "consent"
    model = ConsentField

    def demands_answer(self, f: ConsentField) -> bool:
        return True  # a shown consent must be given

    def clean(self, f: ConsentField, value: Any, today: dt.date, stored: Any) -> bool:
        if not to_bool(single(value)):
            raise Invalid(CONSENT)
        return True


register(BooleanKind())
register(ConsentKind())
