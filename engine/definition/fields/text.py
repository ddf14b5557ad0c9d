"""One-line text and multi-line textarea: lengths, a pattern for one-line text."""

from __future__ import annotations

import datetime as dt
import re
import warnings
from typing import Any, ClassVar, Literal

from pydantic import ConfigDict, Field

from ..browser_pattern import browser_pattern_problem, set_notation_problem
from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    Problem,
    TextDefault,
    WidgetKind,
    line,
    register,
    text,
    text_default_problem,
    text_value_problem,
)


class TextField(FieldBase):
    model_config = ConfigDict(
        json_schema_extra={
            "if": {
                "required": ["pattern_message"],
                "properties": {"pattern_message": {"type": "string"}},
            },
            "then": {"required": ["pattern"], "properties": {"pattern": {"type": "string"}}},
        }
    )

    type: Literal["text"]
    default: TextDefault = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=200, ge=1)
    pattern: str | None = None
    pattern_message: str | None = None


class TextareaField(FieldBase):
    type: Literal["textarea"]
    default: TextDefault = None
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=5000, ge=1)


class _Lengths(FieldKind[Any]):
    """What text and textarea share: a length limit, `contains` in conditions."""

    def clean_value(self, f: Any, value: Any, today: dt.date, stored: Any) -> str | None:
        typed = self.typed(value)
        if not typed:
            return None
        if len(typed) > f.max_length:
            raise Invalid(f"Use at most {f.max_length} characters (this answer has {len(typed)}).")
        if f.min_length is not None and len(typed) < f.min_length:
            raise Invalid(f"Use at least {f.min_length} characters (this answer has {len(typed)}).")
        return typed

    def typed(self, value: Any) -> str:
        return line(value)

    def widget_attrs(self, f: Any, today: dt.date) -> dict[str, Any]:
        return {"maxlength": f.max_length}

    def hint(self, f: Any, today: dt.date) -> str | None:
        said = [getattr(f, "pattern_message", None) or ""]
        if f.min_length:
            said.append(f"Use at least {f.min_length} characters, at most {f.max_length}.")
        return " ".join(s for s in said if s) or None

    def own_problems(self, f: Any, apply_form: bool) -> list[Problem]:
        if f.min_length is not None and f.min_length > f.max_length:
            return [
                (("min_length",), f"min_length {f.min_length} is above max_length {f.max_length}")
            ]
        return []

    def default_problem(self, f: Any, value: Any) -> str | None:
        return text_default_problem(value)

    def contains_problem(self, f: Any, operand: object) -> str | None:
        return None if isinstance(operand, str) else f"contains needs text, got {operand!r}"

    def value_problem(self, f: Any, op: str, value: object) -> str | None:
        return text_value_problem(f, value)


class TextKind(_Lengths):
    type: ClassVar[str] = "text"
    model = TextField
    widget_kind_default: ClassVar[WidgetKind] = "text"

    def clean_value(self, f: TextField, value: Any, today: dt.date, stored: Any) -> str | None:
        typed = super().clean_value(f, value, today, stored)
        if typed is not None and f.pattern is not None and not re.fullmatch(f.pattern, typed):
            raise Invalid(f.pattern_message or "This answer is not in the expected format.")
        return typed

    def own_problems(self, f: TextField, apply_form: bool) -> list[Problem]:
        found = super().own_problems(f, apply_form)
        if f.pattern is not None:
            found.extend((("pattern",), message) for message in pattern_problems(f.pattern))
        elif f.pattern_message is not None:
            found.append((("pattern_message",), "pattern_message needs a pattern"))
        return found


def pattern_problems(pattern: str) -> list[str]:
    """Why `pattern` cannot be used: the server (Python's `re`) must compile it, and the
    page's pattern attribute (JavaScript with the `v` flag) too, or the browser drops the
    check without a word."""
    try:
        with warnings.catch_warnings():
            # Python's FutureWarning about '[[' or '&&' in a class: reported below.
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(pattern)
    except (re.error, OverflowError) as exc:
        return [f"not a valid regular expression: {exc}"]
    problem = browser_pattern_problem(pattern) or set_notation_problem(pattern)
    if problem is not None:
        return [f"the browser cannot use this pattern: {problem}"]
    return []


class TextareaKind(_Lengths):
    type: ClassVar[str] = "textarea"
    model = TextareaField
    widget_kind_default: ClassVar[WidgetKind] = "textarea"

    def typed(self, value: Any) -> str:
        # Line breaks are kept as "\n", so limits count what people see.
        return text(value).replace("\r\n", "\n").replace("\r", "\n").strip()


register(TextKind())
register(TextareaKind())
