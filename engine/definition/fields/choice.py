"""Choice (one of a list) and multichoice (several): the list, given in place or named
from the definition's shared `choices`, and answers matched by value or by label."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, NoReturn

from pydantic import BeforeValidator, Field, WithJsonSchema

from ...errors import known_list, suggest
from ..base import Name, StrictModel, Text
from .kind import (
    NUMBER_OR_TEXT,
    FieldBase,
    FieldKind,
    Invalid,
    Problem,
    Tally,
    Widget,
    WidgetKind,
    blank,
    default_schema,
    is_number,
    line,
    register,
)


def _numbers_as_text(value: Any) -> Any:
    # `[1, 2, 3, 4, 5]` is a natural rating scale; its values are stored as text.
    if is_number(value):
        return str(value)
    return value


ChoiceValue = Annotated[
    str, BeforeValidator(_numbers_as_text), WithJsonSchema({"type": list(NUMBER_OR_TEXT)})
]


class LabelledChoice(StrictModel):
    value: ChoiceValue
    label: Text


ChoiceItem = ChoiceValue | LabelledChoice
# The same choice twice is an error; the schema sees it when written the same way twice.
ChoiceList = Annotated[list[ChoiceItem], Field(json_schema_extra={"uniqueItems": True})]


def choice_value(item: ChoiceItem) -> str:
    return item.value if isinstance(item, LabelledChoice) else item


def choice_label(item: ChoiceItem) -> str:
    return item.label if isinstance(item, LabelledChoice) else item


class ChoiceField(FieldBase):
    type: Literal["choice"]
    default: Annotated[Any, default_schema(*NUMBER_OR_TEXT)] = None
    # A list, or the name of a shared list under the top-level `choices`.
    choices: ChoiceList | Name = Field(min_length=1)
    widget: Literal["radio", "select"] | None = None


class MultichoiceField(FieldBase):
    type: Literal["multichoice"]
    default: Annotated[
        Any,
        default_schema(*NUMBER_OR_TEXT, "array", items={"type": list(NUMBER_OR_TEXT)}),
    ] = None
    choices: ChoiceList | Name = Field(min_length=1)
    min_selected: int | None = Field(default=None, ge=0)
    max_selected: int | None = Field(default=None, ge=1)


Choosing = ChoiceField | MultichoiceField


def listed(f: Choosing) -> list[ChoiceItem]:
    """The choices once resolved; [] while the list is still a name."""
    return f.choices if isinstance(f.choices, list) else []


def _labels(f: Choosing) -> dict[str, str]:
    return {choice_value(i): choice_label(i) for i in listed(f)}


def match_choice(f: Choosing, typed: str) -> str | None:
    """The value `typed` names: a value, else a label, else either without regard to case
    (spreadsheets say "leadership"); None when it names none or more than one."""
    items = listed(f)
    if any(choice_value(i) == typed for i in items):
        return typed  # values are unique (checked at load time): the common case, fast
    pairs = [(choice_value(i), choice_label(i)) for i in items]
    folded = typed.casefold()
    for found in (
        {v for v, label in pairs if label == typed},
        {v for v, label in pairs if folded in (v.casefold(), label.casefold())},
    ):
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _not_a_choice(f: Choosing, typed: str) -> NoReturn:
    items = listed(f)
    shown = typed if len(typed) <= 40 else typed[:39] + "…"
    names = ", ".join(choice_label(i) for i in items) if len(items) <= 12 else "the listed ones"
    raise Invalid(f"'{shown}' is not one of the choices ({names}).")


def _choice_problem(f: Choosing, value: object) -> str | None:
    values = [choice_value(i) for i in listed(f)]
    typed = str(value) if is_number(value) else value
    if typed in values:
        return None
    return f"{value!r} is not one of the choices of '{f.id}'{suggest(typed, values)} " + known_list(
        values
    )


class _Choosing(FieldKind[Any]):
    has_choices: ClassVar[bool] = True
    categorical: ClassVar[bool] = True

    def choice_items(self, f: Choosing) -> tuple[ChoiceItem, ...]:
        return tuple(listed(f))

    def describe_answer(self, f: Choosing, value: Any) -> str:
        labels = _labels(f)
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in items)

    def tally(self, f: Choosing, given: Sequence[tuple[Any, Any]]) -> Tally:
        labels = _labels(f)
        by_value: dict[str, list[Any]] = {v: [] for v in labels}
        for value, who in given:
            for v in value if isinstance(value, list) else [value]:
                by_value.setdefault(str(v), []).append(who)
        parts = tuple((labels.get(v, v), tuple(whos)) for v, whos in by_value.items())
        return Tally(parts, partition=self.partition)

    partition: ClassVar[bool] = True  # whether each person gives one answer

    def choice_widget(self, f: Choosing, today: dt.date, kind: WidgetKind) -> Widget:
        plain = super().widget(f, today)
        offered = tuple((choice_value(i), choice_label(i)) for i in listed(f))
        if kind == "select":
            offered = (("", "Choose…"), *offered)
        return Widget(kind, plain.name, plain.label, plain.attrs, offered)

    def resolve(self, f: Choosing, shared: Mapping[str, list[Any]]) -> Choosing:
        if isinstance(f.choices, str) and f.choices in shared:
            return f.model_copy(update={"choices": list(shared[f.choices])})
        return f

    def problems(
        self, f: Choosing, shared: Mapping[str, list[Any]], apply_form: bool
    ) -> list[Problem]:
        if isinstance(f.choices, str) and f.choices not in shared:
            names = list(shared)
            return [
                (
                    ("choices",),
                    f"no choice list '{f.choices}'{suggest(f.choices, names)} {known_list(names)}",
                )
            ]
        f = self.resolve(f, shared)
        found: list[Problem] = []
        values = [choice_value(i) for i in listed(f)]
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            found.append((("choices",), f"the choice '{dupes[0]}' is listed twice"))
        return [*found, *self.own_problems(f, apply_form), *self.default_problems(f)]


class ChoiceKind(_Choosing):
    type: ClassVar[str] = "choice"
    model = ChoiceField

    def clean_value(self, f: ChoiceField, value: Any, today: dt.date, stored: Any) -> str | None:
        typed = line(value)
        return (match_choice(f, typed) or _not_a_choice(f, typed)) if typed else None

    def widget_kind(self, f: ChoiceField) -> WidgetKind:
        return (
            "radio"
            if f.widget == "radio" or (f.widget is None and len(listed(f)) <= 5)
            else "select"
        )

    def widget(self, f: ChoiceField, today: dt.date) -> Widget:
        return self.choice_widget(f, today, self.widget_kind(f))

    def default_problem(self, f: ChoiceField, value: Any) -> str | None:
        values = [choice_value(i) for i in listed(f)]
        return None if str(value) in values else f"default {value!r} is not a choice"

    def value_problem(self, f: ChoiceField, op: str, value: object) -> str | None:
        return _choice_problem(f, value)


class MultichoiceKind(_Choosing):
    type: ClassVar[str] = "multichoice"
    model = MultichoiceField
    widget_kind_default: ClassVar[WidgetKind] = "checkboxes"
    partition: ClassVar[bool] = False  # several answers each: no complement to protect

    def demands_answer(self, f: MultichoiceField) -> bool:
        return f.required or (f.min_selected or 0) > 0

    def clean(self, f: MultichoiceField, value: Any, today: dt.date, stored: Any) -> Any:
        if blank(value):
            items: list[Any] = []
        elif isinstance(value, str):  # a spreadsheet cell "a;b", unless one choice has a ';'
            items = [value] if match_choice(f, value.strip()) else value.split(";")
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            items = [value]
        chosen = set()
        for item in items:
            typed = line(item)
            if typed:
                chosen.add(match_choice(f, typed) or _not_a_choice(f, typed))
        values = [choice_value(i) for i in listed(f)]
        selected = [v for v in values if v in chosen]  # the order of the choices, once each
        low = max(f.min_selected or 0, 1 if f.required else 0)
        if len(selected) < low:
            if not selected:
                raise Invalid("Choose at least one." if low == 1 else f"Choose at least {low}.")
            raise Invalid(f"Choose at least {low} (you chose {len(selected)}).")
        if f.max_selected is not None and len(selected) > f.max_selected:
            raise Invalid(f"Choose at most {f.max_selected} (you chose {len(selected)}).")
        return selected or None

    def widget(self, f: MultichoiceField, today: dt.date) -> Widget:
        return self.choice_widget(f, today, "checkboxes")

    def hint(self, f: MultichoiceField, today: dt.date) -> str | None:
        low, high = f.min_selected or 0, f.max_selected
        if low > 1 and high is not None:
            return f"Choose from {low} to {high}." if low != high else f"Choose {low}."
        if low > 1:
            return f"Choose at least {low}."
        return f"Choose up to {high}." if high is not None else None

    def own_problems(self, f: MultichoiceField, apply_form: bool) -> list[Problem]:
        low, high, count = f.min_selected, f.max_selected, len(listed(f))
        if low is not None and high is not None and low > high:
            return [(("min_selected",), f"min_selected {low} is above max_selected {high}")]
        if low is not None and low > count:
            return [(("min_selected",), f"min_selected {low} is more than the {count} choices")]
        return []

    def default_problem(self, f: MultichoiceField, value: Any) -> str | None:
        values = [choice_value(i) for i in listed(f)]
        bad = [v for v in (value if isinstance(value, list) else [value]) if str(v) not in values]
        return f"default {bad[0]!r} is not one of the choices" if bad else None

    def contains_problem(self, f: MultichoiceField, operand: object) -> str | None:
        return _choice_problem(f, operand)

    def value_problem(self, f: MultichoiceField, op: str, value: object) -> str | None:
        return f"use contains to test a multichoice ('{f.id}'), not {op}"


register(ChoiceKind())
register(MultichoiceKind())
