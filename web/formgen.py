"""WTForms classes generated from compiled forms, once per form and program revision.

WTForms renders the inputs (names, ids, labels, widgets) and reads them back; the
rules are the engine's (`engine.answers.clean_answers`), so a page and an import can
never disagree about what is valid. Field names are the definition's field ids, a
group's entries follow WTForms' `<group>-<n>-<field>`, as the web contract fixes.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import Form as PlainForm
from wtforms import fields, widgets

from mentorflow.engine.definition.dates import parse_date_literal
from mentorflow.engine.definition.fields import (
    AnyField,
    BooleanField,
    ChoiceField,
    ConsentField,
    DateField,
    EmailField,
    FileField,
    GroupField,
    MultichoiceField,
    NumberField,
    PhoneField,
    TextareaField,
    TextField,
    choice_label,
    choice_value,
)
from mentorflow.engine.definition.program import Form

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3 takes tuples
    SelectChoice = None


def _choice(value: str, label: str) -> Any:
    return SelectChoice(value, label) if SelectChoice is not None else (value, label)


def _choices(f: ChoiceField | MultichoiceField) -> list[Any]:
    items = f.choices if isinstance(f.choices, list) else []
    return [_choice(choice_value(i), choice_label(i)) for i in items]


def _render_kw(f: AnyField, today: dt.date) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if f.help:
        kw["aria-describedby"] = f"{f.id}-help"
    if f.required:
        kw["aria-required"] = "true"
    if isinstance(f, TextField | TextareaField):
        kw["maxlength"] = f.max_length
    if isinstance(f, NumberField):
        kw["step"] = "1" if f.integer else "any"
        if f.min is not None:
            kw["min"] = f.min
        if f.max is not None:
            kw["max"] = f.max
    if isinstance(f, DateField):
        for key in ("min", "max"):
            literal = getattr(f, key)
            if literal is not None:
                kw[key] = parse_date_literal(literal).resolve(today).isoformat()
    if isinstance(f, FileField) and f.accept:
        kw["accept"] = ",".join(f".{ext}" for ext in f.accept)
    return kw


def _wtf_field(f: AnyField, today: dt.date) -> Any:
    label = f.label
    kw = _render_kw(f, today)
    if isinstance(f, TextareaField):
        return fields.TextAreaField(label, render_kw=kw)
    if isinstance(f, EmailField):
        return fields.EmailField(label, render_kw=kw)
    if isinstance(f, PhoneField):
        return fields.TelField(label, render_kw=kw)
    if isinstance(f, NumberField):
        return fields.StringField(label, widget=widgets.NumberInput(), render_kw=kw)
    if isinstance(f, DateField):
        return fields.StringField(label, widget=widgets.DateInput(), render_kw=kw)
    if isinstance(f, ChoiceField):
        if f.widget == "radio" or (f.widget is None and len(_choices(f)) <= 5):
            return fields.RadioField(
                label, choices=_choices(f), render_kw=kw, validate_choice=False
            )
        return fields.SelectField(
            label,
            choices=[_choice("", "Choose…"), *_choices(f)],
            render_kw=kw,
            validate_choice=False,
        )
    if isinstance(f, MultichoiceField):
        return fields.SelectMultipleField(
            label,
            choices=_choices(f),
            widget=widgets.ListWidget(prefix_label=False),
            option_widget=widgets.CheckboxInput(),
            render_kw=kw,
            validate_choice=False,
        )
    if isinstance(f, BooleanField | ConsentField):
        return fields.BooleanField(label, render_kw=kw)
    if isinstance(f, FileField):
        return fields.FileField(label, render_kw=kw)
    if isinstance(f, GroupField):
        entry = type(f"{f.id}_entry", (PlainForm,), {s.id: _wtf_field(s, today) for s in f.fields})
        least = f.repeat.min if f.repeat and f.repeat.min else 1
        return fields.FieldList(fields.FormField(entry), label=label, min_entries=least)
    return fields.StringField(label, render_kw=kw)


@functools.lru_cache(maxsize=512)
def form_class(form: Form, today: dt.date) -> type[PlainForm]:
    """One WTForms class per compiled form (and day, for date limits such as `today`).

    Compiled forms are immutable and hashable by identity, so a new revision of a
    definition gets new classes and old ones are simply no longer asked for.
    """
    attrs = {f.id: _wtf_field(f, today) for f in form.fields.values()}
    return type(f"{form.id}_form", (PlainForm,), attrs)


def show_if_json(f: AnyField) -> str | None:
    """The field's show_if condition for the page script, which hides and shows it live."""
    if f.show_if is None:
        return None
    return json.dumps(f.show_if.model_dump(by_alias=True, exclude_none=True))


def raw_answers(form: Form, formdata: MultiDict[str, str]) -> dict[str, Any]:
    """What the browser sent, shaped for the engine's validator: lists for multichoice,
    a group's entries as `<group>-<n>-<field>` keys, everything else one string."""
    raw: dict[str, Any] = {}
    for f in form.fields.values():
        if isinstance(f, MultichoiceField):
            raw[f.id] = formdata.getlist(f.id)
        elif isinstance(f, GroupField):
            prefix = f"{f.id}-"
            for key in formdata:
                if key.startswith(prefix):
                    sub = key.rsplit("-", 1)[-1]
                    sub_field = next((s for s in f.fields if s.id == sub), None)
                    many = isinstance(sub_field, MultichoiceField)
                    raw[key] = formdata.getlist(key) if many else formdata.get(key)
        elif f.id in formdata:
            raw[f.id] = formdata.get(f.id)
    return raw


def stored_formdata(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Stored answers as WTForms `data`, to show a filled form again."""
    data: dict[str, Any] = {}
    for f in form.fields.values():
        value = answers.get(f.id)
        if value is None or isinstance(f, FileField):
            continue
        if isinstance(f, GroupField):
            data[f.id] = [
                {k: v for k, v in entry.items() if not isinstance(v, dict)} for entry in value
            ]
        else:
            data[f.id] = value
    return data
