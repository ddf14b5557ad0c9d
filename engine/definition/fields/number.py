"""Numbers: whole or not, within optional limits; reports give their mean and range."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    Problem,
    Tally,
    WidgetKind,
    default_schema,
    is_number,
    line,
    outside,
    register,
)

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # [0-9]: not other scripts' digits


class NumberField(FieldBase):
    type: Literal["number"]
    default: Annotated[Any, default_schema("number")] = None
    min: int | float | None = None
    max: int | float | None = None
    integer: bool = False


def shown_number(value: Any) -> str:
    """A number as people write it: 3 rather than 3.0."""
    if value is None:
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _reads_as_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


class NumberKind(FieldKind[NumberField]):
    type: ClassVar[str] = "number"
    model = NumberField
    widget_kind_default: ClassVar[WidgetKind] = "number"
    numeric: ClassVar[bool] = True

    def clean_value(
        self, f: NumberField, value: Any, today: dt.date, stored: Any
    ) -> int | float | None:
        # Stored as int when whole ("3", "3.0") and float when not: stable through JSON.
        if is_number(value):
            number = Decimal(value) if math.isfinite(value) else None
        elif isinstance(value, str | None):
            typed = line(value)
            if not typed:
                return None
            ok = len(typed) <= 30 and _NUMBER.fullmatch(typed)
            number = Decimal(typed) if ok else None
        else:
            number = None
        if number is None:
            raise Invalid("Enter a number, such as 3 or 2.5.")
        whole = number == number.to_integral_value()
        if f.integer and not whole:
            raise Invalid("Enter a whole number.")
        result: int | float = int(number) if whole else float(number)
        if (f.min is not None and result < f.min) or (f.max is not None and result > f.max):
            low, high = shown_number(f.min), shown_number(f.max)
            raise outside("number", low, high, f"of at least {low}", f"of at most {high}")
        return result

    def describe_answer(self, f: NumberField, value: Any) -> str:
        return shown_number(value)

    def tally(self, f: NumberField, given: Sequence[tuple[Any, Any]]) -> Tally:
        numbers = [
            float(v) for v, _ in given if isinstance(v, int | float | str) and _reads_as_number(v)
        ]
        return Tally(numbers=tuple(numbers))

    def hint(self, f: NumberField, today: dt.date) -> str | None:
        what = "A whole number" if f.integer else "A number"
        low, high = shown_number(f.min), shown_number(f.max)
        if low and high:
            return f"{what} from {low} to {high}."
        if low or high:
            return f"{what} of at least {low}." if low else f"{what} of at most {high}."
        return f"{what}." if f.integer else None

    def widget_attrs(self, f: NumberField, today: dt.date) -> dict[str, Any]:
        attrs: dict[str, Any] = {"step": "1" if f.integer else "any"}
        if f.min is not None:
            attrs["min"] = f.min
        if f.max is not None:
            attrs["max"] = f.max
        return attrs

    def own_problems(self, f: NumberField, apply_form: bool) -> list[Problem]:
        if f.min is not None and f.max is not None and f.min > f.max:
            return [(("min",), f"min {f.min} is above max {f.max}")]
        return []

    def default_problem(self, f: NumberField, value: Any) -> str | None:
        return None if is_number(value) else f"default {value!r} is not a number"

    def ordering_problem(self, f: NumberField, op: str, operand: object) -> str | None:
        return None if is_number(operand) else f"{op} needs a number, got {operand!r}"

    def value_problem(self, f: NumberField, op: str, value: object) -> str | None:
        return None if is_number(value) else f"'{f.id}' is a number, got {value!r}"


register(NumberKind())
