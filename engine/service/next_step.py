"""What a person should do next on an enrollment, in words, first on their pages.

The enrollment page and `/me` lead with one next step: a form that waits on this person
(to fill or sign), else a step forward they may take now, else what the enrollment is
waiting for and why. Steps that end an enrollment early or take it back ("set-backs":
withdraw, decline, end early, return to the pool) are never offered as the next step:
pages set them apart, so the way forward is never a destructive button.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from ..definition.program import Form, Lifecycle, Transition
from ..records.enrollment import EnrollmentRecord
from ..rules.access import acts_as_staff
from ..rules.guards import blocked_reasons

NextKind = Literal["fill", "sign", "take", "blocked", "wait", "ended", "nothing"]

# Who takes a transition, as a sentence names them ("Waiting for a coordinator to ...").
WHO = {
    "coordinator": "a coordinator",
    "admin": "an administrator",
    "mentor": "the mentor",
    "mentee": "the mentee",
    "pair": "the mentor or the mentee",
    "supervisor": "the supervisor",
}


def is_setback(lifecycle: Lifecycle, transition: Transition) -> bool:
    """Whether `transition` ends the enrollment other than by completing it, or takes
    it back to an earlier state: the steps pages set apart from the way forward."""
    dest = lifecycle.states[transition.dest]
    if dest.final:
        return dest.outcome != "completed"
    order = list(lifecycle.states)
    return all(order.index(transition.dest) < order.index(s) for s in transition.sources)


@dataclass(frozen=True)
class NextStep:
    """The one thing to do next, or what the enrollment waits for."""

    kind: NextKind
    text: str  # one sentence, shown as is
    form: Form | None = None
    transition: Transition | None = None
    reasons: tuple[str, ...] = ()


def _who(by: Iterable[str]) -> str:
    names = [WHO.get(role, role) for role in sorted(by)]
    return " or ".join(names)


def next_step(
    record: EnrollmentRecord,
    roles: frozenset[str],
    waiting_forms: Sequence[tuple[Form, tuple[str, ...]]],
    offered: Sequence[tuple[Transition, tuple[str, ...]]],
) -> NextStep:
    """The next step for a viewer playing `roles`: `waiting_forms` are the forms that
    wait on them (with the signatures they may give, empty to fill), `offered` the
    transitions they may take with the reasons each is blocked."""
    lifecycle, state = record.lifecycle, record.enrollment.state
    for form, signs in waiting_forms:
        if signs:
            return NextStep("sign", f"Sign the {form.title} as {' and '.join(signs)}.", form)
        return NextStep("fill", f"Fill in the {form.title}.", form)
    here = lifecycle.states.get(state)
    if record.enrollment.role == "mentor" and state in record.program.mentor_states():
        # A mentor who can take mentees has arrived: their steps from here (a pause, a
        # retirement) are choices, not the next step.
        about = here.description if here is not None and here.description else None
        return NextStep(
            "wait", about or "Nothing waits on you: you will hear when you are matched."
        )
    forward = [(t, r) for t, r in offered if not is_setback(lifecycle, t)]
    for transition, reasons in forward:
        if not reasons:
            return NextStep("take", f"{transition.label}.", transition=transition)
    if forward:
        transition, reasons = forward[0]
        return NextStep(
            "blocked",
            f"{transition.label}: not yet.",
            transition=transition,
            reasons=reasons,
        )
    if here is not None and here.final:
        return NextStep("ended", f"This enrollment has ended: {lifecycle.label(state)}.")
    mine = {t.id for t, _ in offered}
    for transition in lifecycle.leaving(state):
        if transition.id in mine or is_setback(lifecycle, transition):
            continue
        reasons = tuple(blocked_reasons(record, transition))
        if transition.auto or not transition.by:
            text = f"It moves on to {lifecycle.label(transition.dest)} by itself when it can."
            return NextStep("wait", text, transition=transition, reasons=reasons)
        text = f"Waiting for {_who(transition.by)} to {transition.label[0].lower()}"
        text += transition.label[1:] + "."
        # Why someone else's step is blocked may name forms this viewer may not read
        # (the partner's evaluation): only staff are told.
        shown = reasons if acts_as_staff(roles) else ()
        return NextStep("wait", text, transition=transition, reasons=shown)
    return NextStep("nothing", "Nothing waits on you here right now.")
