"""The words of program mail: what one person reads about one event, written for people.

Every message greets its reader by name, says what happened in the definition's own words
(the program's title, the step's and the states' labels, the person's name, never an
internal id), and ends with the absolute link to the page where the reader acts on it.
A reader with no account yet (a supervisor named on a form, usually) is told how to get
one with the address the mail came to. Nothing here touches the database: `notify`
works out who reads what and writes the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..definition.program import Form, Program, Transition
from ..settings import Identity

# How a reader stands to the enrollment a message is about: it changes the words.
SELF, PARTNER, SUPERVISOR, STAFF = "self", "partner", "supervisor", "staff"


@dataclass(frozen=True)
class Reader:
    """Someone a message goes to: their address, their name (None while unknown), whether
    they can sign in yet, and how they stand to the enrollment."""

    email: str
    name: str | None
    has_account: bool
    relation: str


@dataclass(frozen=True)
class Letter:
    """One message to one reader; `subject` without the program's mark (`notify` adds it)."""

    to: str
    subject: str
    body: str


def enrollment_path(program_id: str, enrollment_id: str) -> str:
    return f"/p/{program_id}/enrollments/{enrollment_id}"


def form_path(program_id: str, enrollment_id: str, form_id: str) -> str:
    return f"{enrollment_path(program_id, enrollment_id)}/forms/{form_id}"


def compose(
    identity: Identity,
    program: Program,
    reader: Reader,
    subject: str,
    paragraphs: Sequence[str],
    action: str,
    path: str,
) -> Letter:
    """A message: greeting, paragraphs, the link to act on, how to get an account when
    the reader has none, and the program's name and contact to close."""
    greeting = f"Hello {reader.name}," if reader.name else "Hello,"
    parts = [greeting, *[p for p in paragraphs if p], f"{action}:\n{identity.link(path)}"]
    if not reader.has_account:
        if identity.password_login:
            parts.append(
                "You do not have an account yet. Register with this address "
                f"({reader.email}) at {identity.link('/register')}, then open the link above."
            )
        else:
            parts.append(
                "Sign in with your agency account, using this address "
                f"({reader.email}), at {identity.link('/login')}, then open the link above."
            )
    contact = program.info.contact
    parts.append(f"{program.title}\nQuestions: {contact.name} <{contact.email}>")
    return Letter(reader.email, subject, "\n\n".join(parts) + "\n")


def step_letter(
    identity: Identity,
    program: Program,
    reader: Reader,
    *,
    enrollment_id: str,
    role: str,
    who: str,
    state: str,
    transition: Transition | None,
) -> Letter:
    """What a reader is told when an enrollment enters `state` (by `transition`, or by
    applying when None): one message, whatever both the step and the state ask to tell."""
    lifecycle = program.lifecycle_of(role)
    label = lifecycle.label(state)
    description = lifecycle.states[state].description
    role_label = program.roles[role].label.lower()
    step = f", after the step “{transition.label}”" if transition is not None else ""
    if reader.relation == SELF:
        subject = f"Your {role_label} enrollment is now {label}"
        opening = f"Your {role_label} enrollment in {program.title} is now “{label}”{step}."
    else:
        subject = f"{who} is now {label}"
        opening = f"{who} ({role_label}) is now “{label}” in {program.title}{step}."
    paragraphs = [opening, description or ""]
    steps = next_steps(program, role, state, reader.relation)
    if steps:
        paragraphs.append("Next for you there:\n" + "\n".join(f"- {s}" for s in steps))
    if reader.relation == SUPERVISOR:
        paragraphs.append(
            f"{who} named you as their supervisor. You are asked to support the time they "
            "give to the program, and to sign the forms that ask for a supervisor's signature."
        )
    return compose(
        identity,
        program,
        reader,
        subject,
        paragraphs,
        "See where things stand, and what to do next",
        enrollment_path(program.id, enrollment_id),
    )


def next_steps(program: Program, role: str, state: str, relation: str) -> list[str]:
    """What a reader standing so to an enrollment in `state` may do there: the forms
    they fill that open in it, and the steps they may take that ask for no confirmation
    (ending, withdrawing and declining do: they are never anyone's next step)."""
    partner = "mentor" if role == "mentee" else "mentee"
    acting = {SELF: role, PARTNER: partner, SUPERVISOR: "supervisor", STAFF: "coordinator"}
    roles = {acting[relation]}
    if roles & {"mentor", "mentee"}:
        roles.add("pair")
    found = [
        f"Fill in the {form.title}"
        for form in program.forms.values()
        if form.owner == role
        and state in form.open_in
        and form.apply_for is None
        and form.filled_by in roles
    ]
    found += [
        t.label
        for t in program.lifecycle_of(role).leaving(state)
        if not t.auto and not t.confirm and t.by & roles
    ]
    return found


def sign_letter(
    identity: Identity,
    program: Program,
    reader: Reader,
    *,
    enrollment_id: str,
    who: str,
    form: Form,
    signing_as: str,
    reopened_by: str | None = None,
) -> Letter:
    """A request to read and sign a form (`reopened_by`: it was reopened as an amendment
    by that person, and the earlier signatures cleared)."""
    whose = "your" if reader.relation == SELF else f"{who}'s"
    paragraphs = []
    if reopened_by:
        paragraphs.append(
            f"{reopened_by} reopened {whose} {form.title} as an amendment; the earlier "
            "signatures were cleared."
        )
    paragraphs.append(
        f"{whose[0].upper()}{whose[1:]} {form.title} in {program.title} is ready for your "
        f"signature as {_as_role(program, signing_as)}. Please read it and sign it on its page."
    )
    subject = (
        f"Please sign your {form.title}"
        if reader.relation == SELF
        else f"Please sign {who}'s {form.title}"
    )
    return compose(
        identity,
        program,
        reader,
        subject,
        paragraphs,
        "Read and sign it here",
        form_path(program.id, enrollment_id, form.id),
    )


def alert_letter(
    identity: Identity,
    program: Program,
    reader: Reader,
    *,
    enrollment_id: str,
    who: str,
    form: Form,
    text: str,
) -> Letter:
    """An alert a form's answers raised, for the staff it names."""
    return compose(
        identity,
        program,
        reader,
        f"{who}: {text}",
        [f"{text}", f"Raised by the {form.title} of {who}."],
        "Open the enrollment",
        enrollment_path(program.id, enrollment_id),
    )


def reminder_letter(
    identity: Identity,
    program: Program,
    reader: Reader,
    *,
    enrollment_id: str,
    role: str,
    who: str,
    state: str,
    text: str,
    days: int,
) -> Letter:
    label = program.lifecycle_of(role).label(state)
    role_label = program.roles[role].label
    return compose(
        identity,
        program,
        reader,
        f"Reminder: {who}",
        [text, f"{who} ({role_label}) has been {label} for {days} days."],
        "Open the enrollment",
        enrollment_path(program.id, enrollment_id),
    )


def _as_role(program: Program, role: str) -> str:
    if role in program.roles:
        return program.roles[role].label.lower()
    return role
