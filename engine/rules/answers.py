"""The one validator of form answers, shared by the web pages and the CSV importer.

`clean_answers` turns answers as they arrive (strings from a browser or a spreadsheet,
typed values from Python) into the answers to store, or raises `InvalidAnswers` with
every problem at once, each keyed the way the page names its input. Keeping a single
rule set here is what makes "the server applies the same rule" true for show_if,
required, patterns and limits, whichever door the answers came through.

Decisions where the format is silent:
- Blank answers are not stored: the result holds only what was answered. Booleans are
  never blank (False is stored), a shown consent is always True. Editing pages must
  therefore not re-apply `default` to a stored submission.
- A number is stored as int when `integer: true`, and otherwise as int when it is
  whole ("3", "3.0") and float when not: what people typed, stable through JSON.
- Text fields are one line (line breaks become spaces); textareas keep line breaks as
  "\\n", so limits count what people see. Invisible control characters are dropped
  (PostgreSQL cannot store NUL).
- A group without `repeat` is a fieldset filled at most once; `repeat.min` >= 1 makes a
  group required, as `min_selected` does a multichoice. Without `repeat.max`, at most
  MAX_ENTRIES entries are taken.
- An applicant's supervisor e-mail (`link: supervisor`) may not equal the form's own
  e-mail field (the first e-mail field without a link).
- show_if reads cleaned answers: an earlier answer with a problem reads as blank, so
  fields it controls are checked once it is fixed.

How each type's answer is cleaned lives with the type (`definition.fields`); this module
walks a form, applies show_if and collects the problems.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..definition import format as fmt
from ..definition.conditions import evaluate
from ..definition.fields import (
    AnyField,
    as_group,
    kind_of,
    own_email_field,
    supervisor_fields,
)
from ..definition.program import Form
from ..errors import InvalidAnswers

__all__ = ["InvalidAnswers", "clean_answers", "describe_value"]


def clean_answers(
    form: Form,
    raw: Mapping[str, Any],
    *,
    today: dt.date,
    eligibility: fmt.Eligibility | None = None,
    existing: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Validate and normalise; return the answers to store, or raise InvalidAnswers with every problem.

    `raw` maps field ids to values as they arrive; missing keys are blank and unknown
    keys (csrf_token...) are ignored. A group may come as a list of entry mappings or as
    flat `<group>-<n>-<field>` keys. `existing` is the stored submission being edited: a
    blank file input keeps its stored file. `eligibility` (the role's, on its apply
    form) is checked only once every answer is valid, so its text is the only message.
    """
    stored = existing or {}
    errors: dict[str, str] = {}
    answers: dict[str, Any] = {}
    for f in form.fields.values():
        if f.show_if is not None and not evaluate(f.show_if, _reader(form.id, answers), today):
            continue  # hidden: never stored, never an error
        value = kind_of(f).clean_in_form(f, raw, answers, today, stored, errors)
        if value is not None:
            answers[f.id] = value
    _check_own_email(form, answers, errors)
    if errors:
        raise InvalidAnswers(errors)
    if eligibility is not None and not evaluate(eligibility.when, _reader(form.id, answers), today):
        raise InvalidAnswers({}, form_error=eligibility.text)
    return answers


def _reader(form_id: str, answers: Mapping[str, Any]) -> Callable[[str], Any]:
    """Conditions name a field bare or as `form.field`; both read this form's answers."""
    return lambda name: answers.get(name.removeprefix(f"{form_id}."))


def _check_own_email(form: Form, answers: Mapping[str, Any], errors: dict[str, str]) -> None:
    """An applicant cannot name their own e-mail as their supervisor's."""
    own = own_email_field(form.fields.values())
    if own is None or own.id not in answers:
        return
    for f in supervisor_fields(form.fields.values()):
        if answers.get(f.id) == answers[own.id]:
            errors[f.id] = "Give your supervisor's e-mail address, not your own."


def describe_value(field: AnyField, value: Any) -> str:
    """A stored answer as people read it: choice labels, Yes/No, lists joined, a file's name."""
    return kind_of(field).describe(field, value)


# ---------------------------------------------------------------- for people
# Stored answers as pages, exports and recognition show them, under any revision.


@dataclass(frozen=True)
class ShownAnswer:
    label: str
    text: str
    current: bool  # False: the field is no longer asked in this revision
    file_id: str | None = None  # an attached file, for a download link
    # A group's entries, each as its answers shown one by one (a file with its id), so a
    # page can link the files inside a group as it links a top-level one; () otherwise.
    entries: tuple[tuple[ShownAnswer, ...], ...] = ()
    # The field's id (the key of the stored answer), for the API; not part of what is
    # shown, so two answers shown alike are equal whatever their keys.
    field: str = dataclasses.field(default="", compare=False)

    @property
    def files_inside(self) -> bool:
        """Whether a group entry holds a file (the page then lists the entries, linked)."""
        return any(part.file_id for entry in self.entries for part in entry)


def shown_answers(form: Form, answers: Mapping[str, Any]) -> list[ShownAnswer]:
    """Every stored answer in form order, then those whose field no longer exists."""
    shown = []
    for f in form.fields.values():
        if f.id in answers:
            shown.append(shown_answer(f, answers[f.id]))
    for key, value in answers.items():
        if key not in form.fields:
            text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            shown.append(ShownAnswer(f"{key} (no longer asked)", text, False, field=key))
    return shown


def shown_answer(f: AnyField, value: Any) -> ShownAnswer:
    """One stored answer as people read it, with the ids of its files for links."""
    file_id = value.get("id") if isinstance(value, dict) else None
    return ShownAnswer(
        f.label, describe_value(f, value), True, file_id, _group_entries(f, value), f.id
    )


def _group_entries(f: AnyField, value: Any) -> tuple[tuple[ShownAnswer, ...], ...]:
    group = as_group(f)
    if group is None or not isinstance(value, list | tuple):
        return ()
    return tuple(
        tuple(
            ShownAnswer(
                sub.label,
                describe_value(sub, entry[sub.id]),
                True,
                entry[sub.id].get("id") if isinstance(entry[sub.id], dict) else None,
                field=sub.id,
            )
            for sub in group.fields
            if sub.id in entry
        )
        for entry in value
        if isinstance(entry, Mapping)
    )
