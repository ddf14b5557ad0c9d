"""Dates, written YYYY-MM-DD, with limits that may be relative (`today`, `+30d`...)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import WithJsonSchema, field_validator

from ..dates import DATE_LITERAL_PATTERN, literals_in_order, parse_date_literal
from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    Problem,
    WidgetKind,
    default_schema,
    line,
    outside,
    register,
)

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


DateLiteralText = Annotated[
    str | None, WithJsonSchema({"type": ["string", "null"], "pattern": DATE_LITERAL_PATTERN})
]


class DateField(FieldBase):
    type: Literal["date"]
    default: Annotated[Any, default_schema("string", pattern=DATE_LITERAL_PATTERN)] = None
    min: DateLiteralText = None
    max: DateLiteralText = None

    @field_validator("min", "max")
    @classmethod
    def _literal(cls, value: str | None) -> str | None:
        if value is not None:
            parse_date_literal(value)  # raises ValueError with the expected forms
        return value


def date_bounds(f: DateField, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The field's limits as days, seen from `today`."""
    low = parse_date_literal(f.min).resolve(today) if f.min else None
    high = parse_date_literal(f.max).resolve(today) if f.max else None
    return low, high


def _literal_problem(value: object) -> str | None:
    try:
        parse_date_literal(value)
    except ValueError as exc:
        return str(exc)
    return None


def _day(literal: str | None, day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"today ({day})" if literal and literal.strip() == "today" else day.isoformat()


class DateKind(FieldKind[DateField]):
    type: ClassVar[str] = "date"
    model = DateField
    widget_kind_default: ClassVar[WidgetKind] = "date"

    def clean_value(self, f: DateField, value: Any, today: dt.date, stored: Any) -> str | None:
        if isinstance(value, dt.date):
            day = value.date() if isinstance(value, dt.datetime) else value
        else:
            typed = line(value) if isinstance(value, str | None) else "?"
            if not typed:
                return None
            try:
                if not _ISO_DATE.fullmatch(typed):
                    raise ValueError(typed)
                day = dt.date.fromisoformat(typed)
            except ValueError:
                raise Invalid("Enter a date as YYYY-MM-DD, such as 2024-09-30.") from None
        low, high = date_bounds(f, today)
        if (low is not None and day < low) or (high is not None and day > high):
            first, last = _day(f.min, low), _day(f.max, high)
            raise outside("date", first, last, f"on or after {first}", f"on or before {last}")
        return day.isoformat()

    def hint(self, f: DateField, today: dt.date) -> str | None:
        low, high = date_bounds(f, today)
        first, last = _day(f.min, low), _day(f.max, high)
        if first and last:
            return f"A date from {first} to {last}, as YYYY-MM-DD."
        if first or last:
            return f"A date on or {'after ' + first if first else 'before ' + last}, as YYYY-MM-DD."
        return None

    def widget_attrs(self, f: DateField, today: dt.date) -> dict[str, Any]:
        low, high = date_bounds(f, today)
        return {key: day.isoformat() for key, day in (("min", low), ("max", high)) if day}

    def own_problems(self, f: DateField, apply_form: bool) -> list[Problem]:
        if f.min is not None and f.max is not None:
            if not literals_in_order(parse_date_literal(f.min), parse_date_literal(f.max)):
                return [(("min",), f"min {f.min} is after max {f.max}")]
        return []

    def default_problem(self, f: DateField, value: Any) -> str | None:
        return _literal_problem(value)

    def ordering_problem(self, f: DateField, op: str, operand: object) -> str | None:
        return _literal_problem(operand)

    def value_problem(self, f: DateField, op: str, value: object) -> str | None:
        return _literal_problem(value)


register(DateKind())
