"""Form field types of the format: one model per `type`, told apart by that key.

Each type is one module here holding its model and its `FieldKind` (cleaning an
answer, load-time checks, reading for people, report summary, widget); `kind_of(f)`
finds it. Checking a person's answers is the answers validator's job
(`rules.answers`), which asks each field's kind, so web forms and imports share one
rule set.
"""

from __future__ import annotations

from collections.abc import Mapping

from .boolean import BooleanField, ConsentField
from .choice import (
    ChoiceField,
    ChoiceItem,
    ChoiceList,
    ChoiceValue,
    LabelledChoice,
    MultichoiceField,
    choice_label,
    choice_value,
)
from .date import DateField
from .email import EmailField, own_email_field, supervisor_fields
from .file import FileField
from .group import (
    MAX_ENTRIES,
    AnyField,
    GroupField,
    Repeat,
    ScalarField,
    as_group,
    entry_input_name,
    entry_name,
    parse_entry_input_name,
    parse_entry_name,
    sub_field,
)
from .kind import KINDS, FieldBase, FieldKind, Invalid, Tally, Widget, WidgetKind, kind_of
from .number import NumberField
from .phone import PhoneField
from .text import TextareaField, TextField

FIELD_TYPES = (
    "text",
    "textarea",
    "email",
    "phone",
    "number",
    "date",
    "choice",
    "multichoice",
    "boolean",
    "consent",
    "file",
    "group",
)


def resolve_choices(f: AnyField, shared: Mapping[str, list[ChoiceItem]]) -> AnyField:
    """The field with a named choice list replaced by the list itself (unknown names kept)."""
    resolved: AnyField = kind_of(f).resolve(f, shared)
    return resolved


def choice_items(f: FieldBase | None) -> tuple[ChoiceItem, ...]:
    """A choice or multichoice field's resolved choices; () for other fields."""
    return kind_of(f).choice_items(f) if f is not None else ()


def choice_values(f: FieldBase | None) -> tuple[str, ...]:
    return tuple(choice_value(item) for item in choice_items(f))


__all__ = [
    "FIELD_TYPES",
    "KINDS",
    "MAX_ENTRIES",
    "AnyField",
    "BooleanField",
    "ChoiceField",
    "ChoiceItem",
    "ChoiceList",
    "ChoiceValue",
    "ConsentField",
    "DateField",
    "EmailField",
    "FieldBase",
    "FieldKind",
    "FileField",
    "GroupField",
    "Invalid",
    "LabelledChoice",
    "MultichoiceField",
    "NumberField",
    "PhoneField",
    "Repeat",
    "ScalarField",
    "Tally",
    "TextField",
    "TextareaField",
    "Widget",
    "WidgetKind",
    "as_group",
    "choice_items",
    "choice_label",
    "choice_value",
    "choice_values",
    "entry_input_name",
    "entry_name",
    "kind_of",
    "own_email_field",
    "parse_entry_input_name",
    "parse_entry_name",
    "resolve_choices",
    "sub_field",
    "supervisor_fields",
]
