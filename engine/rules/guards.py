"""Guards of transitions, built by the engine from `requires`, each failure in words.

The `transitions` library would stop at the first failing condition; a coordinator
needs every reason a transition is blocked ("“Learning contract” is not signed by
the mentor yet"), so every guard is evaluated here and each failure explained.
"""

from __future__ import annotations

from collections.abc import Callable
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
        reasons += _fresh_forms(record, transition)
        if requires.partner and enrollment.pairing_id is None:
            reasons.append("no mentor is assigned yet")
        if requires.when is not None and not evaluate(
            requires.when, _reader(record, transition), record.now.date()
        ):
            reasons.append(f"it requires that {describe(requires.when, program)}")
        days = requires.min_days_in_state
        if days is not None and record.days_in_state() < days:
            state = record.lifecycle.label(enrollment.state)
            reasons.append(
                f"it can be taken after {days} days in {state} ({record.days_in_state()} so far)"
            )
        reasons += _min_days_since(record, transition)
    if enrollment.role == "mentor" and transition.dest in record.lifecycle.finals:
        held = mentees_of(record.session, enrollment)
        if held:
            names = ", ".join(m.person.display_name for m in held)
            reasons.append(f"the mentor still holds mentees: {names}")
    return reasons


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _reader(record: EnrollmentRecord, transition: Transition) -> Callable[[str], Any]:
    """`form.field` for `requires.when`: a form under `fresh_forms` is read only from an
    entry made since the enrollment entered its state (blank otherwise), so a decision
    recorded in an earlier stay in the state is not taken for a new one."""
    fresh = set(transition.requires.fresh_forms) if transition.requires else set()
    if not fresh:
        return record.answer

    def read(name: str) -> Any:
        form_id, _, field_id = name.partition(".")
        if form_id not in fresh:
            return record.answer(name)
        found = record.fresh(form_id)
        return None if found is None else found.answers.get(field_id)

    return read


def _fresh_forms(record: EnrollmentRecord, transition: Transition) -> list[str]:
    """The reasons of `fresh_forms`: an entry made since the enrollment last entered its
    state, signed by all its `signatures`."""
    requires = transition.requires
    if requires is None:
        return []
    reasons: list[str] = []
    state = record.lifecycle.label(record.enrollment.state)
    for form_id in requires.fresh_forms:
        title = record.program.forms[form_id].title
        if record.fresh(form_id) is None:
            reasons.append(f"“{title}” has not been submitted since entering {state}")
            continue
        missing = record.missing_signatures(form_id)
        if missing:
            reasons.append(f"“{title}” is not signed by {_signers(missing)} yet")
    return reasons


def _min_days_since(record: EnrollmentRecord, transition: Transition) -> list[str]:
    """The reason of `min_days_since`: days counted from the enrollment's first entry
    into a state (its history's events), so a hold and its resumption restart nothing."""
    since = transition.requires.min_days_since if transition.requires else None
    if since is None:
        return []
    named = record.lifecycle.label(since.state)
    first = record.first_entered(since.state)
    wait = f"it can be taken {_days(since.days)} after first entering {named}"
    if first is None:
        return [f"{wait}, which has not happened yet"]
    so_far = (record.now - first).days
    return [f"{wait} ({so_far} so far)"] if so_far < since.days else []
