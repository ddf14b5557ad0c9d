"""What every field type provides, and the registry that finds a field's type.

A field type is one module of this package: its pydantic model (the format), and a
`FieldKind` holding everything else the engine does with that type (cleaning an
answer, the load-time checks, reading a stored answer for people, the report summary
and the widget the page shows). Callers ask `kind_of(field)` instead of testing the
field's class, so a new type is one module plus its tests.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import WithJsonSchema

from ..base import Name, StrictModel, Text
from ..conditions import Condition

REQUIRED = "This answer is required."
ORDERING = ("lt", "lte", "gt", "gte")

# Invisible characters nobody types on purpose; NUL and lone surrogates cannot be stored.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

WidgetKind = Literal[
    "text",
    "textarea",
    "email",
    "tel",
    "number",
    "date",
    "radio",
    "select",
    "checkboxes",
    "checkbox",
    "file",
    "group",
]
# Where a load-time problem sits, relative to the field, and the sentence saying it.
Problem = tuple[tuple[str | int, ...], str]


def default_schema(*types: str, **more: Any) -> WithJsonSchema:
    """How the JSON Schema shows a field type's `default`. The engine reads `default` as
    anything and says what is wrong with it at load time, in its own words; the schema
    lets an editor underline a default of the wrong type (a number given as text) at once."""
    return WithJsonSchema({"title": "Default", "type": [*types, "null"], **more})


# A default no field of the type may have (only `null`, which means none).
NoDefault = Annotated[Any, default_schema()]
TextDefault = Annotated[Any, default_schema("string")]
NUMBER_OR_TEXT = ("string", "number")  # a choice value: numbers are stored as text


class FieldBase(StrictModel):
    id: Name
    label: Text
    help: str | None = None
    required: bool = False
    default: Any = None
    show_if: Condition | None = None


F = TypeVar("F", bound=FieldBase)


class Invalid(Exception):
    """One answer's problem, raised while cleaning it and collected under the answer's key."""


@dataclass(frozen=True)
class Widget:
    """The input a page shows for a field, free of any web framework: `kind` is one of a
    small fixed set, `attrs` are HTML attributes, `parts` a group's fields by id."""

    kind: WidgetKind
    name: str
    label: str
    attrs: Mapping[str, Any] = field(default_factory=dict)
    choices: tuple[tuple[str, str], ...] = ()
    parts: tuple[Widget, ...] = ()
    min_entries: int = 0


@dataclass(frozen=True)
class Tally:
    """A field's answers as a report counts them, before any suppression: who gave each
    answer (`parts`, in order; `partition` when they split the people who answered)
    and the numbers answered, for a mean, minimum and maximum."""

    parts: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    partition: bool = False
    numbers: tuple[float, ...] = ()


class FieldKind(Generic[F]):
    """One field type's behaviour. The defaults suit a one-line answer with no limits."""

    model: ClassVar[type[FieldBase]]  # the format's model of this type
    type: ClassVar[str]  # its `type` in the format
    widget_kind_default: ClassVar[WidgetKind] = "text"
    tickbox: ClassVar[bool] = False  # unticked is an answer (False), never blank
    numeric: ClassVar[bool] = False  # compared by size; matching's near / at_least
    has_choices: ClassVar[bool] = False  # answers come from a list of choices
    categorical: ClassVar[bool] = False  # reports count each answer given

    @property
    def reportable(self) -> bool:
        return self.categorical or self.numeric

    # ------------------------------------------------------------ answers

    def clean_in_form(
        self,
        f: F,
        raw: Mapping[str, Any],
        outer: dict[str, Any],
        today: dt.date,
        stored: Mapping[str, Any],
        errors: dict[str, str],
    ) -> Any:
        """The answer to store for a top-level field of a form, problems put in `errors`."""
        try:
            return self.clean(f, raw.get(f.id), today, stored.get(f.id))
        except Invalid as exc:
            errors[f.id] = str(exc)
            return None

    def clean(self, f: F, value: Any, today: dt.date, stored: Any) -> Any:
        """The stored form of one answer, None when blank; raises Invalid with the problem."""
        result = self.clean_value(f, single(value), today, stored)
        if result is None and f.required:
            raise Invalid(REQUIRED)
        return result

    def clean_value(self, f: F, value: Any, today: dt.date, stored: Any) -> Any:
        return line(value) or None

    def blank_in_entry(self, f: F, value: Any) -> bool:
        """Whether a sub-answer leaves its group entry blank."""
        return blank(value)

    def choice_items(self, f: F) -> tuple[Any, ...]:
        """The choices an answer is taken from, once resolved; () when there are none."""
        return ()

    # ------------------------------------------------------------ for people

    def describe(self, f: F, value: Any) -> str:
        """A stored answer as people read it."""
        if value is None or value == "" or value == []:
            return ""
        return self.describe_answer(f, value)

    def describe_answer(self, f: F, value: Any) -> str:
        return str(value)

    def tally(self, f: F, given: Sequence[tuple[Any, Any]]) -> Tally:
        """The report summary of answers given, as (value, who) pairs: by default only
        how many answered, which the report counts itself."""
        return Tally()

    # ------------------------------------------------------------ the page

    def widget_kind(self, f: F) -> WidgetKind:
        return self.widget_kind_default

    def demands_answer(self, f: F) -> bool:
        """Whether the form cannot be sent without an answer here (the page marks it)."""
        return f.required

    def widget(self, f: F, today: dt.date) -> Widget:
        attrs: dict[str, Any] = {}
        if f.help:
            attrs["aria-describedby"] = f"{f.id}-help"
        if f.required:
            attrs["aria-required"] = "true"
        attrs.update(self.widget_attrs(f, today))
        return Widget(self.widget_kind(f), f.id, f.label, attrs)

    def widget_attrs(self, f: F, today: dt.date) -> dict[str, Any]:
        return {}

    def hint(self, f: F, today: dt.date) -> str | None:
        """The field's rules in words, shown beside it before anyone gets them wrong
        (the same limits `clean_value` enforces); None when there are none worth saying."""
        return None

    # ------------------------------------------------------------ load-time checks

    def resolve(self, f: F, shared: Mapping[str, list[Any]]) -> F:
        """The field with named choice lists replaced by the lists (unknown names kept)."""
        return f

    def problems(self, f: F, shared: Mapping[str, list[Any]], apply_form: bool) -> list[Problem]:
        """Everything wrong with the field that the schema cannot see, each where it sits."""
        return [*self.own_problems(f, apply_form), *self.default_problems(f)]

    def own_problems(self, f: F, apply_form: bool) -> list[Problem]:
        return []

    def default_problems(self, f: F) -> list[Problem]:
        if f.default is None:
            return []
        wrong = self.default_problem(f, f.default)
        return [(("default",), wrong)] if wrong else []

    def default_problem(self, f: F, value: Any) -> str | None:
        return f"a {self.type} field cannot have a default"

    def operand_problem(self, f: F, op: str, operand: object) -> str | None:
        """Why a condition cannot compare `operand` to this field with `op`, or None."""
        if op == "is_set":
            return None
        if op in ORDERING:
            return self.ordering_problem(f, op, operand)
        if op == "contains":
            return self.contains_problem(f, operand)
        items = operand if op in ("in", "not_in") else [operand]
        assert isinstance(items, list)
        for item in items:
            problem = self.value_problem(f, op, item)
            if problem:
                return problem
        return None

    def ordering_problem(self, f: F, op: str, operand: object) -> str | None:
        return f"{op} compares numbers or dates, but '{f.id}' is a {self.type} field"

    def contains_problem(self, f: F, operand: object) -> str | None:
        return f"contains reads a multichoice or text field, but '{f.id}' is a {self.type} field"

    def value_problem(self, f: F, op: str, value: object) -> str | None:
        return None


KINDS: dict[str, FieldKind[Any]] = {}  # by the format's `type`
_BY_MODEL: dict[type[FieldBase], FieldKind[Any]] = {}


def register(kind: FieldKind[Any]) -> None:
    KINDS[kind.type] = kind
    _BY_MODEL[kind.model] = kind


def kind_of(f: FieldBase) -> FieldKind[Any]:
    """The behaviour of a field's type."""
    return _BY_MODEL[type(f)]


# ---------------------------------------------------------------- reading answers


def blank(value: Any) -> bool:
    if isinstance(value, str):
        return not CONTROL.sub("", value).strip()
    if isinstance(value, list | tuple | Mapping):
        return not value
    return value is None


def single(value: Any) -> Any:
    """One answer from a field that takes one: a list of them is a problem."""
    if isinstance(value, list | tuple):
        answers = [v for v in value if not blank(v)]
        if len(answers) > 1:
            raise Invalid("Give one answer, not several.")
        return answers[0] if answers else None
    return value


def text(value: Any) -> str:
    if isinstance(value, str):
        return CONTROL.sub("", value)
    if is_number(value):
        return str(value)  # a rating of 3 from Python is the choice "3"
    if value is None:
        return ""
    raise Invalid("This answer could not be read as text.")


def line(value: Any) -> str:
    """Text for a one-line input: line breaks become spaces, ends trimmed."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text(value)).strip()


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def outside(kind: str, low: str, high: str, above: str, below: str) -> Invalid:
    """The problem of an answer outside [low, high] (either may be '' for no limit)."""
    if low and high:
        return Invalid(f"Enter a {kind} from {low} to {high}.")
    return Invalid(f"Enter a {kind} {above if low else below}.")


def text_value_problem(f: FieldBase, value: object) -> str | None:
    return None if isinstance(value, str) else f"'{f.id}' is text, got {value!r}"


def text_default_problem(value: object) -> str | None:
    return None if isinstance(value, str) else f"default {value!r} is not text"
