"""The mail a program promises: every `notify` of its states and transitions, as the
program page tells applicants who is e-mailed when, and as the tests check is sent."""

from __future__ import annotations

from dataclasses import dataclass

from .program import Program


@dataclass(frozen=True)
class MailPromise:
    """Who is e-mailed when an enrollment in `role` enters `state`: whenever it does
    (`transition` None), or when it does by that step."""

    role: str
    state: str
    transition: str | None
    audience: tuple[str, ...]


def mail_promises(program: Program) -> tuple[MailPromise, ...]:
    found = []
    for role in program.roles:
        lifecycle = program.lifecycle_of(role)
        for state_id, state in lifecycle.states.items():
            if state.notify:
                found.append(MailPromise(role, state_id, None, tuple(state.notify)))
        for transition in lifecycle.transitions.values():
            if transition.notify:
                found.append(
                    MailPromise(role, transition.dest, transition.id, tuple(transition.notify))
                )
    return tuple(found)


def audience_words(program: Program, role: str, audience: tuple[str, ...]) -> str:
    """Who `audience` names, in words, for an enrollment in `role`: 'the mentee and
    their supervisor'."""
    named = {"pair": ["mentor", "mentee"]}
    roles: list[str] = []
    for who in audience:
        roles += named.get(who, [who])
    words = []
    for who in dict.fromkeys(roles):
        if who == "supervisor":
            owner = program.roles[role].label.lower() if role in program.roles else role
            words.append(f"the {owner}'s supervisor")
        elif who in program.roles:
            words.append(f"the {program.roles[who].label.lower()}")
        else:
            words.append(f"the {who}")
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
