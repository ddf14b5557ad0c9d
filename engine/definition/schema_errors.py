"""Pydantic validation errors, turned into `file:line:col` problems written for people.

Pydantic says where an error is as a `loc` tuple that mixes keys of the data with
names of union members (`fields, 2, 'text', 'max_length'`). We walk the loc through
the data and the model types together, so that every error points at the key or
value in the YAML file, names it as the author wrote it, and, for an unknown key,
can suggest the nearest allowed one.
"""

from __future__ import annotations

import types
import typing
from collections import defaultdict
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..errors import Problem, suggest
from .base import PATTERN_MEANING
from .yaml_source import Document, Path, dotted

_TYPE_ERRORS = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "literal_error": None,
}


def _members(tp: Any) -> list[Any]:
    """The concrete types behind Annotated, Optional and unions."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        return _members(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [m for arg in get_args(tp) for m in _members(arg)]
    if tp is type(None):
        return []
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_type(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if (info.alias or name) == key:
            return info.annotation
    return None


def _branch(tp: Any, component: object) -> Any:
    """The union member that a loc component such as 'text' or 'LabelledChoice' names."""
    for member in _members(tp):
        if _is_model(member):
            tag = member.model_fields.get("type")
            if member.__name__ == component or (
                tag is not None and component in get_args(tag.annotation)
            ):
                return member
    return None


def _step(tp: Any, component: object) -> Any:
    """The type found one step into the data from a value of type `tp`."""
    for member in _members(tp):
        origin = get_origin(member)
        if _is_model(member) and isinstance(component, str):
            found = _field_type(member, component)
            if found is not None:
                return found
        elif origin is list and isinstance(component, int):
            return get_args(member)[0]
        elif origin is dict and isinstance(component, str):
            return get_args(member)[1]
    return None


def _allowed_keys(tp: Any) -> list[str]:
    for member in _members(tp):
        if _is_model(member):
            return [info.alias or name for name, info in member.model_fields.items()]
    return []


class _Walk:
    """A loc resolved against the data: the data path, the type there, union branches."""

    def __init__(self, root_type: Any, data: Any, loc: tuple[Any, ...], missing: bool):
        self.path: list[str | int] = []
        self.tp: Any = root_type
        self.parent_tp: Any = None
        self.branches: list[tuple[Path, str]] = []
        self.on_key = False
        self.rest: list[Any] = []  # the key a 'missing' error is about
        node = data
        for i, component in enumerate(loc):
            if component == "[key]":
                self.on_key = True
                continue
            member = _branch(self.tp, component)
            if member is not None and len(_members(self.tp)) > 1:
                if member.__name__ == component:  # a plain union: every member was tried
                    self.branches.append((tuple(self.path), str(component)))
                self.tp = member
                continue
            present = (isinstance(node, dict) and component in node) or (
                isinstance(node, list) and isinstance(component, int) and component < len(node)
            )
            if present:
                self.path.append(component)
                self.parent_tp, self.tp = self.tp, _step(self.tp, component)
                node = node[component]
            elif missing and i == len(loc) - 1:
                self.rest.append(component)
            else:  # a union member's name, such as 'constrained-str' or 'list[...]'
                self.branches.append((tuple(self.path), str(component)))
        self.value = node


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return f"'{value}'" if len(value) < 60 else f"'{value[:57]}...'"
    return repr(value)


def _message(error: dict[str, Any], walk: _Walk) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing":
        return f"missing required key '{walk.rest[-1] if walk.rest else '?'}'"
    if kind == "extra_forbidden":
        key = walk.path[-1] if walk.path else "?"
        allowed = _allowed_keys(walk.parent_tp)
        hint = suggest(key, allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
        return f"unknown key '{key}'{hint}"
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in str(ctx.get("expected_tags", "")).split(",")]
        return (
            f"unknown {ctx.get('discriminator', 'type').strip(chr(39))} '{ctx.get('tag')}'"
            f"{suggest(ctx.get('tag'), tags)} (known: {', '.join(tags)})"
        )
    if kind == "union_tag_not_found":
        return f"missing required key {ctx.get('discriminator', 'type')}"
    if kind == "string_pattern_mismatch":
        meaning = PATTERN_MEANING.get(str(ctx.get("pattern")))
        if meaning:
            return f"{_describe(value)} is not a valid id: expected {meaning}"
        return f"{_describe(value)} does not have the expected form"
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        names = [n.strip(" '") for n in expected.replace(" or ", ", ").split(",")]
        return f"{_describe(value)} is not allowed{suggest(value, names)} (expected {expected})"
    if kind in _TYPE_ERRORS:
        hint = ""
        if kind.startswith("bool") and str(value).lower() in ("yes", "no", "on", "off", "y", "n"):
            hint = " (YAML 1.2 reads yes/no/on/off as text: write true or false)"
        return f"expected {_TYPE_ERRORS[kind]}, got {_describe(value)}{hint}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": f"at least {ctx.get('ge')}",
            "greater_than": f"more than {ctx.get('gt')}",
            "less_than_equal": f"at most {ctx.get('le')}",
            "less_than": f"less than {ctx.get('lt')}",
        }[kind]
        return f"must be {bound}, got {_describe(value)}"
    if kind == "too_short":
        if isinstance(value, str):
            return "must not be empty"
        return f"must have at least {ctx.get('min_length')} item(s)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is longer than {ctx.get('max_length')} characters"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    return str(error["msg"])


def _union_summary(errors: list[tuple[dict[str, Any], _Walk]]) -> str:
    expected = []
    for error, _walk in errors:
        if error["type"] == "literal_error":
            expected.append(str((error.get("ctx") or {}).get("expected")))
        else:
            expected.append(_TYPE_ERRORS.get(error["type"]) or "something else")
    unique = list(dict.fromkeys(expected))
    return f"expected {' or '.join(unique)}, got {_describe(errors[0][0].get('input'))}"


def _split_by_comma(doc: Document, path: Path) -> tuple[str, str, int] | None:
    """When the unknown key at `path` reads as the rest of a value cut at a comma, as in
    `{label: Any comments, questions for the coordinator?}`: (the key whose value was cut,
    the whole value, how many keys the cut made). In a flow mapping an unquoted comma ends
    the value, and each piece after it becomes a key with no value, on the same line."""
    parent_path, key = path[:-1], path[-1]
    parent = doc.data
    for part in parent_path:
        parent = parent[part]
    if not isinstance(parent, dict) or parent.get(key, 0) is not None:
        return None
    keys = list(parent)
    at = keys.index(key)
    start = at
    while start > 0 and parent[keys[start - 1]] is None:
        start -= 1
    if start == 0:
        return None
    head = keys[start - 1]
    value = parent[head]
    head_at = doc.value_pos.get((*parent_path, head))
    key_at = doc.key_pos.get(path)
    if not isinstance(value, str) or head_at is None or key_at is None:
        return None
    if head_at.line != key_at.line:
        return None
    pieces = [value]
    for k in keys[start:]:
        if parent[k] is not None or doc.key_pos.get((*parent_path, k), key_at).line != key_at.line:
            break
        pieces.append(str(k))
    # Words, not a lone misspelt key: `{type: text, requird}` is no cut sentence.
    if len(pieces) < 3 and not any(" " in p or p[-1:] in "?.!)" for p in pieces):
        return None
    return str(head), ", ".join(pieces), at - start


def problems_from(exc: ValidationError, doc: Document, root_type: Any) -> list[Problem]:
    walks: list[tuple[dict[str, Any], _Walk]] = [
        (dict(error), _Walk(root_type, doc.data, tuple(error["loc"]), error["type"] == "missing"))
        for error in exc.errors()
    ]

    # Errors inside a plain union come once per member tried; keep the member that got
    # furthest (the one the author meant), or one summary when every member failed
    # at the value itself.
    groups: dict[Path, list[tuple[dict[str, Any], _Walk]]] = defaultdict(list)
    plain: list[tuple[dict[str, Any], _Walk]] = []
    for error, walk in walks:
        if walk.branches:
            groups[walk.branches[0][0]].append((error, walk))
        else:
            plain.append((error, walk))
    for prefix, errors in groups.items():
        shallow = [
            (e, w) for e, w in errors if tuple(w.path) == prefix and e["type"] in _TYPE_ERRORS
        ]
        deep = [(e, w) for e, w in errors if (e, w) not in shallow]
        if deep:
            plain.extend(deep)
        else:
            summary = dict(shallow[0][0], type="union", msg=_union_summary(shallow))
            plain.append((summary, shallow[0][1]))

    problems = []
    for error, walk in plain:
        path = tuple(walk.path)
        text = error["msg"] if error["type"] == "union" else _message(error, walk)
        if error["type"] == "extra_forbidden" and walk.path:
            cut = _split_by_comma(doc, path)
            if cut is not None:
                head, whole, later = cut
                if later:
                    continue  # the same cut value: said once, at its first piece
                quoted = whole.replace("\\", "\\\\").replace('"', '\\"')
                text = (
                    f"unknown key '{path[-1]}': did you mean one {head} with a comma in it? Put the {head} in quotes:"
                    f' {head}: "{quoted}"'
                )
        if error["type"] == "union_tag_invalid":
            path = (*path, "type")
        where = (*path, *walk.rest)
        pos = doc.position(
            path,
            key=walk.on_key or error["type"] in ("extra_forbidden", "missing"),
        )
        problems.append(Problem(doc.file, pos.line, pos.col, dotted(where), text))
    return sorted(set(problems))
