"""Showing a generated form and reading it back: answers kept, files kept, errors placed.

A form comes back after bad input with every answer as typed, each problem next to
its field and all of them in a summary at the top. A file already uploaded is kept
across a failed POST (kept in the engine's temporary area for its owner, shown by name,
and referred to by a hidden input), so nobody has to attach it again; the engine stores
it for good only with answers that are written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import render_template, request
from werkzeug.datastructures import MultiDict

from mentorflow.engine.definition.fields import (
    FieldBase,
    FileField,
    as_group,
    entry_input_name,
    entry_name,
    kind_of,
    own_email_field,
    parse_entry_input_name,
    parse_entry_name,
    sub_field,
)
from mentorflow.engine.definition.format import Eligibility
from mentorflow.engine.definition.program import Form, Program, Transition
from mentorflow.engine.errors import Conflict, InvalidAnswers, Unavailable
from mentorflow.engine.service.drafts import DraftSnapshot
from mentorflow.engine.service.views import EnrollmentSummary
from mentorflow.engine.service.workflow import Actor
from mentorflow.web.boundary import workflow
from mentorflow.web.formgen import form_class, raw_answers, show_if_json, stored_formdata
from mentorflow.web.params import read_choice

KEPT = "__kept"  # suffix of the hidden input naming a file uploaded before


def _is_file(f: FieldBase | None) -> bool:
    return f is not None and kind_of(f).widget_kind(f) == "file"


def _file_fields(form: Form) -> dict[str, FileField]:
    """Every file input's name: top-level ids, and `<group>-<n>-<id>` inside entries."""
    found: dict[str, FileField] = {}
    for f in form.fields.values():
        group = as_group(f)
        if group is None:
            if _is_file(f):
                found[f.id] = f
            continue
        for key in list(request.files) + list(request.form):
            base = key.removesuffix(KEPT)
            parsed = parse_entry_input_name(base)
            sub = sub_field(group, parsed[2]) if parsed and parsed[0] == group.id else None
            if _is_file(sub):
                found[base] = sub
    return found


def answers_from_request(form: Form | None, who: Actor) -> tuple[dict[str, Any], dict[str, str]]:
    """The posted answers for the engine, with new files stored and earlier ones kept;
    and problems with the files themselves, keyed by input name."""
    if form is None:
        return {}, {}
    raw = raw_answers(form, request.form)
    problems: dict[str, str] = {}
    wf = workflow()
    for name, field in _file_fields(form).items():
        upload = request.files.get(name)
        if upload is not None and upload.filename:
            try:
                raw[name] = wf.keep_upload(field, upload.read(), upload.filename, who)
            except InvalidAnswers as exc:
                problems[name] = exc.errors[field.id]
            continue
        kept = request.form.get(name + KEPT)
        descriptor = wf.kept_upload(kept, who) if kept else None
        if descriptor is not None:
            raw[name] = descriptor
    return raw, problems


def draft_from_request(form: Form) -> dict[str, Any]:
    """The posted answers for a draft: as typed, files only named (a draft keeps none:
    the engine leaves them out and says so), nothing stored."""
    raw = raw_answers(form, request.form)
    for name in _file_fields(form):
        upload = request.files.get(name)
        if (upload is not None and upload.filename) or request.form.get(name + KEPT):
            raw[name] = upload.filename if upload is not None and upload.filename else "kept"
    return raw


def draft_formdata(answers: dict[str, Any]) -> MultiDict[str, str]:
    """A kept draft as posted data, so the form is drawn as it was when saved."""
    data: MultiDict[str, str] = MultiDict()
    for key, value in answers.items():
        for one in value if isinstance(value, list) else [value]:
            data.add(key, one)
    return data


def has_files(form: Form | None) -> bool:
    """Whether the form has a file input anywhere (a group's included)."""
    if form is None:
        return False
    for f in form.fields.values():
        group = as_group(f)
        if any(_is_file(sub) for sub in (group.fields if group is not None else [f])):
            return True
    return False


def entry_edit(form: Form | None) -> MultiDict[str, str] | None:
    """Posted data with a group entry added or removed (the 'Add'/'Remove' buttons work
    without any script), or None when the person pressed the form's own button."""
    if form is None:
        return None
    data = MultiDict(request.form)
    data.pop("_add_entry", None), data.pop("_remove_entry", None)
    groups = [g for g in map(as_group, form.fields.values()) if g is not None]
    add = read_choice("_add_entry", [g.id for g in groups], form=True, what="entry group")
    group = as_group(form.fields.get(add)) if add else None
    if group is not None:
        numbers = (parse_entry_input_name(k) for k in data)
        count = 1 + max((p[1] for p in numbers if p and p[0] == group.id), default=-1)
        for sub in group.fields:
            data.add(entry_input_name(group.id, count, sub.id), "")
        return data
    entries = {
        entry_name(p[0], p[1])
        for p in map(parse_entry_input_name, data)
        if p is not None and p[0] in form.fields
    }
    removed = parse_entry_name(read_choice("_remove_entry", entries, form=True, what="entry"))
    if removed is not None:
        group_id, index = removed
        renumbered: MultiDict[str, str] = MultiDict()
        for key, value in data.items(multi=True):
            parsed = parse_entry_input_name(key)
            if parsed is not None and parsed[0] == group_id:
                _, n, sub_id = parsed
                if n == index:
                    continue
                key = entry_input_name(group_id, n - 1 if n > index else n, sub_id)
            renumbered.add(key, value)
        return renumbered
    return None


def error_labels(form: Form | None, errors: dict[str, str]) -> dict[str, str]:
    """The label to show beside each error in the summary at the top of the page."""
    labels: dict[str, str] = {}
    if form is None:
        return labels
    for key in errors:
        parsed = parse_entry_input_name(key)
        group = as_group(form.fields.get(parsed[0])) if parsed else None
        if parsed is not None and group is not None:
            _, n, sub_id = parsed
            sub = sub_field(group, sub_id)
            labels[key] = f"{group.label}, entry {n + 1}: {sub.label if sub else sub_id}"
        elif key in form.fields:
            labels[key] = form.fields[key].label
    return labels


def account_defaults(form: Form, who: Actor) -> dict[str, Any]:
    """An apply form starts with what the account already says: the name, and the
    applicant's own e-mail in the first e-mail field that names nobody else."""
    found: dict[str, Any] = {}
    if "name" in form.fields and who.name:
        found["name"] = who.name
    own = own_email_field(form.fields.values())
    if own is not None:
        found[own.id] = who.email
    return found


class FormPage:
    """One generated form on a page: an apply form, an enrollment's form, an ask form."""

    def __init__(
        self,
        program: Program,
        form: Form | None,
        *,
        title: str | None = None,
        enrollment: EnrollmentSummary | None = None,
        version: int | None = None,
        transition: Transition | None = None,
        reasons: list[str] | None = None,
    ):
        self.program = program
        self.form = form
        self.title = title or (transition.label if transition else form.title if form else "")
        self.enrollment = enrollment
        self.version = version
        self.transition = transition
        self.reasons = reasons or []

    def render(
        self,
        *,
        raw: dict[str, Any] | None = None,
        stored: dict[str, Any] | None = None,
        error: InvalidAnswers | None = None,
        eligibility: Eligibility | None = None,
        formdata: MultiDict[str, str] | None = None,
        prefill: dict[str, Any] | None = None,
        conflict: Conflict | Unavailable | None = None,
        draft: DraftSnapshot | None = None,
    ) -> str:
        today = workflow().clock().date()
        wtf = None
        if self.form is not None:
            cls = form_class(self.form, today)
            posted = (
                formdata if formdata is not None else (request.form if raw is not None else None)
            )
            defaults = {f.id: f.default for f in self.form.fields.values() if f.default is not None}
            defaults.update(prefill or {})
            wtf = cls(
                formdata=posted or None,
                data=stored_formdata(self.form, stored) if stored else defaults,
            )
        kept = {k: v for k, v in (raw or {}).items() if isinstance(v, dict) and "id" in v}
        if stored:
            kept = {
                **{k: v for k, v in stored.items() if isinstance(v, dict) and "id" in v},
                **kept,
            }
        return render_template(
            "participant/form.html",
            page=self,
            wtf=wtf,
            errors=error.errors if error else {},
            labels=error_labels(self.form, error.errors) if error else {},
            form_error=error.form_error if error else None,
            eligibility=eligibility,
            conflict=conflict,
            # A failing database or uploads folder: the same, but files need attaching again.
            unavailable=isinstance(conflict, Unavailable),
            conflict_reasons=getattr(conflict, "reasons", None) or [],
            kept=kept,
            show_if=show_if_json,
            today=dt.date.isoformat(today),
            draft=draft,
            # A form of an enrollment or an application may be kept as a draft; the
            # `ask` form of a step is part of the step and is not.
            drafts=self.form is not None and self.transition is None,
            has_files=has_files(self.form),
        )
