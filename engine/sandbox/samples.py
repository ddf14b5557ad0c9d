"""Sample answers for any compiled form: what the sandbox fills a form with when an
author asks for "sample answers", and what the tests fill forms with.

Answers are made from the field definitions (their types, choices, bounds and defaults),
then adjusted until the conditions they must meet hold (a transition's `requires.when`, a
`show_if`). Nothing here judges whether answers are valid (no copy of the engine's rules):
the service still checks them when they are submitted, so a sample the engine refuses is
seen as a refusal, not hidden.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import ChainMap
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..definition.conditions import Condition, evaluate
from ..definition.dates import parse_date_literal
from ..definition.fields import (
    AnyField,
    DateField,
    FileField,
    GroupField,
    MultichoiceField,
    NumberField,
    TextareaField,
    TextField,
    as_group,
    choice_values,
    own_email_field,
    supervisor_fields,
)
from ..definition.fields.date import date_bounds
from ..definition.program import Form, Program
from ..errors import MentorflowError

# Strings tried, in order, against a text field's `pattern` (extend as definitions need).
PATTERN_CANDIDATES = (
    "123456",
    "A1234",
    "ABC-123",
    "1234",
    "12345",
    "1234567",
    "12345678",
    "AB123456",
    "12-3456",
    "ABC",
    "abc",
)
PHONE = "603-555-0100"
MAX_CHOICES = 256  # combinations of `any` alternatives tried

_UNSET = object()  # a field left unanswered


class NoSample(MentorflowError):
    """No sample answer fits a field or meets the conditions asked for."""


# ---------------------------------------------------------------- sample answers


@dataclass(frozen=True)
class _Leaf:
    """One comparison a field's answer must meet (or, when `negated`, must not)."""

    field: str
    condition: Condition
    negated: bool

    def holds(self, value: Any, today: dt.date) -> bool:
        found = None if value is _UNSET else value
        return evaluate(self.condition, lambda _name: found, today) != self.negated


def _field_id(form: Form, name: str) -> str | None:
    """The field of `form` that a condition's `field` names (bare, or `form.field`)."""
    form_id, dot, field_id = name.partition(".")
    if not dot:
        form_id, field_id = form.id, name
    return field_id if form_id == form.id and field_id in form.fields else None


def _reads_only(condition: Condition, form: Form) -> bool:
    return all(_field_id(form, name) is not None for name in condition.fields())


def _reader(form: Form, answers: Mapping[str, Any]) -> Callable[[str], Any]:
    return lambda name: answers.get(_field_id(form, name) or "\0")


def _leaves(
    condition: Condition,
    form: Form,
    answers: Mapping[str, Any],
    today: dt.date,
    negated: bool,
    pick: Mapping[int, int],
) -> list[_Leaf]:
    """The comparisons that make `condition` hold (or fail, when `negated`), over the fields
    of `form` only. Where one of several alternatives will do (`any`, or a negated `all`),
    `pick` says which (by position among `_options`); the default is the first option."""
    if condition.not_ is not None:
        return _leaves(condition.not_, form, answers, today, not negated, pick)
    parts = condition.all if condition.all is not None else condition.any
    if parts is not None:
        if (condition.all is not None) != negated:  # every part must hold (De Morgan)
            return [leaf for p in parts for leaf in _leaves(p, form, answers, today, negated, pick)]
        options = _options(condition, form, answers, today, negated)
        if not options:
            return []
        chosen = options[pick.get(id(condition), 0) % len(options)]
        return _leaves(chosen, form, answers, today, negated, pick)
    assert condition.field is not None
    field_id = _field_id(form, condition.field)
    return [] if field_id is None else [_Leaf(field_id, condition, negated)]


def _options(
    condition: Condition, form: Form, answers: Mapping[str, Any], today: dt.date, negated: bool
) -> list[Condition]:
    """The alternatives of an `any` (or negated `all`) that read only this form, those that
    already hold first."""
    parts = condition.any if condition.any is not None else condition.all or []
    mine = [p for p in parts if _reads_only(p, form)]
    held = [p for p in mine if evaluate(p, _reader(form, answers), today) != negated]
    return held + [p for p in mine if p not in held]


def _choice_points(
    condition: Condition, form: Form, answers: Mapping[str, Any], today: dt.date, negated: bool
) -> list[tuple[int, int]]:
    """Every place where `_leaves` picks among alternatives: (node id, how many)."""
    if condition.not_ is not None:
        return _choice_points(condition.not_, form, answers, today, not negated)
    parts = condition.all if condition.all is not None else condition.any
    if parts is None:
        return []
    found = [p for part in parts for p in _choice_points(part, form, answers, today, negated)]
    if (condition.all is not None) == negated:
        found.append((id(condition), len(_options(condition, form, answers, today, negated))))
    return found


def sample_answers(
    program: Program,
    form: Form | str,
    satisfy: Iterable[Condition | None],
    today: dt.date,
    *,
    email: str | None = None,
    supervisor: str | None = None,
    given: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Answers for `form` made from its fields, as the engine stores them (the engine is
    not asked), meeting every condition in `satisfy` as far as it reads this form
    (`field` or `form.field`).

    `email` is the applicant's own address (the form's first e-mail field without a link);
    `supervisor` the address for a `link: supervisor` field (it must differ from `email`);
    `given` answers of the author's own, kept as they are (later fields follow them).
    """
    form = program.forms[form] if isinstance(form, str) else form
    conditions = [c for c in satisfy if c is not None]
    if email and supervisor and email.lower() == supervisor.lower():
        raise ValueError("an applicant cannot name their own e-mail as their supervisor's")
    plain = _fill(form, {}, today, email, supervisor, given or {})
    points = [p for c in conditions for p in _choice_points(c, form, plain, today, False)]
    ids, counts = [node for node, _ in points], [max(n, 1) for _, n in points]
    tries = itertools.islice(itertools.product(*(range(n) for n in counts)), MAX_CHOICES)
    unmet: list[dict[str, Any]] = []
    for picks in tries:  # alternatives of `any` that hold already first, then the others
        pick = dict(zip(ids, picks, strict=True))
        wanted: dict[str, list[_Leaf]] = {}
        for condition in conditions:
            for leaf in _leaves(condition, form, plain, today, False, pick):
                wanted.setdefault(leaf.field, []).append(leaf)
        answers = _fill(form, wanted, today, email, supervisor, given or {})
        unmet = [
            c.model_dump(by_alias=True, exclude_none=True)
            for c in conditions
            if _reads_only(c, form) and not evaluate(c, _reader(form, answers), today)
        ]
        if not unmet:
            return answers
    raise NoSample(f"sample answers for {form.id} cannot satisfy {unmet}")


def _fill(
    form: Form,
    wanted: Mapping[str, list[_Leaf]],
    today: dt.date,
    email: str | None,
    supervisor: str | None,
    given: Mapping[str, Any],
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    own_email = own_email_field(form.fields.values())
    supervisors = {f.id for f in supervisor_fields(form.fields.values())}
    for f in form.fields.values():
        if f.id in given:  # the author's own answer, which later fields' show_if read
            answers[f.id] = given[f.id]
            continue
        if f.show_if is not None and not evaluate(f.show_if, _reader(form, answers), today):
            continue
        group = as_group(f)
        if f.id in supervisors:
            value: Any = supervisor or f"supervisor.{form.id}@example.gov"
        elif own_email is not None and f.id == own_email.id and email:
            value = email
        elif group is not None:
            value = _group(group, answers, today)
        else:
            value = _value(f, today, form.id)
        leaves = wanted.get(f.id, [])
        if leaves and not all(leaf.holds(value, today) for leaf in leaves):
            value = next(
                (
                    c
                    for c in _candidates(f, value, leaves, today, form.id)
                    if all(leaf.holds(c, today) for leaf in leaves)
                ),
                value,  # nothing fits: sample_answers reports the condition it cannot meet
            )
        if value is not _UNSET:
            answers[f.id] = value
    return answers


def _group(g: GroupField, outer: Mapping[str, Any], today: dt.date) -> list[dict[str, Any]]:
    count = (g.repeat.min if g.repeat else 0) or 1
    entries = []
    for _ in range(count):
        entry: dict[str, Any] = {}
        read = ChainMap(entry, dict(outer)).get
        for sub in g.fields:
            if sub.show_if is not None and not evaluate(sub.show_if, read, today):
                continue
            value = _value(sub, today, g.id)
            if value is not _UNSET:
                entry[sub.id] = value
        entries.append(entry)
    return entries


def _choices(f: Any) -> list[str]:
    return list(choice_values(f))


def _bounds(f: DateField, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    return date_bounds(f, today)


def _whole(number: float) -> int | float:
    return int(number) if float(number).is_integer() else number


def _text(f: TextField | TextareaField, form_id: str) -> str:
    pattern = f.pattern if f.type == "text" else None
    if pattern:
        found = next(
            (c for c in PATTERN_CANDIDATES if re.fullmatch(pattern, c)),
            f.default if isinstance(f.default, str) and re.fullmatch(pattern, f.default) else None,
        )
        if found is None:
            raise NoSample(
                f"{form_id}.{f.id}: no candidate matches {pattern!r}; extend PATTERN_CANDIDATES"
            )
        return found
    text = f"Sample {f.id.replace('_', ' ')}."
    while f.min_length and len(text) < f.min_length:
        text += " More detail for the coordinator."
    return text[: f.max_length].strip()


# ---------------------------------------------------------------- per field type
# A sample answer, whether a candidate fits, and candidates to meet conditions, by the
# format's `type` (groups are filled entry by entry, in _group).


def _file_sample(f: FileField, today: dt.date, form_id: str) -> Any:
    if not f.required:
        return _UNSET
    extension = f.accept[0] if f.accept else "pdf"
    return {"name": f"sample.{extension}", "size": 1024, "type": "application/octet-stream"}


def _number_sample(f: NumberField, today: dt.date, form_id: str) -> Any:
    if isinstance(f.default, int | float) and not isinstance(f.default, bool):
        return _whole(f.default)  # the definition's own suggestion
    low = f.min if f.min is not None else (0 if f.max is None or f.max >= 0 else f.max)
    return math.ceil(low) if f.integer else _whole(low)


def _date_sample(f: DateField, today: dt.date, form_id: str) -> Any:
    low, high = _bounds(f, today)
    day = today
    if low is not None and day < low:
        day = low
    if high is not None and day > high:
        day = high
    return day.isoformat()


def _multichoice_sample(f: MultichoiceField, today: dt.date, form_id: str) -> Any:
    count = max(f.min_selected or 0, 1)
    if f.max_selected is not None:
        count = min(count, f.max_selected)
    return _choices(f)[:count]


SAMPLE: dict[str, Callable[[Any, dt.date, str], Any]] = {
    "boolean": lambda f, today, form_id: False,
    "consent": lambda f, today, form_id: True,
    "file": _file_sample,
    "text": lambda f, today, form_id: _text(f, form_id),
    "textarea": lambda f, today, form_id: _text(f, form_id),
    "email": lambda f, today, form_id: f"{form_id}.{f.id}@example.gov".replace("_", "-"),
    "phone": lambda f, today, form_id: PHONE,
    "number": _number_sample,
    "date": _date_sample,
    "choice": lambda f, today, form_id: _choices(f)[0],
    "multichoice": _multichoice_sample,
}


def _value(f: AnyField, today: dt.date, form_id: str) -> Any:
    """A valid answer to one field before any condition is applied."""
    if f.type not in SAMPLE:
        raise NoSample(f"{form_id}.{f.id}: no sample for a {f.type} field")
    return SAMPLE[f.type](f, today, form_id)


def _multichoice_candidates(f: Any, value: Any, operands: list[Any], today: dt.date) -> list[Any]:
    found: list[Any] = []
    values, current = _choices(f), list(value) if isinstance(value, list) else []
    for o in map(str, operands):
        with_it = [v for v in values if v in current or v == o]
        without = [v for v in current if v != o]
        spare = [v for v in values if v not in without and v != o]
        found += [with_it, [o, *current][: len(current) or 1], without, without + spare[:1]]
    found += [[v] for v in values]
    return [[v for v in values if v in c] if isinstance(c, list) else c for c in found]


def _number_candidates(f: Any, value: Any, operands: list[Any], today: dt.date) -> list[Any]:
    found: list[Any] = []
    for o in operands:
        if isinstance(o, int | float) and not isinstance(o, bool):
            found += [_whole(o + d) for d in (0, -1, 1, -0.5, 0.5)]
    return found + [x for x in (f.min, f.max) if x is not None]


def _date_candidates(f: Any, value: Any, operands: list[Any], today: dt.date) -> list[Any]:
    found: list[Any] = []
    for o in operands:
        if isinstance(o, str):
            day = parse_date_literal(o).resolve(today)
            found += [(day + dt.timedelta(days=d)).isoformat() for d in (0, -1, 1)]
    return found + [d.isoformat() for d in _bounds(f, today) if d is not None]


CANDIDATES: dict[str, Callable[[Any, Any, list[Any], dt.date], list[Any]]] = {
    "boolean": lambda f, value, operands, today: [True, False],
    "choice": lambda f, value, operands, today: [str(o) for o in operands] + _choices(f),
    "multichoice": _multichoice_candidates,
    "number": _number_candidates,
    "date": _date_candidates,
}


def _candidates(
    f: AnyField, value: Any, leaves: list[_Leaf], today: dt.date, form_id: str
) -> list[Any]:
    """Answers to try, in order, until one meets every leaf on the field and fits it."""
    operands: list[Any] = []
    for leaf in leaves:
        operand = leaf.condition.operand
        operands.extend(operand if isinstance(operand, list) else [operand])
    found: list[Any] = [_UNSET]
    if f.type in CANDIDATES:
        found += CANDIDATES[f.type](f, value, operands, today)
    elif f.type in ("text", "textarea"):
        base = value if isinstance(value, str) else _text(f, form_id)
        found += [str(o) for o in operands] + [f"{o} {base}" for o in operands]
        found += [f"{base} (other)", base]
    elif value is _UNSET:
        found.append(_value(f, today, form_id))
    # Keep the answer as it is when it already holds; try leaving it blank only last.
    return [value, *found[1:], _UNSET]
