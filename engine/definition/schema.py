"""The JSON Schema of the definition format, generated from the models.

Editors use it (through the `# yaml-language-server: $schema=...` line at the top
of each example) to autocomplete keys and underline mistakes while an agency
writes its definition. A test keeps the checked-in copy in step with the models.
"""

from __future__ import annotations

import json
from typing import Any

from .format import Definition

SCHEMA_ID = "https://mentorflow.example/schema/definition-1.json"


def _allow_annotations(node: Any) -> None:
    """Keys starting with `x-` are free annotations wherever unknown keys are refused."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            node["patternProperties"] = {"^x-": {}}
        for value in node.values():
            _allow_annotations(value)
    elif isinstance(node, list):
        for value in node:
            _allow_annotations(value)


def definition_schema() -> dict[str, Any]:
    schema = Definition.model_json_schema(by_alias=True)
    _allow_annotations(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Mentorflow program definition, format 1",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(definition_schema(), indent=2, sort_keys=True) + "\n"
