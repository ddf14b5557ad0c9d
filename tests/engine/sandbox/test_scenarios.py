"""Scenario files: each example's pass, a wrong expectation fails at its own line, and a
badly written file is refused at the line of each problem before anything runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mentorflow.engine.errors import DefinitionError
from mentorflow.engine.sandbox.scenario_format import Expect, Scenario, Step
from mentorflow.engine.sandbox.scenarios import (
    read_scenarios,
    run_file,
    scenario_files,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "definitions").glob("*.yaml"))
GENERAL = ROOT / "definitions" / "scenarios" / "general-agency.yaml"


@pytest.mark.parametrize("definition", EXAMPLES, ids=lambda p: p.stem)
def test_each_example_has_scenarios_that_hold(definition: Path) -> None:
    files = scenario_files(definition)
    assert files, f"{definition.name} has no scenario file"
    outcomes = [o for f in files for o in run_file(f)]
    assert [str(f) for o in outcomes for f in o.failures] == []
    # Its main path and a premature closure, each run to the end.
    steps = [s for f in files for sc in read_scenarios(f)[0].scenarios for s in sc.steps if s.take]
    assert "close_early" in {s.take for s in steps}
    assert "complete" in {s.take for s in steps}


def _copy_with(tmp_path: Path, old: str, new: str, source: Path = GENERAL) -> tuple[Path, int]:
    """The general example's scenarios with one line changed, beside a copy of the
    definition; the changed line's number."""
    (tmp_path / "scenarios").mkdir(exist_ok=True)
    definition = ROOT / "definitions" / "general-agency.yaml"
    (tmp_path / "general-agency.yaml").write_text(definition.read_text())
    text = source.read_text()
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    text = text.replace(old, new)
    target = tmp_path / "scenarios" / "general-agency.yaml"
    target.write_text(text)
    return target, line


def test_a_wrong_expectation_fails_at_its_line(tmp_path: Path) -> None:
    path, line = _copy_with(tmp_path, "state: {ann: completed}", "state: {ann: active}")
    first = run_file(path)[0]
    assert not first.passed
    assert [(f.line, f.file) for f in first.failures] == [(line, str(path))]
    message = first.failures[0].message
    assert "expected ann in 'active'" in message and "'completed'" in message
    # The steps after it still ran: one run shows every difference.
    assert first.steps_run == len(read_scenarios(path)[0].scenarios[0].steps)


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        (
            "reminded: {ann: 1}            # two weeks",
            "reminded: {ann: 3}            # two weeks",
            "expected 3 reminders about ann, found 1",
        ),
        (
            "open: {ann: [learning_contract]}",
            "open: {ann: [check_in]}",
            "expected check_in open on ann's enrollment",
        ),
        ("can: {ann: [start]}", "cannot: {ann: [start]}", "expected start to be refused for ann"),
        (
            "cannot: {ann: [complete]}",
            "can: {ann: [complete]}",
            "expected ann to be able to complete",
        ),
        (
            "satisfaction: {answered: 1}",
            "satisfaction: {answered: 2}",
            "expected satisfaction 'answered' to be 2, found 1",
        ),
        ("refused: 120 days", "refused: 12 weeks", "was refused, but not for '12 weeks'"),
    ],
    ids=["reminded", "open", "cannot", "can", "report", "refused-why"],
)
def test_each_kind_of_expectation_fails_in_words(
    tmp_path: Path, old: str, new: str, says: str
) -> None:
    path, line = _copy_with(tmp_path, old, new)
    failures = run_file(path)[0].failures
    assert [f.line for f in failures] == [line]
    assert says in failures[0].message


def test_a_refused_step_ends_its_scenario_and_says_why(tmp_path: Path) -> None:
    path, line = _copy_with(
        tmp_path,
        "      - take: start\n        as: cora\n        on: ann\n      - wait: 40",
        "      - take: complete\n        as: cora\n        on: ann\n      - wait: 40",
    )
    first = run_file(path)[0]
    assert [f.line for f in first.failures] == [line]
    assert first.failures[0].message.startswith("cora take complete was refused: ")
    assert "not possible" in first.failures[0].message
    assert first.steps_run < len(read_scenarios(path)[0].scenarios[0].steps)


def test_a_step_expected_to_be_refused_that_is_done_fails(tmp_path: Path) -> None:
    path, line = _copy_with(
        tmp_path,
        "      - take: screen\n        as: cora\n        on: ann\n      - take: screen",
        "      - take: screen\n        as: cora\n        on: ann\n        refused: true\n      - take: screen",
    )
    failures = run_file(path)[0].failures
    assert "expected to be refused, and was done" in failures[0].message
    assert failures[0].line == line + 3


BAD_FILES = [
    (
        "scenarios:\n  - name: x\n    people: {ann: mentee}\n    steps:\n      - tkae: screen\n",
        5,
        "tkae",
    ),
    (
        "scenarios:\n  - name: x\n    people: {ann: mentee}\n    steps:\n      - {apply: ann, wait: 3}\n",
        5,
        "one action per step",
    ),
    (
        "scenarios:\n  - name: x\n    people: {ann: manager}\n    steps:\n      - apply: ann\n",
        3,
        "manager",
    ),
    (
        "scenarios:\n  - name: x\n    people: {ann: mentee}\n    steps:\n      - wait: -2\n",
        5,
        "more than 0",
    ),
    (
        "scenarios:\n  - name: x\n    people: {ann: mentee}\n    steps:\n      - match: ann\n",
        5,
        "with",
    ),
    ("scenarios:\n  - name: x\n    people: {ann: mentee}\n", 2, "steps"),
    ("scenarios: [\n", 2, ""),
]


@pytest.mark.parametrize(("text", "line", "says"), BAD_FILES)
def test_a_badly_written_scenario_file_is_refused_at_its_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    path = tmp_path / "scenarios" / "general-agency.yaml"
    path.parent.mkdir()
    path.write_text(text)
    with pytest.raises(DefinitionError) as refused:
        run_file(path)
    problems = refused.value.problems
    assert problems and problems[0].line == line, [str(p) for p in problems]
    assert says in str(problems[0])


def test_an_unknown_persona_fails_where_it_is_named(tmp_path: Path) -> None:
    path, line = _copy_with(
        tmp_path, "      - apply: ben\n      - wait: 15", "      - apply: bob\n      - wait: 15"
    )
    failures = run_file(path)[0].failures
    assert failures[0].line == line
    assert "'bob' is not one of this scenario's people" in failures[0].message


DOC = (ROOT / "docs" / "definition-format.md").read_text()
TRY_IT = DOC[DOC.index("## Try your program before it goes live") :]
TRY_IT = TRY_IT[: TRY_IT.index("\n## ", 1)]


@pytest.mark.parametrize(
    "key",
    [
        *(info.alias or name for name, info in Step.model_fields.items()),
        *Expect.model_fields,
        *(info.alias or name for name, info in Scenario.model_fields.items()),
    ],
)
def test_every_scenario_key_is_documented(key: str) -> None:
    assert re.search(rf"^\| `{key}[:`]", TRY_IT, re.M) or f"`{key}`" in TRY_IT


def test_the_documented_scenario_holds_against_the_general_example(tmp_path: Path) -> None:
    example = TRY_IT[TRY_IT.index("```yaml\n") + 8 : TRY_IT.index("```\n", TRY_IT.index("```yaml"))]
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "general-agency.yaml").write_text(
        (ROOT / "definitions" / "general-agency.yaml").read_text()
    )
    path = tmp_path / "scenarios" / "general-agency.yaml"
    path.write_text(example)
    outcomes = run_file(path)
    assert [str(f) for o in outcomes for f in o.failures] == []
    assert outcomes[0].steps_run == len(read_scenarios(path)[0].scenarios[0].steps)
