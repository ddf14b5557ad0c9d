"""Conditions: the only logic a definition can express, as data.

Used by `show_if`, `eligibility.when`, form `alert.when` and transition
`requires.when`. A condition is a mapping with `field` and one operator, or one of
`all`, `any`, `not`. There is no expression language: conditions are evaluated by
the small interpreter below and nothing from a definition is ever executed.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any

from pydantic import ConfigDict, Field, model_validator

from .base import Scalar, StrictModel
from .dates import DATE_LITERAL_PATTERN, parse_date_literal

COMPARISONS = ("equals", "not_equals", "in", "not_in", "lt", "lte", "gt", "gte", "contains")
OPERATORS = (*COMPARISONS, "is_set")
_GROUPS = ("all", "any", "not")


def _given(key: str) -> dict[str, Any]:
    # Present and not null: null is how YAML writes "not given".
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


def _shape_schema(schema: dict[str, Any]) -> None:
    """For editors, the shape `_one_shape` checks: `field` with exactly one operator, or
    exactly one of all, any, not; and an ordering compares a number or a date literal."""
    groups = {"anyOf": [_given(g) for g in _GROUPS]}
    schema["if"] = _given("field")
    schema["then"] = {"oneOf": [_given(op) for op in OPERATORS], "not": groups}
    schema["else"] = {"oneOf": [_given(g) for g in _GROUPS]}
    for op in ("lt", "lte", "gt", "gte"):
        schema["properties"][op] = {
            "title": op.capitalize(),
            "type": ["number", "string", "null"],
            "pattern": DATE_LITERAL_PATTERN,
        }


class Condition(StrictModel):
    """`{field: x, <operator>: value}` or `{all: [...]}`, `{any: [...]}`, `{not: {...}}`."""

    model_config = ConfigDict(json_schema_extra=_shape_schema)

    field: str | None = None
    equals: Scalar | None = None
    not_equals: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    lt: int | float | str | None = None
    lte: int | float | str | None = None
    gt: int | float | str | None = None
    gte: int | float | str | None = None
    contains: Scalar | None = None
    is_set: bool | None = None
    all: list[Condition] | None = Field(default=None, min_length=1)
    any: list[Condition] | None = Field(default=None, min_length=1)
    not_: Condition | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_shape(self) -> Condition:
        ops = self.operators()
        groups = [g for g in _GROUPS if self._get(g) is not None]
        if groups:
            if self.field is not None or ops or len(groups) > 1:
                raise ValueError(
                    f"'{groups[0]}' stands alone: a condition is either 'field' with one "
                    "operator, or exactly one of all, any, not"
                )
            return self
        if self.field is None:
            raise ValueError(
                "a condition needs 'field' and one operator "
                f"({', '.join(OPERATORS)}), or one of all, any, not"
            )
        if len(ops) != 1:
            raise ValueError(
                f"a condition on '{self.field}' needs exactly one operator "
                f"({', '.join(OPERATORS)}); found {len(ops) or 'none'}"
                + (f": {', '.join(ops)}" if ops else "")
            )
        return self

    def _get(self, name: str) -> Any:
        return getattr(self, {"in": "in_", "not": "not_"}.get(name, name))

    def operators(self) -> list[str]:
        return [op for op in OPERATORS if self._get(op) is not None]

    @property
    def operator(self) -> str:
        return self.operators()[0]

    @property
    def operand(self) -> Any:
        return self._get(self.operator)

    def fields(self) -> list[str]:
        """Every field name the condition reads, in order."""
        if self.field is not None:
            return [self.field]
        if self.not_ is not None:
            return self.not_.fields()
        return [name for sub in (self.all or self.any or []) for name in sub.fields()]


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def evaluate(
    condition: Condition,
    lookup: Callable[[str], Any],
    today: dt.date | None = None,
) -> bool:
    """Whether `condition` holds, reading answers through `lookup(field_name)`.

    A comparison with a blank answer is false; only `is_set: false` holds for it.
    Date operands may be literals such as `today-1y`, resolved against `today`.
    """
    if condition.all is not None:
        return all(evaluate(c, lookup, today) for c in condition.all)
    if condition.any is not None:
        return any(evaluate(c, lookup, today) for c in condition.any)
    if condition.not_ is not None:
        return not evaluate(condition.not_, lookup, today)
    assert condition.field is not None
    value = lookup(condition.field)
    op, operand = condition.operator, condition.operand
    if op == "is_set":
        return (not is_blank(value)) == bool(operand)
    if is_blank(value):
        return False
    if op == "equals":
        return _same(value, operand)
    if op == "not_equals":
        return not _same(value, operand)
    if op == "in":
        return any(_same(value, item) for item in operand)
    if op == "not_in":
        return not any(_same(value, item) for item in operand)
    if op == "contains":
        if isinstance(value, list):
            return any(_same(item, operand) for item in value)
        return str(operand).casefold() in str(value).casefold()
    return _ordered(op, value, operand, today or dt.date.today())


def _same(value: Any, operand: Any) -> bool:
    if isinstance(value, bool) or isinstance(operand, bool):
        return isinstance(value, bool) and isinstance(operand, bool) and value == operand
    if isinstance(value, int | float) and isinstance(operand, int | float):
        return value == operand
    return str(value) == str(operand)


def _ordered(op: str, value: Any, operand: Any, today: dt.date) -> bool:
    if isinstance(value, str) and isinstance(operand, str):
        try:  # dates compare as days
            left = dt.date.fromisoformat(value)
            right = parse_date_literal(operand).resolve(today)
        except ValueError:
            return False
        return _compare(op, left, right)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(operand, bool) or not isinstance(operand, int | float):
        return False
    return _compare(op, value, operand)


_ORDER = {"lt": operator.lt, "lte": operator.le, "gt": operator.gt, "gte": operator.ge}


def _compare(op: str, left: Any, right: Any) -> bool:
    return bool(_ORDER[op](left, right))
