"""Random mutations of valid definitions never crash the loader: only clean errors."""

from __future__ import annotations

import copy
import io
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from mentorflow import engine
from mentorflow.engine.definition.yaml_source import read_yaml

SMALL_TEXT = (Path(__file__).resolve().parents[1] / "data" / "small.yaml").read_text()
GENERAL_TEXT = (
    Path(__file__).resolve().parents[3] / "definitions" / "general-agency.yaml"
).read_text()


def _data(text: str) -> Any:
    doc, problems = read_yaml(text, "x.yaml")
    assert doc is not None and not problems
    return doc.data


SMALL = _data(SMALL_TEXT)
GENERAL = _data(GENERAL_TEXT)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*path, i))
    return found


SMALL_PATHS = _paths(SMALL)[1:]
GENERAL_PATHS = _paths(GENERAL)[1:]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "*", "applied", "mentee", "mentor", "closed", "today+1y", "x.y", "[a-"]),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
mutations = st.sampled_from(["delete", "replace", "rename", "duplicate"])


def _mutate(data: Any, path: tuple[Any, ...], how: str, value: Any, name: str) -> Any:
    data = copy.deepcopy(data)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = value
    elif how == "rename" and isinstance(parent, dict):
        parent[name or "_"] = parent.pop(last)
    elif how == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(parent[last]))
    return data


def _dump(data: Any) -> str:
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


def _load_cleanly(text: str) -> None:
    try:
        engine.load_text(text, "m.yaml")
    except engine.DefinitionError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1
            assert problem.message and "Traceback" not in problem.message
            assert str(problem).startswith(f"m.yaml:{problem.line}:{problem.col}: ")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(SMALL_PATHS),
    mutations,
    values,
    st.text(min_size=1, max_size=10),
)
def test_mutated_small_definition_loads_or_fails_cleanly(
    path: tuple[Any, ...], how: str, value: Any, name: str
) -> None:
    _load_cleanly(_dump(_mutate(SMALL, path, how, value, name)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(GENERAL_PATHS), mutations, values, st.text(min_size=1, max_size=10))
def test_mutated_example_loads_or_fails_cleanly(
    path: tuple[Any, ...], how: str, value: Any, name: str
) -> None:
    _load_cleanly(_dump(_mutate(GENERAL, path, how, value, name)))


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_text_edits_load_or_fail_cleanly(data: st.DataObject) -> None:
    lines = SMALL_TEXT.splitlines()
    index = data.draw(st.integers(0, len(lines) - 1))
    edit = data.draw(st.sampled_from(["drop", "indent", "insert"]))
    if edit == "drop":
        del lines[index]
    elif edit == "indent":
        lines[index] = " " + lines[index]
    else:
        at = data.draw(st.integers(0, len(lines[index])))
        junk = data.draw(st.text(alphabet="{}[]:,-#&*!|>'\"? \tab1", max_size=4))
        lines[index] = lines[index][:at] + junk + lines[index][at:]
    _load_cleanly("\n".join(lines) + "\n")


def test_a_mutation_really_breaks_the_definition() -> None:
    # The property above would pass on a loader that accepts everything; this one would not.
    mutated = _mutate(SMALL, ("lifecycles", "mentee", "initial"), "replace", "nowhere", "")
    try:
        engine.load_text(_dump(mutated), "m.yaml")
    except engine.DefinitionError as exc:
        assert any("no state 'nowhere'" in p.message for p in exc.problems)
    else:
        raise AssertionError("a definition with an unknown initial state loaded")
