"""Form field types of the format: one model per `type`, told apart by that key.

These describe what a field asks; checking a person's answers against them is the
job of the answers validator, so that web forms and imports share one rule set.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from .base import Name, StrictModel, Text
from .conditions import Condition
from .dates import parse_date_literal


def _numbers_as_text(value: Any) -> Any:
    # `[1, 2, 3, 4, 5]` is a natural rating scale; its values are stored as text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


ChoiceValue = Annotated[str, BeforeValidator(_numbers_as_text)]


class LabelledChoice(StrictModel):
    value: ChoiceValue
    label: Text


ChoiceItem = ChoiceValue | LabelledChoice


def choice_value(item: ChoiceItem) -> str:
    return item.value if isinstance(item, LabelledChoice) else item


def choice_label(item: ChoiceItem) -> str:
    return item.label if isinstance(item, LabelledChoice) else item


class FieldBase(StrictModel):
    id: Name
    label: Text
    help: str | None = None
    required: bool = False
    default: Any = None
    show_if: Condition | None = None


class TextField(FieldBase):
    type: Literal["text"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=200, ge=1)
    pattern: str | None = None
    pattern_message: str | None = None


class TextareaField(FieldBase):
    type: Literal["textarea"]
    min_length: int | None = Field(default=None, ge=0)
    max_length: int = Field(default=5000, ge=1)


class EmailField(FieldBase):
    type: Literal["email"]
    link: Literal["supervisor"] | None = None


class PhoneField(FieldBase):
    type: Literal["phone"]


class NumberField(FieldBase):
    type: Literal["number"]
    min: int | float | None = None
    max: int | float | None = None
    integer: bool = False


class DateField(FieldBase):
    type: Literal["date"]
    min: str | None = None
    max: str | None = None

    @field_validator("min", "max")
    @classmethod
    def _literal(cls, value: str | None) -> str | None:
        if value is not None:
            parse_date_literal(value)  # raises ValueError with the expected forms
        return value


class ChoiceField(FieldBase):
    type: Literal["choice"]
    # A list, or the name of a shared list under the top-level `choices`.
    choices: list[ChoiceItem] | Name = Field(min_length=1)
    widget: Literal["radio", "select"] | None = None


class MultichoiceField(FieldBase):
    type: Literal["multichoice"]
    choices: list[ChoiceItem] | Name = Field(min_length=1)
    min_selected: int | None = Field(default=None, ge=0)
    max_selected: int | None = Field(default=None, ge=1)


class BooleanField(FieldBase):
    type: Literal["boolean"]


class ConsentField(FieldBase):
    type: Literal["consent"]
    text: Text


class FileField(FieldBase):
    type: Literal["file"]
    accept: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,10}$")]] = []
    max_kb: int = Field(default=2048, ge=1, le=51200)


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
    fields: list[ScalarField] = Field(min_length=1)  # no nested groups
    repeat: Repeat | None = None


AnyField = Annotated[ScalarField | GroupField, Field(discriminator="type")]

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
