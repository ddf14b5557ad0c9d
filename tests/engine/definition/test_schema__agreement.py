"""The JSON Schema and the engine agree on every definition the tests hold.

Every valid definition passes the schema, so an editor never underlines a file the
engine loads. Every broken one (the tables of `test_loader__errors`, `test_loader__hints`
and the mutations below) is refused by the schema too, or every problem the engine finds
in it is a check listed in the docs' table "Checks only the engine makes": the test
reads that table, so the page and the code cannot drift apart.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from mentorflow.engine.definition.loader import check_definition
from mentorflow.engine.definition.schema import definition_schema
from mentorflow.engine.definition.yaml_source import read_yaml
from tests.engine.definition.test_loader__hints import edited

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SMALL = (HERE.parent / "data" / "small.yaml").read_text()
DOC = (ROOT / "docs" / "definition-format.md").read_text()

# (case, [(text to replace, replacement)]) on data/small.yaml: the engine loads these.
VALID_MUTATIONS = [
    (
        "numbers-as-choices",
        [("choices: [Very useful, Useful, Not useful]", "choices: [1, 2, 3, 4, 5]")],
    ),
    (
        "numbers-as-labelled-choices",
        [
            (
                "choices: [Very useful, Useful, Not useful]",
                "choices: [{value: 1, label: Poor}, {value: 2, label: Good}]",
            )
        ],
    ),
    (
        "a-number-choice-as-default",
        [("choices: [Very useful, Useful, Not useful]", "choices: [1, 2, 3], default: 2")],
    ),
    (
        "a-multichoice-default-list",
        [
            (
                "choices: areas, min_selected: 1}",
                "choices: areas, min_selected: 1, default: [Writing]}",
            )
        ],
    ),
    (
        "an-offset-in-weeks",
        [("max: today, required: true}", "max: today, min: today-2w, required: true}")],
    ),
    (
        "a-date-compared-to-a-literal",
        [
            (
                "max: today+1y}",
                "max: today+1y}\n              - {id: soon, label: Soon, type: text, show_if: {field: target, lte: today+1m}}",
            )
        ],
    ),
    ("an-annotation-among-forms", [("forms:\n", "forms:\n  x-owner: HR\n")]),
    (
        "a-null-operator-is-no-operator",
        [("{field: obstacle, equals: true}", "{field: obstacle, equals: true, lt: null}")],
    ),
    ("weight-as-a-fraction", [("kind: overlap, weight: 3", "kind: overlap, weight: 0.5")]),
    (
        "null-is-no-value",  # each of these is refused when given a value
        [
            (
                "closed: {label: Closed, final: true,",
                "closed: {label: Closed, final: true, reminder: null,",
            ),
            ("screened: {label: Screened}", "screened: {label: Screened, outcome: null}"),
            ("    lifecycle: mentee\n", "    lifecycle: mentee\n    capacity: null\n"),
            ("kind: overlap, weight: 3", "kind: overlap, weight: 3, margin: null"),
            (
                "{id: name, label: Name, type: text, required: true}",
                "{id: name, label: Name, type: text, required: true, pattern_message: null}",
            ),
        ],
    ),
]

# (case, [(text to replace, replacement)]) on data/small.yaml: the engine refuses these.
BROKEN_MUTATIONS = [
    (
        "pattern-message-without-pattern",
        [
            (
                "{id: name, label: Name, type: text, required: true}",
                "{id: name, label: Name, type: text, required: true, pattern_message: Digits}",
            )
        ],
    ),
    (
        "capacity-on-the-mentee-role",
        [("    lifecycle: mentee\n", "    lifecycle: mentee\n    capacity: {default: 1}\n")],
    ),
    ("weight-zero", [("kind: overlap, weight: 3", "kind: overlap, weight: 0")]),
    (
        "a-choice-listed-twice",
        [("[Very useful, Useful, Not useful]", "[Very useful, Useful, Useful]")],
    ),
    (
        "a-shared-choice-listed-twice",
        [("[Leadership, Budgeting, Writing]", "[Leadership, Budgeting, Leadership]")],
    ),
    (
        "a-number-choice-listed-twice-as-text",
        [("[Very useful, Useful, Not useful]", "[1, 2, '2']")],
    ),
    ("a-number-default-given-as-text", [("min: 0, max: 50}", "min: 0, max: 50, default: '3'}")]),
    (
        "a-text-default-given-as-a-number",
        [("required: true, max_length: 120}", "required: true, max_length: 120, default: 3}")],
    ),
    ("a-boolean-default-given-as-text", [("type: boolean}", "type: boolean, default: 'false'}")]),
    (
        "a-consent-default",
        [
            (
                "type: boolean}",
                "type: boolean}\n          - {id: ok, label: OK, type: consent, text: I agree, default: true}",
            )
        ],
    ),
    (
        "a-date-default-not-a-date",
        [("max: today, required: true}", "max: today, required: true, default: tomorrow}")],
    ),
    (
        "a-choice-default-not-a-choice",
        [
            (
                "choices: [Very useful, Useful, Not useful]",
                "choices: [Very useful, Useful, Not useful], default: Great",
            )
        ],
    ),
    (
        "gte-on-a-choice-field-with-a-word",
        [("when: {field: years_of_service, lt: 2}", "when: {field: style, gte: hands_on}")],
    ),
    (
        "gte-on-a-choice-field-with-a-number",
        [("when: {field: years_of_service, lt: 2}", "when: {field: style, gte: 2}")],
    ),
    ("an-empty-choice-list", [("[Very useful, Useful, Not useful]", "[]")]),
    (
        "a-form-id-not-an-id",
        [("  evaluation:\n    title: Evaluation", "  Evaluation:\n    title: Evaluation")],
    ),
    (
        "a-condition-without-operator",
        [("when: {field: years_of_service, lt: 2}", "when: {field: years_of_service}")],
    ),
    (
        "a-group-beside-a-field",
        [
            (
                "when: {field: years_of_service, lt: 2}",
                "when: {field: years_of_service, all: [{field: name, is_set: true}]}",
            )
        ],
    ),
    (
        "min-selected-above-max-selected",
        [("min_selected: 1}", "min_selected: 2, max_selected: 1}")],
    ),
    ("capacity-default-above-max", [("default: 1, max: 3}", "default: 4, max: 3}")]),
    (
        "a-reminder-on-a-final-state-as-block",
        [
            (
                "withdrawn: {label: Withdrawn, final: true}",
                "withdrawn: {label: Withdrawn, final: true, reminder: {after_days: 2, to: [mentor], text: Hi}}",
            )
        ],
    ),
    (
        "a-report-listed-twice",
        [
            (
                "field: usefulness}\n",
                "field: usefulness}\n  - {id: usefulness, title: Again, form: evaluation, field: usefulness}\n",
            )
        ],
    ),
    (
        "a-criterion-listed-twice",
        [
            (
                "kind: same}\n",
                "kind: same}\n    - {id: style, label: Style, mentee: style, mentor: style, kind: different}\n",
            )
        ],
    ),
]


def _table_cases(module: str) -> Iterator[tuple[str, str]]:
    """The broken definitions of a table-driven test module, as text, by case name."""
    spec = importlib.util.spec_from_file_location(f"_corpus_{module}", HERE / f"{module}.py")
    assert spec is not None and spec.loader is not None
    tables = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tables)
    for case in tables.CASES:
        name, edits = case[0], case[1]
        if isinstance(edits, str):  # test_loader__errors: one (old, new) pair
            edits = [(case[1], case[2])]
        yield f"{module}:{name}", edited(edits)


def _string_definitions() -> Iterator[tuple[str, str]]:
    """Whole definitions written out as text in test modules (`format: 1` ... `program:`)."""
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if re.match(r"\s*format: 1\n", text) and "\nroles:" in text:
                    yield f"{path.relative_to(ROOT)}:{node.lineno}", text


@cache
def _verdict(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the engine's problems, the schema's errors) for one definition."""
    doc, problems = read_yaml(text, "corpus.yaml")
    assert doc is not None
    if not problems:
        _, problems = check_definition(doc)
    try:  # the file as an editor reads it, `x-` annotations and all
        data = json.loads(json.dumps(YAML(typ="safe", pure=True).load(text), default=str))
    except YAMLError:  # a tag or a duplicate key: the YAML reader refuses it first
        data = doc.data
    errors = tuple(f"{e.json_path}: {e.message}" for e in _validator().iter_errors(data))
    return tuple(p.message for p in problems), errors


def _problems(text: str) -> tuple[str, ...]:
    return _verdict(text)[0]


def _schema_errors(text: str) -> tuple[str, ...]:
    return _verdict(text)[1]


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(definition_schema())


VALID = [
    *((p.name, p.read_text()) for p in sorted((ROOT / "definitions").glob("*.y*ml"))),
    *((p.name, p.read_text()) for p in sorted((HERE.parent / "data").glob("*.y*ml"))),
    *((name, text) for name, text in _string_definitions() if not _problems(text)),
    *((name, edited(edits)) for name, edits in VALID_MUTATIONS),
]
BROKEN = [
    *_table_cases("test_loader__errors"),
    *_table_cases("test_loader__hints"),
    *((name, edited(edits)) for name, edits in BROKEN_MUTATIONS),
]


def _engine_only_checks() -> list[re.Pattern[str]]:
    """The first column of the docs' table, as patterns: `…` stands for any text."""
    section = DOC.split("## Checks only the engine makes", 1)[1].split("\n## ", 1)[0]
    cells = re.findall(r"^\| `([^`]+)` \|", section, re.M)
    return [re.compile(".*?".join(map(re.escape, cell.split("…")))) for cell in cells]


ENGINE_ONLY = _engine_only_checks()


def _listed(message: str) -> bool:
    return any(p.match(message) for p in ENGINE_ONLY)


@pytest.mark.parametrize(("name", "text"), VALID, ids=[name for name, _ in VALID])
def test_every_valid_definition_passes_the_schema(name: str, text: str) -> None:
    assert _problems(text) == (), f"{name} is meant to be valid"
    assert _schema_errors(text) == ()


@pytest.mark.parametrize(("name", "text"), BROKEN, ids=[name for name, _ in BROKEN])
def test_every_broken_definition_is_refused_by_both_or_listed(name: str, text: str) -> None:
    assert _problems(text), f"{name} is meant to be broken"
    if _schema_errors(text):
        return
    unlisted = [message for message in _problems(text) if not _listed(message)]
    assert unlisted == [], "the schema accepts this: refuse it there, or list the check in the docs"


def test_every_listed_check_is_one_the_corpus_makes() -> None:
    # A row nothing in the corpus needs is a check the schema has learnt to make, or a
    # message the engine no longer writes: either way the table is stale.
    accepted = [m for _, text in BROKEN if not _schema_errors(text) for m in _problems(text)]
    unused = [p.pattern for p in ENGINE_ONLY if not any(p.match(m) for m in accepted)]
    assert ENGINE_ONLY and unused == []


def test_the_corpus_is_large() -> None:
    assert len(VALID) >= 12 and len(BROKEN) >= 100
