"""Turning an apply form's answers into the records of a new application.

Shared by the workflow (one application at a time) and the CSV importer (thousands in
one bulk insert), so both make exactly the same records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..definition.program import Program
from ..errors import (
    AlreadyEnrolled,
)
from ..records.store import (
    new_id,
)
from ..rules.access import (
    Actor,
)


@dataclass(frozen=True)
class ApplicationRows:
    """The column values of a new application: its enrollment (in the lifecycle's initial
    state), the apply form's submission and the 'apply' event. Shared by `_enroll` and the
    CSV importer, which inserts thousands of them at once."""

    enrollment: dict[str, Any]
    submission: dict[str, Any]
    event: dict[str, Any]


def application_rows(
    program: Program,
    role: str,
    person_id: str,
    clean: dict[str, Any],
    actor: Actor,
    now: dt.datetime,
) -> ApplicationRows:
    initial = program.lifecycle_of(role).initial
    enrollment_id = new_id()
    return ApplicationRows(
        enrollment={
            "id": enrollment_id,
            "program_id": program.id,
            "role": role,
            "person_id": person_id,
            "state": initial,
            "state_since": now,
            "revision": program.revision,
            "supervisor_email": supervisor_email(program, role, clean),
            "capacity": mentor_capacity(program, role, clean),
            "created_at": now,
            "updated_at": now,
        },
        submission={
            "id": new_id(),
            "enrollment_id": enrollment_id,
            "form_id": program.roles[role].apply_form,
            "author_id": person_id,
            "revision": program.revision,
            "answers": clean,
            "created_at": now,
            "updated_at": now,
        },
        event={
            "enrollment_id": enrollment_id,
            "program_id": program.id,
            "at": now,
            "actor_id": actor.person_id,
            "actor_role": role if actor.person_id == person_id else "coordinator",
            "kind": "apply",
            "to_state": initial,
            "revision": program.revision,
        },
    )


def already_enrolled(
    program: Program, role: str, email: str, enrollment_id: str
) -> AlreadyEnrolled:
    label = program.roles[role].label.lower()
    return AlreadyEnrolled(
        enrollment_id, f"{email} already has an open {label} enrollment in {program.title}."
    )


def state_notice(
    program: Program, role: str, state_id: str, who: str
) -> tuple[tuple[str, ...], str, str, str] | None:
    """What `notify` of a state sends when an enrollment enters it: (roles, subject, body,
    reason) for `engine.notify.queue`, or None when the state notifies nobody."""
    state = program.lifecycle_of(role).states[state_id]
    if not state.notify:
        return None
    return (
        tuple(state.notify),
        f"{who} is now {state.label}",
        f"{who} ({program.roles[role].label}) is now {state.label}.",
        f"state:{state_id}",
    )


def supervisor_field(program: Program, role: str) -> str | None:
    for f in program.apply_form(role).fields.values():
        if f.type == "email" and getattr(f, "link", None) == "supervisor":
            return f.id
    return None


def supervisor_email(program: Program, role: str, answers: Mapping[str, Any]) -> str | None:
    field = supervisor_field(program, role)
    value = answers.get(field) if field else None
    return str(value).strip().lower() if value else None


def mentor_capacity(program: Program, role: str, answers: Mapping[str, Any]) -> int | None:
    capacity = program.roles[role].capacity
    if role != "mentor":
        return None
    if capacity is None:
        return 1
    value = answers.get(capacity.field) if capacity.field else None
    places = int(value) if isinstance(value, int | float) and value >= 1 else capacity.default
    return min(places, capacity.max) if capacity.max else places
