"""read_yaml: safe YAML 1.2 reading with a position on every key and value.

Spec: docs "Files and loading" (/work/shared/spec/definition-format.md).
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorflow.engine.definition import yaml_source
from mentorflow.engine.definition.yaml_source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    Document,
    Pos,
    dotted,
    read_yaml,
)
from mentorflow.engine.errors import Problem

FILE = "civil-eng.yaml"


def load(text: str) -> Document:
    doc, problems = read_yaml(text, FILE)
    assert problems == []
    assert doc is not None
    return doc


def refused(text: str) -> list[Problem]:
    doc, problems = read_yaml(text, FILE)
    assert doc is None
    return problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0), ("-3", -3), ("+5", 5), ("012", 12), ("0o12", 10), ("0x1f", 31),
        ("1_000", 1000), ("1.5", 1.5), ("-2.5e3", -2500.0), (".inf", math.inf),
        ("-.inf", -math.inf), ("true", True), ("false", False), ("null", None),
        ("~", None), ("", None), ("yes", "yes"), ("no", "no"), ("on", "on"),
        ("off", "off"), ("y", "y"), ("2024-01-01", "2024-01-01"),
        ("2024-01-01T10:00:00", "2024-01-01T10:00:00"), ("'12'", "12"), ("1.0.0", "1.0.0"),
        ("!!str 12", "12"), ("!!str true", "true"), ("!!int '7'", 7), ("!!float 1", 1.0),
        ("!!bool true", True), ("!!null ''", None), ("!!timestamp 2024-01-01", "2024-01-01"),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)  # fmt: skip
def test_plain_values_follow_yaml_1_2_core(text, expected):
    value = load(f"v: {text}\n").data["v"]
    assert (value, type(value)) == (expected, type(expected))


def test_nan_is_a_float():
    assert math.isnan(load("v: .nan\n").data["v"])


POSITIONS = """\
program:
  id: civil-eng
  contact: {name: Pat, email: pat@x}
lifecycles:
  mentee:
    transitions:
      - {from: applied, to: screened}
      - from: screened
        to: matched
      - [a, [b, c]]
"""
T = ("lifecycles", "mentee", "transitions")


@pytest.mark.parametrize(
    ("path", "key", "pos"),
    [
        pytest.param(("program",), True, Pos(1, 1), id="top-key"),
        pytest.param(("program",), False, Pos(2, 3), id="top-value-mapping"),
        pytest.param(("program", "id"), True, Pos(2, 3), id="block-key"),
        pytest.param(("program", "id"), False, Pos(2, 7), id="block-value"),
        pytest.param(("program", "contact"), False, Pos(3, 12), id="flow-mapping"),
        pytest.param(("program", "contact", "email"), True, Pos(3, 24), id="flow-key"),
        pytest.param(("program", "contact", "email"), False, Pos(3, 31), id="flow-value"),
        pytest.param((*T, 0, "to"), True, Pos(7, 25), id="flow-in-list-key"),
        pytest.param((*T, 0, "to"), False, Pos(7, 29), id="flow-in-list-value"),
        pytest.param((*T, 1), False, Pos(8, 9), id="list-item"),
        pytest.param((*T, 1), True, Pos(8, 9), id="list-item-has-no-key"),
        pytest.param((*T, 1, "to"), True, Pos(9, 9), id="second-line-key"),
        pytest.param((*T, 1, "to"), False, Pos(9, 13), id="second-line-value"),
        pytest.param((*T, 2, 1, 1), False, Pos(10, 17), id="nested-list"),
        pytest.param(("program", "title"), True, Pos(2, 3), id="missing-key-at-its-mapping"),
        pytest.param((*T, 9, "to"), False, Pos(7, 7), id="missing-index-at-its-list"),
        pytest.param((), False, Pos(1, 1), id="root"),
    ],
)
def test_positions_are_one_based_line_and_column(path, key, pos):
    assert load(POSITIONS).position(path, key=key) == pos


def test_problem_points_at_file_line_col_and_dotted_path():
    doc = load(POSITIONS)
    problem = doc.problem((*T, 1, "to"), "no state 'x'")
    assert problem == Problem(FILE, 9, 13, "lifecycles.mentee.transitions[1].to", "no state 'x'")
    assert str(problem) == "civil-eng.yaml:9:13: lifecycles.mentee.transitions[1].to: no state 'x'"
    assert (
        str(doc.problem(("program", "id"), "bad", key=True))
        == "civil-eng.yaml:2:3: program.id: bad"
    )


@pytest.mark.parametrize(
    ("path", "text"),
    [((), ""), (("program",), "program"), ((0,), "[0]"), ((0, "a", 1, 2), "[0].a[1][2]"),
     (("lifecycles", "mentee", "transitions", 3, "to"), "lifecycles.mentee.transitions[3].to")],
    ids=["empty", "key", "index", "index-first", "spec-example"],
)  # fmt: skip
def test_dotted(path, text):
    assert dotted(path) == text


def test_x_keys_are_dropped_at_every_level_and_siblings_kept():
    doc = load(
        "x-top: 1\nprogram:\n  x-note: {deep: [1, 2]}\n  id: p\n  xray: kept\n  items:\n"
        "    - x-a: 1\n      name: n\n    - {x-b: 2, name: m}\nx-last: [1]\n"
    )
    assert doc.data == {
        "program": {"id": "p", "xray": "kept", "items": [{"name": "n"}, {"name": "m"}]}
    }
    recorded = [*doc.key_pos, *doc.value_pos]
    assert not [p for p in recorded if any(str(part).startswith("x-") for part in p)]
    assert doc.position(("program", "items", 1, "name"), key=True) == Pos(9, 16)


def test_every_duplicate_key_is_reported_where_it_stands():
    doc, problems = read_yaml("a: 1\nb:\n  c: 1\n  c: 2\n  c: 3\na: 9\nd: {e: 1, e: 2}\n", FILE)
    assert [(p.line, p.col, p.location, p.message) for p in problems] == [
        (4, 3, "b.c", "duplicate key 'c'"),
        (5, 3, "b.c", "duplicate key 'c'"),
        (6, 1, "a", "duplicate key 'a'"),
        (7, 11, "d.e", "duplicate key 'e'"),
    ]
    assert doc is not None
    assert doc.data == {"a": 1, "b": {"c": 1}, "d": {"e": 1}}


@pytest.mark.parametrize(
    ("value", "shown"),
    [("!!python/object:os.system x", "python/object:os.system"),
     ("!!python/name:os.system ''", "python/name:os.system"),
     ("!!python/object/apply:os.system [ls]", "python/object/apply:os.system"),
     ("!custom 1", "!custom"), ("!!binary aGVsbG8=", "binary"), ("!!set {a, b}", "set")],
    ids=["python-object", "python-name", "python-apply", "local-tag", "binary", "set"],
)  # fmt: skip
def test_non_core_tags_are_problems_at_their_line(value, shown):
    doc, problems = read_yaml(f"ok: 1\nrun: {value}\n", FILE)
    assert [(p.line, p.col, p.location) for p in problems] == [(2, 6, "run")]
    assert f"{shown}' is not allowed" in problems[0].message
    assert doc is not None and doc.data == {"ok": 1, "run": None}


def _bomb(levels: int, width: int) -> str:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_stops_at_the_node_bound(monkeypatch):
    # A low bound keeps the test fast; the engine reads the bound at run time.
    monkeypatch.setattr(yaml_source, "MAX_NODES", 3_000)
    problems = refused(_bomb(levels=10, width=10))  # would expand to 10**10 values
    assert len(problems) == 1
    assert "more than 3000 values" in problems[0].message
    assert problems[0].location.startswith("l3[")  # l0..l2 hold 1 + 11 + 111 + 1111 nodes
    assert 1 <= problems[0].line <= 4


def test_moderate_aliasing_expands_into_independent_copies():
    doc = load(
        "defaults: &d\n  required: true\n  options: &o [a, b]\n"
        "one: *d\nlists: [*o, *o]\n" + _bomb(levels=3, width=5)
    )
    assert doc.data["one"] == {"required": True, "options": ["a", "b"]}
    assert doc.data["lists"] == [["a", "b"], ["a", "b"]]
    assert doc.data["one"] is not doc.data["defaults"]
    assert len(doc.data["l2"]) == 5 and doc.data["l2"][4][4] == ["lol"] * 5
    assert doc.position(("one",), key=True) == Pos(4, 1)


def test_merge_keys_fill_missing_keys_without_overriding():
    doc, problems = read_yaml(
        "base: &base\n  label: Base\n  max: 3\n  nested: {a: 1}\n"
        "role:\n  <<: *base\n  max: 5\n  extra: x\n"
        "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\nd:\n  <<: 1\n",
        FILE,
    )
    assert doc is not None
    assert doc.data["role"] == {"label": "Base", "max": 5, "nested": {"a": 1}, "extra": "x"}
    assert doc.data["base"] == {"label": "Base", "max": 3, "nested": {"a": 1}}
    assert doc.data["c"] == {"x": 1, "y": 2}  # earlier sources win
    assert doc.position(("role", "max")) == Pos(7, 8)
    assert [(p.line, p.col, p.message) for p in problems] == [(14, 7, "'<<' must merge a mapping")]


def test_merge_keeps_the_key_position_of_a_key_set_in_place():
    doc = load("base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\n")
    assert doc.position(("use", "y"), key=True) == Pos(6, 3)


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        pytest.param("a:\n  b: 1\n c: 2\n", 3, 2, id="bad-indentation"),
        pytest.param("a: 1\nb: 2\n  c: 3\n", 3, 4, id="mapping-value-not-allowed"),
        pytest.param("a: 1\nb: 2\nc: {d: 1, e: 2", 3, 15, id="unclosed-flow-mapping"),
        pytest.param("a: 1\nb: 2\nc: [1, 2", 3, 9, id="unclosed-flow-sequence"),
        pytest.param("a:\n\tb: 1\n", 2, 1, id="tab-indentation"),
        pytest.param("a: 1\nb: 2\nc: *nope\n", 3, 4, id="undefined-alias"),
        pytest.param("a: 1\n---\nb: 2\n", 2, 1, id="two-documents"),
    ],
)
def test_syntax_errors_point_at_their_line(text, line, col):
    [problem] = refused(text)
    assert (problem.file, problem.line, problem.col) == (FILE, line, col)
    assert problem.message.startswith("YAML syntax")


@pytest.mark.parametrize("text", ["", "\n\n   \n", "# only a comment\n"], ids=repr)
def test_empty_file(text):
    assert [str(p) for p in refused(text)] == ["civil-eng.yaml:1:1: the file is empty"]


def test_size_bound_counts_utf8_bytes():
    [problem] = refused("a: " + "é" * (MAX_FILE_BYTES // 2))  # fewer characters than bytes
    assert (problem.line, problem.col) == (1, 1)
    assert "larger than 1024 KiB" in problem.message
    assert load("a: 1\n#" + "x" * (MAX_FILE_BYTES - 7) + "\n").data == {"a": 1}  # exactly at bound


def _block(levels: int) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "v"


@pytest.mark.parametrize(
    ("text", "pos"),
    [
        pytest.param("[" * 65 + "]" * 65, Pos(1, 65), id="flow-65"),
        pytest.param("[" * 10_000 + "]" * 10_000, Pos(1, 65), id="flow-10000"),
        pytest.param("- " * 5_000 + "x\n", Pos(1, 129), id="block-seq-5000"),
        pytest.param(_block(MAX_DEPTH + 2), Pos(MAX_DEPTH + 1, 2 * MAX_DEPTH + 1), id="block-map"),
    ],
)
def test_nesting_deeper_than_the_bound_is_a_problem(text, pos):
    [problem] = refused(text)
    assert (problem.line, problem.col) == (pos.line, pos.col)
    assert problem.message == f"nested more than {MAX_DEPTH} levels deep"


def test_nesting_at_the_bound_is_fine():
    data = load("[" * MAX_DEPTH + "]" * MAX_DEPTH).data
    for _ in range(MAX_DEPTH - 1):
        [data] = data
    assert data == []
    doc = load(_block(MAX_DEPTH + 1))
    path = tuple(f"k{i}" for i in range(MAX_DEPTH))
    assert doc.position(path) == Pos(MAX_DEPTH + 1, 2 * MAX_DEPTH + 1)


@pytest.mark.parametrize("value", ["0o_", "0x_", "._", "!!int x", "!!float x", "!!bool yes"])
def test_malformed_numbers_are_problems_not_crashes(value):
    _, problems = read_yaml(f"a: 1\nb: {value}\n", FILE)
    assert [p.line for p in problems] == [2]


@given(st.text())
def test_arbitrary_text_never_raises(text):
    doc, problems = read_yaml(text, FILE)
    assert doc is not None or problems
    assert all(p.line >= 1 and p.col >= 1 and p.file == FILE for p in problems)


# An `x-` annotation is dropped after reading, but read like the rest of the file:
# (text, line, col, location, start of the message)
ANNOTATION_CASES = [
    pytest.param(
        "x-run: !!python/object/apply:os.system [ls]\na: 1\n", 1, 8, "x-run",
        "the tag '!!python/object/apply:os.system' is not allowed", id="python-tag-top",
    ),
    pytest.param(
        "a:\n  x-note:\n    deep: [1, !!python/name:os.system '']\n", 3, 15,
        "a.x-note.deep[1]", "the tag '!!python/name:os.system' is not allowed",
        id="python-tag-deep",
    ),
    pytest.param(
        "items:\n  - {x-b: {c: !custom 1}, name: m}\n", 2, 15, "items[0].x-b.c",
        "the tag '!custom' is not allowed", id="local-tag-in-list-entry",
    ),
    pytest.param(
        "x-a:\n  ? !!python/name:os.system k\n  : 1\n", 2, 5, "x-a.k",
        "the tag '!!python/name:os.system' is not allowed", id="tag-on-a-key",
    ),
    pytest.param(
        "x-a: {k: 1, k: 2}\n", 1, 13, "x-a.k", "duplicate key 'k'", id="duplicate-key",
    ),
    pytest.param(
        "x-a: &b {k: 1}\nx-c:\n  <<: *b\n  d: {<<: [1]}\n", 4, 12, "x-c.d",
        "'<<' must merge a mapping", id="bad-merge",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "col", "location", "message"), ANNOTATION_CASES)
def test_annotations_are_checked_like_the_rest(text, line, col, location, message):
    doc, problems = read_yaml(text, FILE)
    assert [(p.line, p.col, p.location) for p in problems] == [(line, col, location)]
    assert problems[0].message.startswith(message)
    assert doc is not None
    assert not [p for p in [*doc.key_pos, *doc.value_pos] if any("x-" in str(s) for s in p)]


def test_the_same_tags_outside_annotations_are_refused_too():
    _, problems = read_yaml("? !!python/name:os.system k\n: 1\n", FILE)
    assert [(p.line, p.col, p.location) for p in problems] == [(1, 3, "k")]


def test_annotations_may_hold_any_plain_yaml():
    doc = load("x-a:\n  ? [1, 2]\n  : {'!!str': !!int '3', n: ~}\n  <<: {m: 1}\nb: !!str 2\n")
    assert doc.data == {"b": "2"}


def test_alias_bomb_inside_an_annotation_is_refused(monkeypatch):
    monkeypatch.setattr(yaml_source, "MAX_NODES", 3_000)
    bomb = "".join("  " + line + "\n" for line in _bomb(levels=10, width=10).splitlines())
    problems = refused("program: {id: p}\nx-lol:\n" + bomb)
    assert len(problems) == 1
    assert "more than 3000 values (an alias bomb?)" in problems[0].message
    assert problems[0].location.startswith("x-lol.l3[")
    assert 3 <= problems[0].line <= 6
