"""E-mail addresses; one may name the applicant's supervisor (`link: supervisor`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    Problem,
    TextDefault,
    WidgetKind,
    line,
    register,
    text_default_problem,
    text_value_problem,
)

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}"
)


class EmailField(FieldBase):
    type: Literal["email"]
    default: TextDefault = None
    link: Literal["supervisor"] | None = None


def own_email_field(fields: Iterable[FieldBase]) -> EmailField | None:
    """The first e-mail field without `link`: the address of whoever fills the form."""
    return next((f for f in fields if isinstance(f, EmailField) and f.link is None), None)


def supervisor_fields(fields: Iterable[FieldBase]) -> list[EmailField]:
    """The e-mail fields where an applicant names their supervisor."""
    return [f for f in fields if isinstance(f, EmailField) and f.link == "supervisor"]


class EmailKind(FieldKind[EmailField]):
    type: ClassVar[str] = "email"
    model = EmailField
    widget_kind_default: ClassVar[WidgetKind] = "email"

    def clean_value(self, f: EmailField, value: Any, today: dt.date, stored: Any) -> str | None:
        typed = line(value).lower()  # people are known by e-mail, compared without case
        if not typed:
            return None
        if len(typed) > 254 or not _EMAIL.fullmatch(typed):
            raise Invalid("Enter an e-mail address such as name@example.gov.")
        return typed

    def own_problems(self, f: EmailField, apply_form: bool) -> list[Problem]:
        if f.link and not apply_form:
            return [
                (
                    ("link",),
                    "link: supervisor belongs in a role's apply form, where the applicant names their supervisor",
                )
            ]
        return []

    def default_problem(self, f: EmailField, value: Any) -> str | None:
        return text_default_problem(value)

    def value_problem(self, f: EmailField, op: str, value: object) -> str | None:
        return text_value_problem(f, value)


register(EmailKind())
