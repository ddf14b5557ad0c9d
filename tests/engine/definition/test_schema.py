"""The published JSON Schema: in step with the models, and true to the examples."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from mentorflow.engine.definition.schema import definition_schema, schema_text

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
