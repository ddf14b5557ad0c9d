"""Phone numbers: digits, spaces and + ( ) - . as people write them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, ClassVar, Literal

from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    TextDefault,
    WidgetKind,
    line,
    register,
    text_default_problem,
    text_value_problem,
)

_PHONE = re.compile(r"[0-9+().\- ]+")


class PhoneField(FieldBase):
    type: Literal["phone"]
    default: TextDefault = None


class PhoneKind(FieldKind[PhoneField]):
    type: ClassVar[str] = "phone"
    model = PhoneField
    widget_kind_default: ClassVar[WidgetKind] = "tel"

    def clean_value(self, f: PhoneField, value: Any, today: dt.date, stored: Any) -> str | None:
        typed = " ".join(line(value).split())
        if not typed:
            return None
        digits = sum(c.isdigit() for c in typed)
        if len(typed) > 40 or not _PHONE.fullmatch(typed) or not 7 <= digits <= 20:
            raise Invalid(
                "Enter a phone number of at least 7 digits, using only digits, spaces and + ( ) - ."
            )
        return typed

    def default_problem(self, f: PhoneField, value: Any) -> str | None:
        return text_default_problem(value)

    def value_problem(self, f: PhoneField, op: str, value: object) -> str | None:
        return text_value_problem(f, value)


register(PhoneKind())
