"""Guards of transitions, built by the engine from `requires`, each failure in words.

The `transitions` library would stop at the first failing condition; a coordinator
needs every reason a transition is blocked ("“Learning contract” is not signed by
the mentor yet"), so every guard is evaluated here and each failure explained.
"""

from __future__ import annotations

from typing import Any

from ..definition.conditions import Condition, evaluate
from ..definition.fields import AnyField, choice_items, choice_label, choice_value, kind_of
from ..definition.program import Program, Transition
from ..records.enrollment import EnrollmentRecord
from .access import mentees_of

_OPERATOR_WORDS = {
    "equals": "is",
    "not_equals": "is not",
    "in": "is one of",
    "not_in": "is none of",
    "lt": "is less than",
    "lte": "is at most",
    "gt": "is more than",
    "gte": "is at least",
    "contains": "includes",
}


def _field(program: Program, name: str, default_form: str | None) -> AnyField | None:
    form_id, dot, field_id = name.partition(".")
    if not dot:
        form_id, field_id = default_form or "", name
    form = program.forms.get(form_id)
    return form.fields.get(field_id) if form else None


def _shown(f: AnyField | None, value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(f, v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    for item in choice_items(f):
        if choice_value(item) == str(value):
            return f"'{choice_label(item)}'"
    return f"'{value}'" if isinstance(value, str) else str(value)


def describe(condition: Condition, program: Program, default_form: str | None = None) -> str:
    """A condition in words: 'Years of service is less than 2 and Division is not 'Roads''."""
    if condition.all is not None:
        return " and ".join(describe(c, program, default_form) for c in condition.all)
    if condition.any is not None:
        return "either " + " or ".join(describe(c, program, default_form) for c in condition.any)
    if condition.not_ is not None:
        return f"not ({describe(condition.not_, program, default_form)})"
    assert condition.field is not None
    f = _field(program, condition.field, default_form)
    label = f"'{f.label.rstrip('.:?! ')}'" if f else condition.field
    if (
        f is not None
        and kind_of(f).tickbox
        and condition.operator
        in (
            "equals",
            "not_equals",
        )
    ):
        ticked = bool(condition.operand) == (condition.operator == "equals")
        return f"{label} is {'ticked' if ticked else 'not ticked'}"
    if condition.operator == "is_set":
        return f"{label} is answered" if condition.operand else f"{label} is left blank"
    return f"{label} {_OPERATOR_WORDS[condition.operator]} {_shown(f, condition.operand)}"


def _signers(roles: list[str]) -> str:
    names = [f"the {role}" for role in roles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def blocked_reasons(record: EnrollmentRecord, transition: Transition) -> list[str]:
    """Every reason `transition` cannot be taken now; empty when it can."""
    program, enrollment = record.program, record.enrollment
    reasons: list[str] = []
    requires = transition.requires
    if requires is not None:
        for form_id in requires.forms:
            title = program.forms[form_id].title
            if record.current(form_id) is None:
                # The title quoted, not after "the": it reads as English whatever it is
                # ("the Safety certification on file has not been submitted yet" did not).
                reasons.append(f"“{title}” has not been submitted yet")
                continue
            missing = record.missing_signatures(form_id)
            if missing:
                reasons.append(f"“{title}” is not signed by {_signers(missing)} yet")
        if requires.partner and enrollment.pairing_id is None:
            reasons.append("no mentor is assigned yet")
        if requires.when is not None and not evaluate(
            requires.when, record.answer, record.now.date()
        ):
            reasons.append(f"it requires that {describe(requires.when, program)}")
        days = requires.min_days_in_state
        if days is not None and record.days_in_state() < days:
            state = record.lifecycle.label(enrollment.state)
            reasons.append(
                f"it can be taken after {days} days in {state} ({record.days_in_state()} so far)"
            )
    if enrollment.role == "mentor" and transition.dest in record.lifecycle.finals:
        held = mentees_of(record.session, enrollment)
        if held:
            names = ", ".join(m.person.display_name for m in held)
            reasons.append(f"the mentor still holds mentees: {names}")
    return reasons
