"""Load-time checks of forms, their fields, and the participant roles that use them."""

from __future__ import annotations

from ...errors import known_list, suggest
from .. import format as fmt
from ..fields import AnyField, as_group, kind_of, resolve_choices
from ..program import form_owner
from ..yaml_source import Path
from . import Checker, Resolver, check_condition


def _earlier(known: dict[str, AnyField], later: set[str], where: str) -> Resolver:
    """Resolve show_if names against the fields before this one."""
    snapshot = dict(known)

    def resolve(name: str) -> AnyField | str:
        if name in snapshot:
            return snapshot[name]
        if name in later:
            return f"'{name}' comes later {where}: show_if may only read earlier fields"
        return f"no earlier field '{name}'{suggest(name, snapshot)} {known_list(snapshot)}"

    return resolve


def _within(fields: dict[str, AnyField], form_id: str) -> Resolver:
    """Resolve names against a whole form: `field` or `form.field`."""

    def resolve(name: str) -> AnyField | str:
        bare = name.removeprefix(f"{form_id}.")
        if bare in fields:
            return fields[bare]
        return f"no field '{name}' in form '{form_id}'{suggest(bare, fields)} {known_list(fields)}"

    return resolve


def _check_field(ck: Checker, f: AnyField, path: Path, apply_form: bool) -> None:
    """What the field's type finds wrong with it (defaults, limits, choice lists...)."""
    for where, message in kind_of(f).problems(f, ck.definition.choices, apply_form):
        ck.error((*path, *where), message)


def check_forms(ck: Checker) -> None:
    d = ck.definition
    apply_forms = {d.roles.mentee.apply_form, d.roles.mentor.apply_form}
    asked = {t.ask for lc in d.lifecycles.values() for t in lc.transitions if t.ask}
    for form_id, form in d.forms.items():
        base: Path = ("forms", form_id)
        is_apply = form_id in apply_forms
        seen: dict[str, AnyField] = {}
        everything = [f.id for s in form.sections for f in s.fields]
        for si, section in enumerate(form.sections):
            for fi, raw in enumerate(section.fields):
                path: Path = (*base, "sections", si, "fields", fi)
                f = resolve_choices(raw, d.choices)
                if f.id in seen:
                    ck.error((*path, "id"), f"duplicate field id '{f.id}' in form '{form_id}'")
                if f.show_if is not None:
                    later = set(everything[len(seen) + 1 :]) | {f.id}
                    resolver = _earlier(seen, later, "in the form")
                    check_condition(ck, f.show_if, (*path, "show_if"), resolver)
                _check_field(ck, raw, path, is_apply)
                group = as_group(f)
                if group is not None:
                    inner: dict[str, AnyField] = dict(seen)
                    names = [sub.id for sub in group.fields]
                    for gi, sub in enumerate(group.fields):
                        sub_path: Path = (*path, "fields", gi)
                        if sub.id in names[:gi]:
                            ck.error(
                                (*sub_path, "id"),
                                f"duplicate field id '{sub.id}' in group '{group.id}'",
                            )
                        if sub.show_if is not None:
                            resolver = _earlier(inner, set(names[gi:]), f"in group '{group.id}'")
                            check_condition(ck, sub.show_if, (*sub_path, "show_if"), resolver)
                        _check_field(ck, sub, sub_path, is_apply)
                        inner[sub.id] = sub
                seen.setdefault(f.id, f)
        _check_form_links(ck, form_id, form, base, is_apply, asked)
        _check_scope(ck, form, base, is_apply)


def _check_scope(ck: Checker, form: fmt.Form, base: Path, is_apply: bool) -> None:
    """`scope: person` only where entries could otherwise be left with a pairing."""
    if form.scope != "person":
        return
    if form_owner(form) != "mentee":
        ck.error(
            (*base, "scope"),
            "scope: person applies to forms on the mentee's enrollment, which carries the "
            "pairings; a mentor's forms always stay with the mentor",
        )
    elif not form.open_in and not is_apply:
        ck.error(
            (*base, "scope"),
            "scope: person does nothing on a form filled only as a transition's ask: "
            "its answers are kept with the step in the history",
        )


def _check_form_links(
    ck: Checker, form_id: str, form: fmt.Form, base: Path, is_apply: bool, asked: set[str]
) -> None:
    d = ck.definition
    owner = form_owner(form)
    lifecycle_id = getattr(d.roles, owner).lifecycle
    lifecycle = d.lifecycles.get(lifecycle_id)
    if lifecycle is not None:
        for i, state in enumerate(form.open_in):
            if state not in lifecycle.states:
                ck.error(
                    (*base, "open_in", i),
                    f"no state '{state}' in the {owner} lifecycle '{lifecycle_id}'{suggest(state, lifecycle.states)} {known_list(lifecycle.states)}",
                )
    if not form.open_in and not is_apply and form_id not in asked:
        ck.error(
            base,
            "this form can never be filled: give it open_in states, or name it as a transition's ask form",
            key=True,
        )
    if "supervisor" in form.signatures and not ck.has_supervisor_link(owner):
        ck.error(
            (*base, "signatures", form.signatures.index("supervisor")),
            f"a supervisor signature needs an email field with link: supervisor in the {owner} apply form",
        )
    if form.alert is not None:
        fields = ck.form_fields(form_id)
        check_condition(ck, form.alert.when, (*base, "alert", "when"), _within(fields, form_id))


def check_roles(ck: Checker) -> None:
    d = ck.definition
    for role_name in ("mentee", "mentor"):
        role = getattr(d.roles, role_name)
        base: Path = ("roles", role_name)
        form = d.forms.get(role.apply_form)
        if form is None:
            ck.unknown((*base, "apply_form"), "form", role.apply_form, d.forms)
        elif form.filled_by != role_name or form_owner(form) != role_name:
            ck.error(
                (*base, "apply_form"),
                f"form '{role.apply_form}' is filled by {form.filled_by} on the {form_owner(form)}'s enrollment; the {role_name} apply form must be filled by the {role_name}",
            )
        if role.lifecycle not in d.lifecycles:
            ck.unknown((*base, "lifecycle"), "lifecycle", role.lifecycle, d.lifecycles)
        fields = ck.form_fields(role.apply_form)
        if role.eligibility is not None and form is not None:
            check_condition(
                ck,
                role.eligibility.when,
                (*base, "eligibility", "when"),
                _within(fields, role.apply_form),
            )
        capacity = role.capacity
        if capacity is not None:
            if role_name != "mentor":
                ck.error((*base, "capacity"), "capacity applies to mentors only", key=True)
            if capacity.max is not None and capacity.default > capacity.max:
                ck.error(
                    (*base, "capacity", "default"),
                    f"default {capacity.default} is above max {capacity.max}",
                )
            if capacity.field is not None and form is not None:
                found = fields.get(capacity.field)
                if found is None:
                    ck.unknown(
                        (*base, "capacity", "field"),
                        f"field in form '{role.apply_form}' named",
                        capacity.field,
                        fields,
                    )
                elif not kind_of(found).numeric:
                    ck.error(
                        (*base, "capacity", "field"),
                        f"'{capacity.field}' is a {found.type} field; capacity needs a number field",
                    )
    if d.roles.mentee.apply_form == d.roles.mentor.apply_form:
        ck.error(
            ("roles", "mentor", "apply_form"), "mentors and mentees need apply forms of their own"
        )
    used = {d.roles.mentee.lifecycle, d.roles.mentor.lifecycle}
    for lifecycle_id in d.lifecycles:
        if lifecycle_id not in used:
            ck.error(
                ("lifecycles", lifecycle_id),
                f"lifecycle '{lifecycle_id}' is not used by any role",
                key=True,
            )
    months = d.program.relationship_months
    if months is not None:
        if months.min is not None and months.min > months.default:
            ck.error(
                ("program", "relationship_months", "min"),
                f"min {months.min} is above the default {months.default}",
            )
        if months.max is not None and months.max < months.default:
            ck.error(
                ("program", "relationship_months", "max"),
                f"max {months.max} is below the default {months.default}",
            )
