"""The published format page and the code agree (the way Datasette tests its docs)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mentorflow.engine.definition.conditions import OPERATORS
from mentorflow.engine.definition.dates import parse_date_literal
from mentorflow.engine.definition.fields import FIELD_TYPES
from mentorflow.engine.definition.format import (
    DaysSince,
    Definition,
    Form,
    Lifecycle,
    ProgramInfo,
    Requires,
    State,
    Transition,
)

DOC = (Path(__file__).resolve().parents[3] / "docs" / "definition-format.md").read_text()


def _keys(model: type) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("field_type", FIELD_TYPES)
def test_every_field_type_is_documented(field_type: str) -> None:
    assert re.search(rf"^\| {field_type} \|", DOC, re.M)


@pytest.mark.parametrize("operator", OPERATORS)
def test_every_condition_operator_is_documented(operator: str) -> None:
    assert f"`{operator}`" in DOC


@pytest.mark.parametrize(
    "key",
    [
        *_keys(ProgramInfo),
        *_keys(Definition),
        *_keys(Form),
        *_keys(State),
        *_keys(Transition),
        *_keys(Lifecycle),
        *_keys(Requires),
        *_keys(DaysSince),
    ],
)
def test_every_format_key_is_documented(key: str) -> None:
    assert f"`{key}`" in DOC or f"| {key} |" in DOC or f"{key}:" in DOC


def _dates() -> tuple[str, str]:
    """The paragraph on date literals: what is accepted, then "Anything else ... is an
    error" with the refused examples."""
    start, stop = DOC.find("Dates in `min` and `max`"), DOC.find("Anything else (")
    assert 0 <= start < stop, "the docs describe no date literals"
    return DOC[start:stop], DOC[stop : DOC.index("\n\n", stop)]


def _parses(text: str) -> bool:
    try:
        parse_date_literal(text)
    except ValueError:
        return False
    return True


def test_the_documented_offset_units_are_the_accepted_ones() -> None:
    dates, _ = _dates()
    documented = set(re.findall(r"`([a-z])`\s+\((?:calendar\s+)?[a-z]+\)", dates))
    accepted = {c for c in string.ascii_letters if _parses(f"today+1{c}")}
    assert documented and documented == accepted


def test_the_documented_signs_are_the_accepted_ones() -> None:
    dates, _ = _dates()
    documented = set(re.findall(r"`([^`])`\s+\((?:later|earlier)\)", dates))
    accepted = {c for c in string.punctuation + " " if _parses(f"today{c}1d")}
    assert documented and documented == accepted


def test_the_documented_number_of_digits_is_the_accepted_one() -> None:
    dates, _ = _dates()
    found = re.search(r"a whole number of 1 to (\d+) digits", dates)
    assert found is not None
    most = int(found.group(1))
    assert _parses("today+" + "9" * most + "d") and _parses("today-1d")
    assert not _parses("today+" + "9" * (most + 1) + "d")


def test_every_date_the_docs_write_parses_and_every_refused_one_is_refused() -> None:
    _, refused_text = _dates()
    written = set(re.findall(r"`(today[^`]*|\d{4}-\d{2}-\d{2})`", DOC))
    refused = set(re.findall(r"`(today[^`]*|Today[^`]*)`", refused_text))
    assert {"today+18m", "today-2w"} <= written and len(refused) >= 3
    assert [d for d in sorted(written - refused) if not _parses(d)] == []
    assert [d for d in sorted(refused) if _parses(d)] == []
