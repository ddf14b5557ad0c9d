"""Drafts kept on the server: a form saved unfinished, to come back to from any browser.

One draft per person, form and enrollment (an application's, before any enrollment
exists, per program and role: its apply form). Saving one checks who may fill the form
now, as sending it does, and the limits every answer has (lengths, how many entries and
choices), but not whether required answers are there: a draft is unfinished by nature.
Files are never kept in a draft (they are stored only with answers that are sent), so a
draft drops them and says so. Sending the form deletes the sender's draft of it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..definition.fields import (
    FieldBase,
    as_group,
    choice_items,
    kind_of,
    parse_entry_input_name,
    sub_field,
)
from ..definition.fields.group import MAX_ENTRIES
from ..definition.program import Form
from ..errors import Forbidden, FormNotOpen, InvalidAnswers, NotFound, Unverified
from ..records.drafts import find_draft, keep_draft
from ..records.store import Draft
from ..rules.access import Actor
from .applications import already_enrolled, open_enrollments
from .forms import FormFilling, fillable_form, signed_by_all

MAX_VALUE = 5000  # characters of one answer whose field sets no limit of its own
MAX_DRAFT = 200_000  # characters of a whole draft, as JSON


@dataclass(frozen=True)
class DraftSnapshot:
    """A kept draft: the answers as they were posted (strings, lists of strings, a
    group's entries as `<group>-<n>-<field>` keys), and when it was saved."""

    form_id: str
    enrollment_id: str | None  # None: an application's
    answers: dict[str, Any]
    saved_at: dt.datetime
    files_left_out: bool = False  # the save had files, which a draft does not keep

    @classmethod
    def of(cls, draft: Draft, files_left_out: bool = False) -> DraftSnapshot:
        return cls(
            draft.form_id,
            draft.enrollment_id or None,
            dict(draft.answers),
            draft.saved_at,
            files_left_out,
        )


def _limit(f: FieldBase) -> int:
    limit = getattr(f, "max_length", None)
    return limit if isinstance(limit, int) else MAX_VALUE


def _checked(f: FieldBase, key: str, value: Any, errors: dict[str, str]) -> Any:
    """One posted value within its field's limits, or None (and the problem) when not."""
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        return None  # a file descriptor or anything else no browser posts as text
    most = (len(choice_items(f)) or 1) if isinstance(value, list) else 1
    if len(values) > most:
        errors[key] = f"Choose at most {most}."
        return None
    limit = _limit(f)
    for v in values:
        if len(v) > limit:
            errors[key] = f"Use at most {limit} characters (this answer has {len(v)})."
            return None
    return value


def draft_answers(form: Form, raw: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The answers a draft keeps, and whether files were left out; InvalidAnswers for an
    answer over its field's limits. Unknown keys are dropped, as sending drops them."""
    errors: dict[str, str] = {}
    kept: dict[str, Any] = {}
    files = False
    for key, value in raw.items():
        parsed = parse_entry_input_name(key)
        group = as_group(form.fields.get(parsed[0])) if parsed else None
        if parsed is not None and group is not None:
            f = sub_field(group, parsed[2])
            most = (group.repeat.max or MAX_ENTRIES) if group.repeat else 1
            if parsed[1] >= most:
                errors[group.id] = "Too many entries."
                continue
        else:
            f = form.fields.get(key)
        if f is None:
            continue
        if kind_of(f).widget_kind(f) == "file":
            files = files or bool(value)
            continue
        checked = _checked(f, key, value, errors)
        if checked is not None:
            kept[key] = checked
    if not errors and len(json.dumps(kept)) > MAX_DRAFT:
        errors[next(iter(form.fields))] = "This draft is too long to keep."
    if errors:
        raise InvalidAnswers(errors)
    return kept, files


class Drafts(FormFilling):
    def save_draft(
        self,
        program_id: str,
        form_id: str,
        actor: Actor,
        raw: Mapping[str, Any],
        enrollment_id: str | None = None,
    ) -> DraftSnapshot:
        """Keep the person's unfinished answers to a form: one of an enrollment's forms
        they may fill now (the same refusals as `submit`), or with no `enrollment_id` the
        apply form of a role they may apply to now (the same refusals as `apply`)."""
        if actor.person_id is None:
            raise Forbidden("Sign in to save a draft.")
        with self.transaction() as session:
            if enrollment_id is None:
                form = self._apply_form(program_id, form_id, actor)
                program = self.programs[program_id]
                held = open_enrollments(session, program, form.apply_for or "", [actor.email])
                if actor.email in held:
                    raise already_enrolled(
                        program, form.apply_for or "", actor.email, held[actor.email]
                    )
                now = self.clock()
            else:
                record = self.record(session, enrollment_id, program_id)
                form = fillable_form(record, self.roles(record, actor), form_id)
                if not form.repeatable and signed_by_all(record, form):
                    raise FormNotOpen(
                        f"The {form.title} is signed by everyone and can no longer be changed."
                    )
                now = record.now
            answers, files = draft_answers(form, raw)
            draft = keep_draft(
                session, actor.person_id, program_id, form.id, enrollment_id or "", answers, now
            )
            return DraftSnapshot.of(draft, files)

    def draft(
        self, program_id: str, form_id: str, actor: Actor, enrollment_id: str | None = None
    ) -> DraftSnapshot | None:
        """The person's kept draft of the form, or None. Only ever their own: nobody
        else's draft is read, so no other check is needed to hand it back."""
        with self.reading() as session:
            found = find_draft(session, actor.person_id, program_id, form_id, enrollment_id or "")
            return DraftSnapshot.of(found) if found is not None else None

    def _apply_form(self, program_id: str, form_id: str, actor: Actor) -> Form:
        program = self.programs.get(program_id)
        form = program.forms.get(form_id) if program else None
        if form is None or form.apply_for is None:
            raise NotFound(f"There is no application form '{form_id}'.")
        self.open_for_applications(program_id, form.apply_for)
        if not actor.verified:
            raise Unverified()
        return form
