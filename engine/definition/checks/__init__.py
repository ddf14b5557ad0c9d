"""The second phase of loading: every rule that needs the whole definition in view.

The schema phase (`engine.format`) has already said what each key may hold. Here
we check that names point at things that exist, that lifecycles can be walked from
start to finish, and that conditions compare what can be compared. Every problem
is collected with its position; none stops the others from being found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ...errors import Problem, known_list, suggest
from .. import format as fmt
from ..conditions import Condition
from ..dates import parse_date_literal
from ..fields import (
    AnyField,
    BooleanField,
    ChoiceField,
    ConsentField,
    DateField,
    EmailField,
    FileField,
    GroupField,
    MultichoiceField,
    NumberField,
    PhoneField,
    TextareaField,
    TextField,
)
from ..program import choice_values, form_owner, resolve_choices
from ..yaml_source import Document, Path

TEXTUAL = (TextField, TextareaField, EmailField, PhoneField)


@dataclass
class Checker:
    doc: Document
    definition: fmt.Definition
    problems: list[Problem] = field(default_factory=list)

    def error(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.doc.problem(path, message, key=key))

    def unknown(self, path: Path, what: str, name: str, known: Iterable[str]) -> None:
        names = list(known)
        self.error(path, f"no {what} '{name}'{suggest(name, names)} {known_list(names)}")

    def form_fields(self, form_id: str) -> dict[str, AnyField]:
        """A form's top-level fields by id, choice lists resolved ({} for unknown forms)."""
        form = self.definition.forms.get(form_id)
        if form is None:
            return {}
        shared = self.definition.choices
        return {f.id: resolve_choices(f, shared) for s in form.sections for f in s.fields}

    def lifecycle_of_form(self, form_id: str) -> str | None:
        """The lifecycle of the enrollment a form is filled on."""
        form = self.definition.forms.get(form_id)
        if form is None:
            return None
        role: fmt.Role = getattr(self.definition.roles, form_owner(form))
        return role.lifecycle

    def roles_of_lifecycle(self, lifecycle_id: str) -> list[str]:
        roles = self.definition.roles
        return [r for r in ("mentee", "mentor") if getattr(roles, r).lifecycle == lifecycle_id]

    def has_supervisor_link(self, role: str) -> bool:
        fields = self.form_fields(getattr(self.definition.roles, role).apply_form)
        return any(isinstance(f, EmailField) and f.link == "supervisor" for f in fields.values())


# A resolver maps a field name used in a condition to the field, or to a sentence
# saying why that name cannot be used there.
Resolver = Callable[[str], "AnyField | str"]


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _operand_problem(f: AnyField, op: str, operand: object) -> str | None:
    """Why `operand` cannot be compared to field `f` with `op`, or None when it can."""
    kind = f.type
    if op == "is_set":
        return None
    if isinstance(f, GroupField | FileField):
        return f"a {kind} field can only be tested with is_set"
    if op in ("lt", "lte", "gt", "gte"):
        if isinstance(f, NumberField):
            return None if _is_number(operand) else f"{op} needs a number, got {operand!r}"
        if isinstance(f, DateField):
            try:
                parse_date_literal(operand)
            except ValueError as exc:
                return str(exc)
            return None
        return f"{op} compares numbers or dates, but '{f.id}' is a {kind} field"
    if op == "contains":
        if isinstance(f, MultichoiceField):
            return _choice_problem(f, operand)
        if isinstance(f, TextField | TextareaField):
            return None if isinstance(operand, str) else f"contains needs text, got {operand!r}"
        return f"contains reads a multichoice or text field, but '{f.id}' is a {kind} field"
    items = operand if op in ("in", "not_in") else [operand]
    assert isinstance(items, list)
    for item in items:
        problem = _value_problem(f, op, item)
        if problem:
            return problem
    return None


def _choice_problem(f: ChoiceField | MultichoiceField, value: object) -> str | None:
    values = choice_values(f)
    text = str(value) if _is_number(value) else value
    if text in values:
        return None
    return f"{value!r} is not one of the choices of '{f.id}'{suggest(text, values)} " + known_list(
        values
    )


def _value_problem(f: AnyField, op: str, value: object) -> str | None:
    if isinstance(f, MultichoiceField):
        return f"use contains to test a multichoice ('{f.id}'), not {op}"
    if isinstance(f, ChoiceField):
        return _choice_problem(f, value)
    if isinstance(f, BooleanField | ConsentField):
        return None if isinstance(value, bool) else f"'{f.id}' is true or false, got {value!r}"
    if isinstance(f, NumberField):
        return None if _is_number(value) else f"'{f.id}' is a number, got {value!r}"
    if isinstance(f, DateField):
        try:
            parse_date_literal(value)
        except ValueError as exc:
            return str(exc)
        return None
    if isinstance(f, TEXTUAL):
        return None if isinstance(value, str) else f"'{f.id}' is text, got {value!r}"
    return None


def check_condition(ck: Checker, condition: Condition, path: Path, resolve: Resolver) -> None:
    """Every field a condition reads exists there, and each operator fits its field."""
    if condition.all is not None or condition.any is not None:
        key = "all" if condition.all is not None else "any"
        for i, sub in enumerate(condition.all or condition.any or []):
            check_condition(ck, sub, (*path, key, i), resolve)
        return
    if condition.not_ is not None:
        check_condition(ck, condition.not_, (*path, "not"), resolve)
        return
    assert condition.field is not None
    found = resolve(condition.field)
    if isinstance(found, str):
        ck.error((*path, "field"), found)
        return
    problem = _operand_problem(found, condition.operator, condition.operand)
    if problem:
        ck.error((*path, condition.operator), problem)


def check_pattern(ck: Checker, pattern: str, path: Path) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        ck.error(path, f"not a valid regular expression: {exc}")
