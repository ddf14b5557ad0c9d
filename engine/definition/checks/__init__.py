"""The second phase of loading: every rule that needs the whole definition in view.

The schema phase (`definition.format`) has already said what each key may hold. Here
we check that names point at things that exist, that lifecycles can be walked from
start to finish, and that conditions compare what can be compared. Every problem
is collected with its position; none stops the others from being found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ...errors import Problem, known_list, suggest
from .. import format as fmt
from ..conditions import Condition
from ..fields import AnyField, kind_of, resolve_choices, supervisor_fields
from ..program import form_owner
from ..yaml_source import Document, Path


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
        return bool(supervisor_fields(fields.values()))


# A resolver maps a field name used in a condition to the field, or to a sentence
# saying why that name cannot be used there.
Resolver = Callable[[str], "AnyField | str"]


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
    problem = kind_of(found).operand_problem(found, condition.operator, condition.operand)
    if problem:
        ck.error((*path, condition.operator), problem)
