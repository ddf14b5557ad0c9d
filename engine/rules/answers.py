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
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import ChainMap
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, NoReturn

from ..definition import format as fmt
from ..definition.conditions import evaluate
from ..definition.dates import parse_date_literal
from ..definition.fields import (
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
from ..definition.program import Form
from ..errors import InvalidAnswers

__all__ = ["InvalidAnswers", "clean_answers", "describe_value"]

MAX_ENTRIES = 100  # a group without repeat.max: a bound against a flood of entries
REQUIRED = "This answer is required."
CONSENT = "Tick this box to agree; the form cannot be sent without it."

_TRUE = {"true", "yes", "y", "1", "on"}  # 'y' is what WTForms sends for a ticked box
_FALSE = {"false", "no", "n", "0", "off", ""}
# Invisible characters nobody types on purpose; NUL and lone surrogates cannot be stored.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_EMAIL = re.compile(
    rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}"
)
_PHONE = re.compile(r"[0-9+().\- ]+")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")  # [0-9]: not other scripts' digits
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Invalid(Exception):
    """One answer's problem, raised by a cleaner and collected under the answer's key."""


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
        if isinstance(f, GroupField):
            value: Any = _clean_group(f, _group_input(f, raw), answers, today, stored, errors)
        else:
            try:
                value = _clean_one(f, raw.get(f.id), today, stored.get(f.id))
            except _Invalid as exc:
                errors[f.id] = str(exc)
                continue
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


# ---------------------------------------------------------------- groups


def _group_input(g: GroupField, raw: Mapping[str, Any]) -> Any:
    """The group's entries: raw[g.id], or else gathered from flat `<group>-<n>-<field>` keys."""
    if not _blank(raw.get(g.id)):
        return raw.get(g.id)
    flat = re.compile(rf"{re.escape(g.id)}-([0-9]{{1,6}})-([a-z][a-z0-9_]*)")
    entries: dict[int, dict[str, Any]] = {}
    for key, value in raw.items():
        match = flat.fullmatch(key) if isinstance(key, str) else None
        if match:
            entries.setdefault(int(match[1]), {})[match[2]] = value
    return entries or None


def _clean_group(
    g: GroupField,
    value: Any,
    outer: dict[str, Any],
    today: dt.date,
    stored: Mapping[str, Any],
    errors: dict[str, str],
) -> list[dict[str, Any]] | None:
    if _blank(value):
        numbered: list[tuple[int, Any]] = []
    elif isinstance(value, list | tuple):
        numbered = list(enumerate(value))
    elif isinstance(value, Mapping) and all(isinstance(k, int) for k in value):
        numbered = sorted(value.items())
    else:
        errors[g.id] = "These entries could not be read."
        return None
    old = stored.get(g.id)
    old_entries = list(old) if isinstance(old, list | tuple) else []
    kept: list[dict[str, Any]] = []
    for index, entry in numbered:
        if not isinstance(entry, Mapping):
            errors[g.id] = f"Entry {index + 1} could not be read."
            continue
        if all(_blank_entry_value(sub, entry.get(sub.id)) for sub in g.fields):
            continue  # a wholly blank entry is the page's spare row, not an answer
        was = old_entries[index] if index < len(old_entries) else None
        was = was if isinstance(was, Mapping) else {}
        cleaned: dict[str, Any] = {}
        # show_if reads the same entry first, then the form's earlier answers.
        read = ChainMap(cleaned, outer).get
        for sub in g.fields:
            if sub.show_if is not None and not evaluate(sub.show_if, read, today):
                continue
            try:
                answer = _clean_one(sub, entry.get(sub.id), today, was.get(sub.id))
            except _Invalid as exc:
                errors[f"{g.id}-{index}-{sub.id}"] = str(exc)
                continue
            if answer is not None:
                cleaned[sub.id] = answer
        kept.append(cleaned)
    low = g.repeat.min if g.repeat else 0
    high = (g.repeat.max or MAX_ENTRIES) if g.repeat else 1
    if g.required:
        low = max(low, 1)
    count, entries = len(kept), "1 entry" if low == 1 else f"{low} entries"
    if count < low:
        errors[g.id] = f"Fill in at least {entries}" + (f" ({count} given)." if count else ".")
    elif count > high:
        errors[g.id] = (
            f"Fill in at most {high} {'entry' if high == 1 else 'entries'}; there are {count}."
        )
    return kept or None


def _blank_entry_value(f: AnyField, value: Any) -> bool:
    """Whether a sub-answer leaves its entry blank; an unticked box counts as blank."""
    if isinstance(f, BooleanField | ConsentField) and isinstance(value, str | bool | int):
        return str(value).strip().lower() in _FALSE
    return _blank(value)


# ---------------------------------------------------------------- one answer


def _blank(value: Any) -> bool:
    if isinstance(value, str):
        return not _CONTROL.sub("", value).strip()
    if isinstance(value, list | tuple | Mapping):
        return not value
    return value is None


def _clean_one(f: AnyField, value: Any, today: dt.date, stored: Any) -> Any:
    """The stored form of one answer, None when blank; raises _Invalid with the problem."""
    if isinstance(value, list | tuple) and not isinstance(f, MultichoiceField):
        answers = [v for v in value if not _blank(v)]
        if len(answers) > 1:
            raise _Invalid("Give one answer, not several.")
        value = answers[0] if answers else None
    if isinstance(f, BooleanField):
        return _to_bool(value)
    if isinstance(f, ConsentField):
        if not _to_bool(value):
            raise _Invalid(CONSENT)
        return True
    if isinstance(f, MultichoiceField):
        return _clean_multichoice(f, value)
    if isinstance(f, FileField):
        result: Any = _clean_file(f, value, stored)
    elif isinstance(f, NumberField):
        result = _clean_number(f, value)
    elif isinstance(f, DateField):
        result = _clean_date(f, value, today)
    elif isinstance(f, ChoiceField):
        text = _line(value)
        result = (_match_choice(f, text) or _not_a_choice(f, text)) if text else None
    elif isinstance(f, EmailField):
        result = _clean_email(value)
    elif isinstance(f, PhoneField):
        result = _clean_phone(value)
    elif isinstance(f, TextField | TextareaField):
        result = _clean_text(f, value)
    else:  # a group inside a group: the format forbids it
        raise _Invalid("This answer could not be read.")
    if result is None and f.required:
        raise _Invalid(REQUIRED)
    return result


def _text(value: Any) -> str:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a rating of 3 from Python is the choice "3"
    if value is None:
        return ""
    raise _Invalid("This answer could not be read as text.")


def _line(value: Any) -> str:
    """Text for a one-line input: line breaks become spaces, ends trimmed."""
    return re.sub(r"\s*[\r\n]+\s*", " ", _text(value)).strip()


def _to_bool(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    word = _CONTROL.sub("", value).strip().lower() if isinstance(value, str) else None
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _Invalid("Answer yes or no.")


def _clean_text(f: TextField | TextareaField, value: Any) -> str | None:
    if isinstance(f, TextareaField):
        text = _text(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    else:
        text = _line(value)
    if not text:
        return None
    if len(text) > f.max_length:
        raise _Invalid(f"Use at most {f.max_length} characters (this answer has {len(text)}).")
    if f.min_length is not None and len(text) < f.min_length:
        raise _Invalid(f"Use at least {f.min_length} characters (this answer has {len(text)}).")
    if isinstance(f, TextField) and f.pattern is not None and not re.fullmatch(f.pattern, text):
        raise _Invalid(f.pattern_message or "This answer is not in the expected format.")
    return text


def _clean_email(value: Any) -> str | None:
    text = _line(value).lower()  # people are known by e-mail, compared without case
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise _Invalid("Enter an e-mail address such as name@example.gov.")
    return text


def _clean_phone(value: Any) -> str | None:
    text = " ".join(_line(value).split())
    if not text:
        return None
    digits = sum(c.isdigit() for c in text)
    if len(text) > 40 or not _PHONE.fullmatch(text) or not 7 <= digits <= 20:
        raise _Invalid(
            "Enter a phone number of at least 7 digits, using only digits, spaces and + ( ) - ."
        )
    return text


def _clean_number(f: NumberField, value: Any) -> int | float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(value) if math.isfinite(value) else None
    elif isinstance(value, str | None):
        text = _line(value)
        if not text:
            return None
        ok = len(text) <= 30 and _NUMBER.fullmatch(text)
        number = Decimal(text) if ok else None
    else:
        number = None
    if number is None:
        raise _Invalid("Enter a number, such as 3 or 2.5.")
    whole = number == number.to_integral_value()
    if f.integer and not whole:
        raise _Invalid("Enter a whole number.")
    result: int | float = int(number) if whole else float(number)
    if (f.min is not None and result < f.min) or (f.max is not None and result > f.max):
        low, high = _num(f.min), _num(f.max)
        _outside("number", low, high, f"of at least {low}", f"of at most {high}")
    return result


def _num(value: Any) -> str:
    if value is None:
        return ""
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _outside(kind: str, low: str, high: str, above: str, below: str) -> NoReturn:
    """The sentence for an answer outside [low, high] (either may be '' for no limit)."""
    if low and high:
        raise _Invalid(f"Enter a {kind} from {low} to {high}.")
    raise _Invalid(f"Enter a {kind} {above if low else below}.")


def _clean_date(f: DateField, value: Any, today: dt.date) -> str | None:
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
    else:
        text = _line(value) if isinstance(value, str | None) else "?"
        if not text:
            return None
        try:
            if not _ISO_DATE.fullmatch(text):
                raise ValueError(text)
            day = dt.date.fromisoformat(text)
        except ValueError:
            raise _Invalid("Enter a date as YYYY-MM-DD, such as 2024-09-30.") from None
    low = parse_date_literal(f.min).resolve(today) if f.min else None
    high = parse_date_literal(f.max).resolve(today) if f.max else None
    if (low is not None and day < low) or (high is not None and day > high):
        first, last = _day(f.min, low), _day(f.max, high)
        _outside("date", first, last, f"on or after {first}", f"on or before {last}")
    return day.isoformat()


def _day(literal: str | None, day: dt.date | None) -> str:
    if day is None:
        return ""
    return f"today ({day})" if literal and literal.strip() == "today" else day.isoformat()


def _match_choice(f: ChoiceField | MultichoiceField, text: str) -> str | None:
    """The value `text` names: a value, else a label, else either without regard to case
    (spreadsheets say "leadership"); None when it names none or more than one."""
    items = f.choices if isinstance(f.choices, list) else []
    pairs = [(choice_value(i), choice_label(i)) for i in items]
    folded = text.casefold()
    for found in (
        {v for v, _ in pairs if v == text},
        {v for v, label in pairs if label == text},
        {v for v, label in pairs if folded in (v.casefold(), label.casefold())},
    ):
        if found:
            return found.pop() if len(found) == 1 else None
    return None


def _not_a_choice(f: ChoiceField | MultichoiceField, text: str) -> NoReturn:
    items = f.choices if isinstance(f.choices, list) else []
    shown = text if len(text) <= 40 else text[:39] + "…"
    listed = ", ".join(choice_label(i) for i in items) if len(items) <= 12 else "the listed ones"
    raise _Invalid(f"'{shown}' is not one of the choices ({listed}).")


def _clean_multichoice(f: MultichoiceField, value: Any) -> list[str] | None:
    if _blank(value):
        items: list[Any] = []
    elif isinstance(value, str):  # a spreadsheet cell "a;b", unless one choice has a ';'
        items = [value] if _match_choice(f, value.strip()) else value.split(";")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        items = [value]
    chosen = set()
    for item in items:
        text = _line(item)
        if text:
            chosen.add(_match_choice(f, text) or _not_a_choice(f, text))
    values = [choice_value(i) for i in (f.choices if isinstance(f.choices, list) else [])]
    selected = [v for v in values if v in chosen]  # the order of the choices, once each
    low = max(f.min_selected or 0, 1 if f.required else 0)
    if len(selected) < low:
        if not selected:
            raise _Invalid("Choose at least one." if low == 1 else f"Choose at least {low}.")
        raise _Invalid(f"Choose at least {low} (you chose {len(selected)}).")
    if f.max_selected is not None and len(selected) > f.max_selected:
        raise _Invalid(f"Choose at most {f.max_selected} (you chose {len(selected)}).")
    return selected or None


def _clean_file(f: FileField, value: Any, stored: Any) -> dict[str, Any] | None:
    """A descriptor of a file the caller has already kept: {name, size, type, id or path}."""
    if _blank(value):
        # An empty file input when editing (or after a failed POST) keeps the stored file.
        return dict(stored) if isinstance(stored, Mapping) and stored else None
    if isinstance(value, str):
        raise _Invalid("Attach the file itself; a file name alone cannot be stored.")
    if not isinstance(value, Mapping):
        raise _Invalid("This attachment could not be read.")
    name, size = value.get("name"), value.get("size")
    if not isinstance(name, str) or not name.strip():
        raise _Invalid("The attached file has no name.")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise _Invalid("This attachment could not be read.")
    accept = [a.lower() for a in f.accept]
    extension = name.rpartition(".")[2].lower() if "." in name else ""
    problems = []
    if accept and extension not in accept:
        kinds = [a.upper() for a in accept]
        either = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
        problems.append(f"Attach a {either} file.")
    if size == 0:
        problems.append("The attached file is empty.")
    elif size > f.max_kb * 1024:
        problems.append(f"The file is {_size(size)}; the limit is {_size(f.max_kb * 1024)}.")
    if problems:
        raise _Invalid(" ".join(problems))
    return dict(value)


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{math.ceil(n / 1024)} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def _check_own_email(form: Form, answers: Mapping[str, Any], errors: dict[str, str]) -> None:
    """An applicant cannot name their own e-mail as their supervisor's."""
    emails = [f for f in form.fields.values() if isinstance(f, EmailField)]
    own = next((f.id for f in emails if f.link is None), None)
    if own is None or own not in answers:
        return
    for f in emails:
        if f.link == "supervisor" and answers.get(f.id) == answers[own]:
            errors[f.id] = "Give your supervisor's e-mail address, not your own."


# ---------------------------------------------------------------- for people


def describe_value(field: AnyField, value: Any) -> str:
    """A stored answer as people read it: choice labels, Yes/No, lists joined, a file's name."""
    if isinstance(field, BooleanField | ConsentField):
        return "" if value is None else ("Yes" if value else "No")
    if value is None or value == "" or value == []:
        return ""
    if isinstance(field, ChoiceField | MultichoiceField):
        listed = field.choices if isinstance(field.choices, list) else []
        labels = {choice_value(i): choice_label(i) for i in listed}
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in items)
    if isinstance(field, NumberField):
        return _num(value)
    if isinstance(field, FileField):
        return str(value.get("name", "")) if isinstance(value, Mapping) else str(value)
    if isinstance(field, GroupField) and isinstance(value, list | tuple):
        entries = []
        for entry in value:
            parts = [
                f"{sub.label}: {describe_value(sub, entry.get(sub.id))}"
                for sub in field.fields
                if isinstance(entry, Mapping) and sub.id in entry
            ]
            entries.append(", ".join(parts))
        return "; ".join(entries)
    return str(value)
