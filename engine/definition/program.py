"""The compiled program: one definition, checked, resolved and frozen.

Everything the rest of the engine needs is worked out here once, at load time:
each form's owner role, choice lists resolved to their items, fields by id,
`from: "*"` expanded to the non-final states, lookups by id. Nothing reads YAML
after this, and nothing here can be changed while the program runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from transitions import Machine

from ..errors import Problem
from . import format as fmt
from .fields import AnyField, ChoiceItem, resolve_choices
from .lifecycle import allowed_from, build_machine


def frozen_map(items: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(items))


def form_owner(form: fmt.Form) -> str:
    """Whose enrollment a form is filled on: `on`, else the filling role, else the mentee's."""
    if form.on is not None:
        return form.on
    return form.filled_by if form.filled_by in ("mentor", "mentee") else "mentee"


def transition_sources(transition: fmt.Transition, lifecycle: fmt.Lifecycle) -> tuple[str, ...]:
    """The states a transition leaves from; the format's `*` means every non-final state."""
    if transition.from_ == "*":
        return tuple(s for s, state in lifecycle.states.items() if not state.final)
    if isinstance(transition.from_, str):
        return (transition.from_,)
    return tuple(transition.from_)


@dataclass(frozen=True)
class Section:
    title: str | None
    help: str | None
    fields: tuple[AnyField, ...]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per revision
class Form:
    id: str
    title: str
    intro: str | None
    filled_by: str
    owner: str  # 'mentor' or 'mentee': whose enrollment it is filled on
    open_in: frozenset[str]
    repeatable: bool
    visible_to: frozenset[str]
    signatures: tuple[str, ...]
    alert: fmt.Alert | None
    sections: tuple[Section, ...]
    fields: Mapping[str, AnyField]  # top-level fields by id, in form order
    apply_for: str | None  # the role whose apply form this is
    # 'pairing': entries made during a pairing belong to it; 'person': they stay current
    # across the enrollment's pairings.
    scope: str = "pairing"


@dataclass(frozen=True)
class Transition:
    id: str
    label: str
    sources: tuple[str, ...]
    dest: str
    by: frozenset[str]
    requires: fmt.Requires | None
    ask: str | None
    notify: tuple[str, ...]
    confirm: str | None
    auto: bool


@dataclass(frozen=True, eq=False)
class Lifecycle:
    id: str
    initial: str
    states: Mapping[str, fmt.State]
    transitions: Mapping[str, Transition]
    finals: frozenset[str]
    machine: Machine = field(repr=False, compare=False)  # built once, shared by all records

    def leaving(self, state: str) -> tuple[Transition, ...]:
        """The transitions that may leave `state`, in definition order."""
        return tuple(self.transitions[t] for t in allowed_from(self.machine, state))

    def label(self, state: str) -> str:
        found = self.states.get(state)
        return found.label if found else state


@dataclass(frozen=True)
class RetentionRule:
    """One line of the retention schedule: `role` or `form` (the other is None)."""

    role: str | None
    form: str | None
    keep_months: int
    then: str  # 'anonymise' or 'delete'

    @property
    def name(self) -> str:
        """How the purge log and listings name the rule: 'role mentee', 'form check_in'."""
        return f"role {self.role}" if self.role is not None else f"form {self.form}"


@dataclass(frozen=True)
class Role:
    id: str
    label: str
    apply_form: str
    lifecycle: str
    eligibility: fmt.Eligibility | None
    capacity: fmt.Capacity | None


@dataclass(frozen=True, eq=False)
class Program:
    info: fmt.ProgramInfo
    source: str
    choices: Mapping[str, tuple[ChoiceItem, ...]]
    roles: Mapping[str, Role]
    forms: Mapping[str, Form]
    lifecycles: Mapping[str, Lifecycle]
    matching: fmt.Matching | None
    reports: tuple[fmt.Report, ...]
    definition: fmt.Definition = field(repr=False)
    id_position: tuple[int, int] = (1, 1)  # line and column of program.id, for messages
    # Where some parts stand in the file ('lifecycles.mentee.states' -> line, col), for
    # problems found after loading, such as records stranded by a new revision.
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    # What loads but can trap people (see `checks.lint`), for `mentorflow validate`.
    warnings: tuple[Problem, ...] = ()
    retention: tuple[RetentionRule, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def revision(self) -> int:
        return self.info.revision

    def person_forms(self) -> frozenset[str]:
        """The forms whose entries stay with the enrollment across pairings."""
        return frozenset(f.id for f in self.forms.values() if f.scope == "person")

    def lifecycle_of(self, role: str) -> Lifecycle:
        return self.lifecycles[self.roles[role].lifecycle]

    def apply_form(self, role: str) -> Form:
        return self.forms[self.roles[role].apply_form]

    def waiting_for_match(self, state: str) -> bool:
        """Whether a mentee in `state` is in the pool: a state `on_match` leaves."""
        if self.matching is None:
            return False
        on_match = self.lifecycle_of("mentee").transitions[self.matching.on_match]
        return state in on_match.sources

    def mentor_states(self) -> list[str]:
        """The mentor states that can take mentees: `matching.mentor_states`, or by
        default every non-final state of the mentor lifecycle but its initial one."""
        if self.matching is not None and self.matching.mentor_states:
            return list(self.matching.mentor_states)
        lifecycle = self.lifecycle_of("mentor")
        return [s for s in lifecycle.states if s not in lifecycle.finals and s != lifecycle.initial]


def compile_form(form_id: str, form: fmt.Form, definition: fmt.Definition) -> Form:
    shared = definition.choices
    sections = tuple(
        Section(s.title, s.help, tuple(resolve_choices(f, shared) for f in s.fields))
        for s in form.sections
    )
    apply_for = next(
        (r for r in ("mentee", "mentor") if getattr(definition.roles, r).apply_form == form_id),
        None,
    )
    return Form(
        id=form_id,
        title=form.title,
        intro=form.intro,
        filled_by=form.filled_by,
        owner=form_owner(form),
        open_in=frozenset(form.open_in),
        repeatable=form.repeatable,
        visible_to=frozenset(form.visible_to),
        signatures=tuple(form.signatures),
        alert=form.alert,
        sections=sections,
        fields=frozen_map({f.id: f for s in sections for f in s.fields}),
        apply_for=apply_for,
        scope=form.scope,
    )


def compile_lifecycle(lifecycle_id: str, lifecycle: fmt.Lifecycle) -> Lifecycle:
    transitions = {
        t.id: Transition(
            id=t.id,
            label=t.label,
            sources=transition_sources(t, lifecycle),
            dest=t.to,
            by=frozenset(t.by),
            requires=t.requires,
            ask=t.ask,
            notify=tuple(t.notify),
            confirm=t.confirm,
            auto=t.auto,
        )
        for t in lifecycle.transitions
    }
    return Lifecycle(
        id=lifecycle_id,
        initial=lifecycle.initial,
        states=frozen_map(lifecycle.states),
        transitions=frozen_map(transitions),
        finals=frozenset(s for s, state in lifecycle.states.items() if state.final),
        machine=build_machine(lifecycle.states, lifecycle.initial, transitions.values()),
    )


def compile_program(
    definition: fmt.Definition,
    source: str,
    id_position: tuple[int, int] = (1, 1),
    positions: Mapping[str, tuple[int, int]] | None = None,
) -> Program:
    """Build the frozen program from a definition that passed every check."""
    roles = {
        name: Role(
            id=name,
            label=role.label,
            apply_form=role.apply_form,
            lifecycle=role.lifecycle,
            eligibility=role.eligibility,
            capacity=role.capacity,
        )
        for name, role in (("mentee", definition.roles.mentee), ("mentor", definition.roles.mentor))
    }
    return Program(
        info=definition.program,
        source=source,
        choices=frozen_map({k: tuple(v) for k, v in definition.choices.items()}),
        roles=frozen_map(roles),
        forms=frozen_map(
            {fid: compile_form(fid, form, definition) for fid, form in definition.forms.items()}
        ),
        lifecycles=frozen_map(
            {lid: compile_lifecycle(lid, lc) for lid, lc in definition.lifecycles.items()}
        ),
        matching=definition.matching,
        reports=tuple(definition.reports),
        definition=definition,
        id_position=id_position,
        positions=frozen_map(positions or {}),
        retention=tuple(
            RetentionRule(r.role, r.form, r.keep_months, r.then) for r in definition.retention
        ),
    )
