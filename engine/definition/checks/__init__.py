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

    def meant_owner(self, form_id: str) -> str | None:
        """The participant whose enrollment a form was most likely meant for, when that is
        not where it is filled: every open_in state belongs to that role's lifecycle and
        none to the form's own. The likely fix is then `on: <role>`, not new states."""
        d = self.definition
        form = d.forms.get(form_id)
        own = self.lifecycle_of_form(form_id)
        if form is None or not form.open_in or own is None:
            return None
        own_states = d.lifecycles[own].states if own in d.lifecycles else {}
        if any(state in own_states for state in form.open_in):
            return None
        for role in ("mentee", "mentor"):
            other = getattr(d.roles, role).lifecycle
            lc = d.lifecycles.get(other)
            if other != own and lc is not None and all(s in lc.states for s in form.open_in):
                return role
        return None

    def movable_to(self, form_id: str, lifecycle_id: str) -> str | None:
        """The role to name in `on:` so that a form filled on another enrollment is filled on
        one of this lifecycle instead; None when that would not fit (an apply form, or
        open_in states this lifecycle does not have)."""
        d = self.definition
        form = d.forms.get(form_id)
        lc = d.lifecycles.get(lifecycle_id)
        if (
            form is None
            or lc is None
            or form_id in (r.apply_form for r in (d.roles.mentee, d.roles.mentor))
        ):
            return None
        if not all(state in lc.states for state in form.open_in):
            return None
        roles = self.roles_of_lifecycle(lifecycle_id)
        return roles[0] if roles else None

    def state_elsewhere(self, state: str, lifecycle_id: str) -> str | None:
        """The participant role whose (other) lifecycle has this state, if one does."""
        for role in ("mentee", "mentor"):
            other = getattr(self.definition.roles, role).lifecycle
            lc = self.definition.lifecycles.get(other)
            if other != lifecycle_id and lc is not None and state in lc.states:
                return role
        return None

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
