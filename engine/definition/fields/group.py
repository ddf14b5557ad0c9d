"""Groups: a fieldset of scalar fields, filled once or repeated as entries.

On a page, entry n of group g names its inputs `<g>-<n>-<field>` (WTForms' FieldList
names) and the entry itself `<g>-<n>`; `entry_input_name` and `parse_entry_input_name`
are the one place those names are built and read. Posted names are untrusted, so
parsing a malformed one gives None rather than raising.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import ChainMap
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from ..base import StrictModel
from ..conditions import evaluate
from .boolean import BooleanField, ConsentField
from .choice import ChoiceField, MultichoiceField
from .date import DateField
from .email import EmailField
from .file import FileField
from .kind import (
    FieldBase,
    FieldKind,
    Invalid,
    NoDefault,
    Problem,
    Widget,
    WidgetKind,
    blank,
    kind_of,
    register,
)
from .number import NumberField
from .phone import PhoneField
from .text import TextareaField, TextField

MAX_ENTRIES = 100  # a group without repeat.max: a bound against a flood of entries
MAX_INDEX_DIGITS = 6
_NAME = re.compile(r"[a-z][a-z0-9_]*")  # base.NAME_PATTERN, which has no '-'
_INDEX = re.compile(rf"[0-9]{{1,{MAX_INDEX_DIGITS}}}")


class Repeat(StrictModel):
    min: int = Field(default=0, ge=0)
    max: int | None = Field(default=None, ge=1)


ScalarField = Annotated[
    TextField
    | TextareaField
    | EmailField
    | PhoneField
    | NumberField
    | DateField
    | ChoiceField
    | MultichoiceField
    | BooleanField
    | ConsentField
    | FileField,
    Field(discriminator="type"),
]


class GroupField(FieldBase):
    type: Literal["group"]
    default: NoDefault = None
    fields: list[ScalarField] = Field(min_length=1)  # no nested groups
    repeat: Repeat | None = None


AnyField = Annotated[ScalarField | GroupField, Field(discriminator="type")]


def as_group(f: FieldBase | None) -> GroupField | None:
    """The field as a group, or None when it is not one."""
    return f if isinstance(f, GroupField) else None


def sub_field(g: GroupField, field_id: str) -> FieldBase | None:
    return next((s for s in g.fields if s.id == field_id), None)


# ---------------------------------------------------------------- input names


def entry_name(group: str, n: int) -> str:
    """The name of entry n (from 0) of a group: `<group>-<n>`."""
    return f"{group}-{n}"


def parse_entry_name(name: object) -> tuple[str, int] | None:
    """(group, n) from `<group>-<n>`; None for anything else."""
    if not isinstance(name, str):
        return None
    group, dash, index = name.partition("-")
    if not dash or not _NAME.fullmatch(group) or not _INDEX.fullmatch(index):
        return None
    return group, int(index)


def entry_input_name(group: str, n: int, field: str) -> str:
    """The input of `field` in entry n (from 0) of a group: `<group>-<n>-<field>`."""
    return f"{entry_name(group, n)}-{field}"


def parse_entry_input_name(name: object) -> tuple[str, int, str] | None:
    """(group, n, field) from `<group>-<n>-<field>`; None for anything else."""
    if not isinstance(name, str):
        return None
    entry, dash, field = name.rpartition("-")
    parsed = parse_entry_name(entry) if dash else None
    if parsed is None or not _NAME.fullmatch(field):
        return None
    return parsed[0], parsed[1], field


# ---------------------------------------------------------------- the type


class GroupKind(FieldKind[GroupField]):
    type: ClassVar[str] = "group"
    model = GroupField
    widget_kind_default: ClassVar[WidgetKind] = "group"

    def clean_in_form(
        self,
        f: GroupField,
        raw: Mapping[str, Any],
        outer: dict[str, Any],
        today: dt.date,
        stored: Mapping[str, Any],
        errors: dict[str, str],
    ) -> list[dict[str, Any]] | None:
        """A group comes as a list of entry mappings or as flat `<group>-<n>-<field>` keys;
        a wholly blank entry is the page's spare row, not an answer."""
        value = _entries_given(f, raw)
        if blank(value):
            numbered: list[tuple[int, Any]] = []
        elif isinstance(value, list | tuple):
            numbered = list(enumerate(value))
        elif isinstance(value, Mapping) and all(isinstance(k, int) for k in value):
            numbered = sorted(value.items())
        else:
            errors[f.id] = "These entries could not be read."
            return None
        old = stored.get(f.id)
        old_entries = list(old) if isinstance(old, list | tuple) else []
        kept: list[dict[str, Any]] = []
        for index, entry in numbered:
            if not isinstance(entry, Mapping):
                errors[f.id] = f"Entry {index + 1} could not be read."
                continue
            if all(kind_of(sub).blank_in_entry(sub, entry.get(sub.id)) for sub in f.fields):
                continue
            was = old_entries[index] if index < len(old_entries) else None
            was = was if isinstance(was, Mapping) else {}
            cleaned: dict[str, Any] = {}
            # show_if reads the same entry first, then the form's earlier answers.
            read = ChainMap(cleaned, outer).get
            for sub in f.fields:
                if sub.show_if is not None and not evaluate(sub.show_if, read, today):
                    continue
                try:
                    answer = kind_of(sub).clean(sub, entry.get(sub.id), today, was.get(sub.id))
                except Invalid as exc:
                    errors[entry_input_name(f.id, index, sub.id)] = str(exc)
                    continue
                if answer is not None:
                    cleaned[sub.id] = answer
            kept.append(cleaned)
        _count_entries(f, len(kept), errors)
        return kept or None

    def clean_value(self, f: GroupField, value: Any, today: dt.date, stored: Any) -> Any:
        raise Invalid("This answer could not be read.")  # a group inside a group

    def describe_answer(self, f: GroupField, value: Any) -> str:
        if not isinstance(value, list | tuple):
            return str(value)
        entries = []
        for entry in value:
            parts = [
                f"{sub.label}: {kind_of(sub).describe(sub, entry.get(sub.id))}"
                for sub in f.fields
                if isinstance(entry, Mapping) and sub.id in entry
            ]
            entries.append(", ".join(parts))
        if len(entries) == 1:
            return entries[0]
        # One line per entry, numbered: a contract's goals read as a list, not one run.
        return "\n".join(f"{n}. {entry}" for n, entry in enumerate(entries, 1))

    def widget(self, f: GroupField, today: dt.date) -> Widget:
        plain = super().widget(f, today)
        parts = tuple(kind_of(sub).widget(sub, today) for sub in f.fields)
        least = f.repeat.min if f.repeat and f.repeat.min else 1
        return Widget("group", f.id, f.label, plain.attrs, parts=parts, min_entries=least)

    def resolve(self, f: GroupField, shared: Mapping[str, list[Any]]) -> GroupField:
        inner = [kind_of(sub).resolve(sub, shared) for sub in f.fields]
        return f.model_copy(update={"fields": inner})

    def own_problems(self, f: GroupField, apply_form: bool) -> list[Problem]:
        repeat = f.repeat
        if repeat is not None and repeat.max is not None and repeat.min > repeat.max:
            return [
                (("repeat", "min"), f"repeat.min {repeat.min} is above repeat.max {repeat.max}")
            ]
        return []

    def operand_problem(self, f: GroupField, op: str, operand: object) -> str | None:
        return None if op == "is_set" else "a group field can only be tested with is_set"


def _entries_given(g: GroupField, raw: Mapping[str, Any]) -> Any:
    """The group's entries: raw[g.id], or else gathered from flat `<group>-<n>-<field>` keys."""
    if not blank(raw.get(g.id)):
        return raw.get(g.id)
    entries: dict[int, dict[str, Any]] = {}
    for key, value in raw.items():
        parsed = parse_entry_input_name(key)
        if parsed is not None and parsed[0] == g.id:
            entries.setdefault(parsed[1], {})[parsed[2]] = value
    return entries or None


def _count_entries(g: GroupField, count: int, errors: dict[str, str]) -> None:
    """`repeat.min` >= 1 (or `required`) makes a group required; without `repeat.max`, at
    most MAX_ENTRIES entries are taken, and without `repeat` one."""
    low = g.repeat.min if g.repeat else 0
    high = (g.repeat.max or MAX_ENTRIES) if g.repeat else 1
    if g.required:
        low = max(low, 1)
    entries = "1 entry" if low == 1 else f"{low} entries"
    if count < low:
        errors[g.id] = f"Fill in at least {entries}" + (f" ({count} given)." if count else ".")
    elif count > high:
        errors[g.id] = (
            f"Fill in at most {high} {'entry' if high == 1 else 'entries'}; there are {count}."
        )


register(GroupKind())
