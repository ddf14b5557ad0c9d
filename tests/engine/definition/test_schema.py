"""The published JSON Schema: in step with the models, and true to the examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from mentorflow.engine.definition.schema import definition_schema, schema_text
from mentorflow.engine.definition.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "definitions").glob("*.yaml"))


def test_checked_in_schema_matches_the_models() -> None:
    checked_in = (ROOT / "definitions" / "schema.json").read_text()
    assert checked_in == schema_text(), "run: mentorflow schema > definitions/schema.json"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_satisfy_the_schema(path: Path) -> None:
    data = json.loads(json.dumps(YAML(typ="safe", pure=True).load(path), default=str))
    jsonschema.validate(data, definition_schema())


def test_schema_refuses_unknown_keys_but_allows_annotations() -> None:
    schema = definition_schema()
    base = json.loads(json.dumps(YAML(typ="safe", pure=True).load(EXAMPLES[0]), default=str))
    jsonschema.validate({**base, "x-reviewed-by": "HR"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**base, "matchng": {}}, schema)


SMALL = (Path(__file__).resolve().parents[1] / "data" / "small.yaml").read_text()
NOTES = "{id: notes, label: Notes, type: textarea}"


@pytest.mark.parametrize(
    ("field", "said"),
    [
        (
            "{id: notes, label: Notes, type: number, min: 'a'}",
            "'a' is not of type 'integer', 'number'",
        ),
        (
            "{id: notes, label: Notes, type: textarea, max_length: 0}",
            "0 is less than the minimum of 1",
        ),
        ("{id: notes, label: Notes, type: textbox}", "'textbox' is not one of ['boolean', "),
        ("{id: notes, label: Notes, type: text, requird: true}", "'requird' does not match any"),
        ("{id: notes, label: Notes, type: boolean, required: true}", "False was expected"),
        (
            "{id: notes, label: Notes, type: text, pattern_message: Digits}",
            "'pattern' is a required property",
        ),
        (
            "{id: notes, label: Notes, type: choice, choices: [a, a]}",
            "['a', 'a'] has non-unique elements",
        ),
        (
            "{id: notes, label: Notes, type: choice, choices: [a, {value: b}]}",
            "'label' is a required property",
        ),
        (
            "{id: notes, label: Notes, type: number, default: '3'}",
            "'3' is not of type 'number', 'null'",
        ),
        ("{id: notes, label: Notes, type: date, min: soon}", "'soon' does not match"),
        (
            "{id: notes, label: Notes, type: group, fields: [{id: a, label: A, type: text, max_length: x}]}",
            "'x' is not of type 'integer'",
        ),
    ],
)
def test_a_wrong_inline_field_is_told_what_is_wrong(field: str, said: str) -> None:
    # Editors show these messages: never only "not valid under any of the given schemas".
    doc, _ = read_yaml(SMALL.replace(NOTES, field), "small.yaml")
    assert doc is not None
    messages = [
        e.message
        for e in jsonschema.Draft202012Validator(definition_schema()).iter_errors(doc.data)
    ]
    assert len(messages) == 1 and messages[0].startswith(said), messages
