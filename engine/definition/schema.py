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


# Pydantic writes the bounds of a union (`int | float`, Field(gt=0)) under its own names
# beside the anyOf, where JSON Schema ignores them; these are their JSON Schema names.
_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}


def _union_bounds(node: Any) -> None:
    """Bounds pydantic left beside an anyOf, as JSON Schema keywords: `weight: 0` and an
    empty choice list are then refused in the editor too."""
    if isinstance(node, dict):
        if "anyOf" in node:
            for pydantic_name, name in _BOUNDS.items():
                if pydantic_name in node:
                    node[name] = node.pop(pydantic_name)
            if "minLength" in node:  # min_length of `list | name`: the list's too
                node["minItems"] = node["minLength"]
        for value in node.values():
            _union_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _union_bounds(value)


def _named_keys(node: Any) -> None:
    """A mapping keyed by ids (`forms`, `states`...): pydantic checks the key pattern only
    through patternProperties, which leaves other keys free; say it of every key (an
    `x-` key is an annotation there too)."""
    if isinstance(node, dict):
        patterns = node.get("patternProperties", {})
        if "propertyNames" in node and len(patterns) == 1:
            node["propertyNames"] = {
                "anyOf": [
                    {"pattern": "^x-"},
                    {**node["propertyNames"], "pattern": next(iter(patterns))},
                ]
            }
        for value in node.values():
            _named_keys(value)
    elif isinstance(node, list):
        for value in node:
            _named_keys(value)


def _by_type(node: Any) -> Any:
    """A field list's `oneOf` + `discriminator` (an OpenAPI keyword, which editors and
    JSON Schema validators ignore) as if/then by `type`: a wrong key in a text field is
    then reported as such, not as "not valid under any of the given schemas"."""
    if isinstance(node, list):
        return [_by_type(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _by_type(value) for key, value in node.items()}
    tagged = node.pop("discriminator", None)
    if not tagged or "oneOf" not in node:
        if tagged:
            node["discriminator"] = tagged
        return node
    del node["oneOf"]
    tag, mapping = tagged["propertyName"], tagged["mapping"]
    return {
        **node,
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": list(mapping)}},
        "allOf": [
            {
                "if": {"required": [tag], "properties": {tag: {"const": name}}},
                "then": {"$ref": ref},
            }
            for name, ref in mapping.items()
        ],
    }


def _json_types(member: dict[str, Any]) -> set[str] | None:
    """The JSON types a union member accepts (a model's $ref: an object); None if unknown."""
    if "$ref" in member:
        return {"object"}
    kinds = member.get("type")
    if isinstance(kinds, str):
        return {kinds}
    if isinstance(kinds, list):
        return set(kinds)
    return None


def _one_of_types(node: Any) -> Any:
    """A union (`anyOf`) whose members take different JSON types, told apart by type.

    An editor validating `anyOf` can only say "is not valid under any of the given
    schemas"; chosen by the value's type, the one member that applies reports its own
    problem ("'a' is not of type 'number'", "'label' is a required property")."""
    if isinstance(node, list):
        return [_one_of_types(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _one_of_types(value) for key, value in node.items()}
    members = node.get("anyOf")
    if not isinstance(members, list):
        return node
    rest = {key: value for key, value in node.items() if key != "anyOf"}
    if all(set(member) == {"type"} and isinstance(member["type"], str) for member in members):
        return {**rest, "type": [member["type"] for member in members]}  # int | float | None
    typed = [(member, _json_types(member)) for member in members]
    seen: set[str] = set()
    for _, kinds in typed:
        if kinds is None:
            return node
        widened = kinds | ({"integer"} if "number" in kinds else set())
        if widened & seen or ("integer" in kinds and "number" in seen):
            return node  # overlapping members: the value's type does not choose one
        seen |= widened
    every = [kind for _, kinds in typed for kind in sorted(kinds or ())]
    nulls = [member for member, kinds in typed if kinds == {"null"}]
    others = [(member, kinds) for member, kinds in typed if kinds != {"null"}]
    if len(others) == 1 and "$ref" not in others[0][0]:
        member = dict(others[0][0])
        member["type"] = [*sorted(others[0][1] or ()), *(["null"] if nulls else [])]
        if nulls and "const" in member:
            member["enum"] = [member.pop("const")]
        if nulls and "enum" in member:
            member["enum"] = [*member["enum"], None]
        return {**rest, **member}
    return {
        **rest,
        "type": every,
        "allOf": [
            {"if": {"type": sorted(kinds or ())}, "then": member}
            for member, kinds in others
            if set(member) != {"type"}  # a bare type is said by the type list
        ],
    }


def definition_schema() -> dict[str, Any]:
    schema = _by_type(Definition.model_json_schema(by_alias=True))
    _union_bounds(schema)
    schema = _one_of_types(schema)
    _named_keys(schema)
    _allow_annotations(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Mentorflow program definition, format 1",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def schema_text() -> str:
    return json.dumps(definition_schema(), indent=2, sort_keys=True) + "\n"
