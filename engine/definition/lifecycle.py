"""Lifecycles as `transitions` state machines: one machine per lifecycle, built once.

The machine is the table of allowed moves: which transitions leave a state and where
they go. It holds no records (adding a model per enrollment would cost tens of
kilobytes and milliseconds each, and `machine.models` is not thread-safe), so one
machine serves every enrollment of every request. Guards are not machine conditions:
the library stops at the first failing condition, while a refusal must give every
reason, so the engine evaluates them itself (`rules.guards`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from transitions import Machine


class Move(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def sources(self) -> tuple[str, ...]: ...
    @property
    def dest(self) -> str: ...


def build_machine(states: Iterable[str], initial: str, moves: Iterable[Move]) -> Machine:
    """The machine of one lifecycle. No definition text ever names a callable here:
    triggers are transition ids, and the machine gets no callbacks at all."""
    return Machine(
        model=None,
        states=list(states),
        initial=initial,
        transitions=[
            {"trigger": move.id, "source": list(move.sources), "dest": move.dest} for move in moves
        ],
        auto_transitions=False,  # no to_<state>() shortcuts around the guards
        ignore_invalid_triggers=False,
    )


def allowed_from(machine: Machine, state: str) -> list[str]:
    """Ids of the transitions that may leave `state`, in definition order."""
    return [trigger for trigger, event in machine.events.items() if state in event.transitions]


def destination(machine: Machine, transition_id: str, state: str) -> str | None:
    """Where `transition_id` leads from `state`, or None when it does not leave it."""
    event = machine.events.get(transition_id)
    if event is None or state not in event.transitions:
        return None
    dest = event.transitions[state][0].dest
    return str(dest)
