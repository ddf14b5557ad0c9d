"""The published format page and the code agree (the way Datasette tests its docs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentorflow.engine.definition.conditions import OPERATORS
from mentorflow.engine.definition.fields import FIELD_TYPES
from mentorflow.engine.definition.format import (
    Definition,
    Form,
    Lifecycle,
    ProgramInfo,
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
    ],
)
def test_every_format_key_is_documented(key: str) -> None:
    assert f"`{key}`" in DOC or f"| {key} |" in DOC or f"{key}:" in DOC
