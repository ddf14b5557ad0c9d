"""The field types: one registry entry per type, and the group's input names."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorflow.engine.definition import fields
from mentorflow.engine.definition.fields import (
    FIELD_TYPES,
    KINDS,
    FieldKind,
    Invalid,
    Tally,
    Widget,
    WidgetKind,
    entry_input_name,
    entry_name,
    kind_of,
    parse_entry_input_name,
    parse_entry_name,
)

ROOT = Path(__file__).resolve().parents[3]
TODAY = dt.date(2026, 3, 2)

# The smallest field of each type the format takes.
SAMPLES: dict[str, dict[str, Any]] = {
    "text": {},
    "textarea": {},
    "email": {},
    "phone": {},
    "number": {"min": 0, "max": 10},
    "date": {"min": "today"},
    "choice": {"choices": ["a", "b"]},
    "multichoice": {"choices": ["a", "b"]},
    "boolean": {},
    "consent": {"text": "I agree."},
    "file": {"accept": ["pdf"]},
    "group": {"fields": [{"id": "topic", "type": "text", "label": "Topic"}]},
}

HOOKS = (
    "clean_in_form",
    "clean",
    "clean_value",
    "blank_in_entry",
    "choice_items",
    "describe",
    "describe_answer",
    "tally",
    "widget_kind",
    "widget",
    "resolve",
    "problems",
    "own_problems",
    "default_problems",
    "default_problem",
    "operand_problem",
    "ordering_problem",
    "contains_problem",
    "value_problem",
)


def _sample(kind: str) -> Any:
    kind_class = KINDS[kind].model
    return kind_class.model_validate({"id": "f", "type": kind, "label": "F", **SAMPLES[kind]})


def test_every_type_has_one_registry_entry() -> None:
    assert set(KINDS) == set(FIELD_TYPES) == set(SAMPLES)
    for name, kind in KINDS.items():
        assert kind.type == name
        assert get_args(kind.model.model_fields["type"].annotation) == (name,)


@pytest.mark.parametrize("name", FIELD_TYPES)
def test_every_hook_answers_for_every_type(name: str) -> None:
    kind = KINDS[name]
    assert isinstance(kind, FieldKind)
    for hook in HOOKS:
        assert callable(getattr(kind, hook)), hook
    f = _sample(name)
    assert kind_of(f) is kind
    widget = kind.widget(f, TODAY)
    assert isinstance(widget, Widget)
    assert widget.kind in get_args(WidgetKind) and widget.kind == kind.widget_kind(f)
    assert widget.name == "f"
    assert kind.describe(f, None) == ""
    assert isinstance(kind.tally(f, []), Tally)
    assert kind.resolve(f, {}) == f
    assert kind.problems(f, {}, True) == []
    assert kind.operand_problem(f, "is_set", True) is None
    errors: dict[str, str] = {}
    value = kind.clean_in_form(f, {}, {}, TODAY, {}, errors)
    if name == "consent":  # a shown consent must be ticked
        assert errors == {"f": "Tick this box to agree; the form cannot be sent without it."}
    else:
        assert errors == {} and value in (None, False)  # blank, or an unticked box
    assert kind.reportable == (kind.categorical or kind.numeric)


def test_a_group_inside_a_group_cannot_be_answered() -> None:
    with pytest.raises(Invalid, match="could not be read"):
        KINDS["group"].clean(_sample("group"), "x", TODAY, None)


# ---------------------------------------------------------------- no dispatch elsewhere

FIELD_CLASSES = {
    name for name in fields.__all__ if name.endswith("Field") and name not in ("AnyField",)
} | {"ScalarField", "Choosing"}
FIELDS_PACKAGE = ROOT / "engine" / "definition" / "fields"
# Modules that still test a field's class, with why. Keep this list short.
ALLOWED: dict[str, set[str]] = {}


def _isinstance_classes(path: Path) -> set[str]:
    """Field classes named in the second argument of isinstance calls in a module."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "isinstance"
            and len(node.args) == 2
        ):
            names = {n.id for n in ast.walk(node.args[1]) if isinstance(n, ast.Name)}
            names |= {n.attr for n in ast.walk(node.args[1]) if isinstance(n, ast.Attribute)}
            found |= names & FIELD_CLASSES
    return found


def _modules() -> list[Path]:
    paths = [*(ROOT / "engine").glob("**/*.py"), *(ROOT / "web").glob("**/*.py")]
    return sorted(p for p in paths if FIELDS_PACKAGE not in p.parents)


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_dispatches_on_field_classes(path: Path) -> None:
    allowed = ALLOWED.get(str(path.relative_to(ROOT)), set())
    assert _isinstance_classes(path) <= allowed, "ask kind_of(field) instead"


def test_the_scan_sees_isinstance_on_field_classes() -> None:
    # Guard against a scan that could never fail.
    assert "GroupField" in _isinstance_classes(FIELDS_PACKAGE / "group.py")
    assert {"GroupField", "EmailField"} <= FIELD_CLASSES


# ---------------------------------------------------------------- the group's input names

names = st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True)
indexes = st.integers(min_value=0, max_value=999_999)


@given(names, indexes, names)
def test_entry_input_names_round_trip(group: str, n: int, field: str) -> None:
    assert parse_entry_input_name(entry_input_name(group, n, field)) == (group, n, field)
    assert parse_entry_name(entry_name(group, n)) == (group, n)
    assert parse_entry_input_name(entry_name(group, n)) is None


@given(st.one_of(st.text(max_size=40), st.none(), st.integers(), st.binary(max_size=5)))
def test_any_posted_key_parses_or_is_refused(key: object) -> None:
    parsed = parse_entry_input_name(key)
    if parsed is not None:
        assert entry_input_name(*parsed) == key
    entry = parse_entry_name(key)
    if entry is not None:
        assert entry_name(*entry) == key


@pytest.mark.parametrize(
    "key",
    [
        "",
        "goals",
        "goals-0",
        "goals--topic",
        "goals-x-topic",
        "goals-1234567-topic",
        "goals-0-",
        "-0-topic",
        "Goals-0-topic",
        "goals-0-Topic",
        "goals-0-topic-more",
        "a-b-0-topic",
        "goals-٣-topic",  # a digit of another script
        "goals-+1-topic",
        "goals-0-topic\n",
    ],
)
def test_malformed_entry_input_names_are_refused(key: str) -> None:
    assert parse_entry_input_name(key) is None


def test_kept_file_inputs_parse_with_their_suffix() -> None:
    # `<input>__kept` names a file uploaded before; the page strips the suffix itself.
    assert parse_entry_input_name("goals-2-plan__kept") == ("goals", 2, "plan__kept")


def test_the_sample_answers_know_every_scalar_type() -> None:
    # A new field type needs a sample answer for the journeys (tests/support.py).
    from mentorflow.engine.sandbox.samples import SAMPLE

    assert set(SAMPLE) == set(FIELD_TYPES) - {"group"}
