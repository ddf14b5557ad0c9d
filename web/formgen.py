"""WTForms classes generated from compiled forms, once per form and program revision.

WTForms renders the inputs (names, ids, labels, widgets) and reads them back; the
rules are the engine's (the service checks answers with `rules.answers.clean_answers`),
so a page and an import can never disagree about what is valid. Field names are the definition's field ids, a
group's entries follow WTForms' `<group>-<n>-<field>`, as the web contract fixes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form as PlainForm
from wtforms import fields, widgets

from mentorflow.engine.definition.fields import (
    AnyField,
    Widget,
    as_group,
    kind_of,
    parse_entry_input_name,
    sub_field,
)
from mentorflow.engine.definition.program import Form

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3 takes tuples
    SelectChoice = None


def _choices(w: Widget) -> list[Any]:
    if SelectChoice is None:  # pragma: no cover
        return list(w.choices)
    return [SelectChoice(value, label) for value, label in w.choices]


def _group(w: Widget) -> Any:
    entry = type(f"{w.name}_entry", (PlainForm,), {part.name: _wtf(part) for part in w.parts})
    return fields.FieldList(fields.FormField(entry), label=w.label, min_entries=w.min_entries)


# The one table from the engine's widget kinds to WTForms: keyed by kind, not field type.
_WTFORMS: dict[str, Callable[[Widget], Any]] = {
    "text": lambda w: fields.StringField(w.label, render_kw=dict(w.attrs)),
    "textarea": lambda w: fields.TextAreaField(w.label, render_kw=dict(w.attrs)),
    "email": lambda w: fields.EmailField(w.label, render_kw=dict(w.attrs)),
    "tel": lambda w: fields.TelField(w.label, render_kw=dict(w.attrs)),
    "number": lambda w: fields.StringField(
        w.label, widget=widgets.NumberInput(), render_kw=dict(w.attrs)
    ),
    "date": lambda w: fields.StringField(
        w.label, widget=widgets.DateInput(), render_kw=dict(w.attrs)
    ),
    "radio": lambda w: fields.RadioField(
        w.label, choices=_choices(w), render_kw=dict(w.attrs), validate_choice=False
    ),
    "select": lambda w: fields.SelectField(
        w.label, choices=_choices(w), render_kw=dict(w.attrs), validate_choice=False
    ),
    "checkboxes": lambda w: fields.SelectMultipleField(
        w.label,
        choices=_choices(w),
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        render_kw=dict(w.attrs),
        validate_choice=False,
    ),
    "checkbox": lambda w: fields.BooleanField(w.label, render_kw=dict(w.attrs)),
    "file": lambda w: fields.FileField(w.label, render_kw=dict(w.attrs)),
    "group": _group,
}


def _wtf(w: Widget) -> Any:
    return _WTFORMS[w.kind](w)


@functools.lru_cache(maxsize=512)
def form_class(form: Form, today: dt.date) -> type[PlainForm]:
    """One WTForms class per compiled form (and day, for date limits such as `today`).

    Compiled forms are immutable and hashable by identity, so a new revision of a
    definition gets new classes and old ones are simply no longer asked for.
    """
    attrs = {f.id: _wtf(kind_of(f).widget(f, today)) for f in form.fields.values()}
    return type(f"{form.id}_form", (PlainForm,), attrs)


def show_if_json(f: AnyField) -> str | None:
    """The field's show_if condition for the page script, which hides and shows it live."""
    if f.show_if is None:
        return None
    return json.dumps(f.show_if.model_dump(by_alias=True, exclude_none=True))


def _posted(f: AnyField | None, formdata: MultiDict[str, str], key: str) -> Any:
    """One input's value: a list from checkboxes, otherwise one string."""
    many = f is not None and kind_of(f).widget_kind(f) == "checkboxes"
    return formdata.getlist(key) if many else formdata.get(key)


def raw_answers(form: Form, formdata: MultiDict[str, str]) -> dict[str, Any]:
    """What the browser sent, shaped for the engine's validator: lists for multichoice,
    a group's entries as `<group>-<n>-<field>` keys, everything else one string."""
    raw: dict[str, Any] = {}
    for f in form.fields.values():
        group = as_group(f)
        if group is not None:
            for key in formdata:
                parsed = parse_entry_input_name(key)
                if parsed is not None and parsed[0] == group.id:
                    raw[key] = _posted(sub_field(group, parsed[2]), formdata, key)
        elif kind_of(f).widget_kind(f) == "checkboxes":
            raw[f.id] = formdata.getlist(f.id)
        elif f.id in formdata:
            raw[f.id] = formdata.get(f.id)
    return raw


def stored_formdata(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as WTForms `data`, to show a filled form again (a file input
    cannot be filled in: the page names the stored file instead)."""
    data: dict[str, Any] = {}
    for f in form.fields.values():
        value = answers.get(f.id)
        kind = kind_of(f).widget_kind(f)
        if value is None or kind == "file":
            continue
        if kind == "group":
            data[f.id] = [
                {k: v for k, v in entry.items() if not isinstance(v, dict)} for entry in value
            ]
        else:
            data[f.id] = value
    return data
