"""Load-time warnings: a step that reads a form which locks once signed.

Such a definition loads and runs, but a form signed with the wrong answer would hold the
step back for ever; the warning names the field read, at its file:line:col, and says the
way out (an amendment), and where the form could not even be amended, what to open.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorflow import engine
from mentorflow.engine.definition.checks.lint import AMEND_HINT

SMALL = (Path(__file__).resolve().parents[1] / "data" / "small.yaml").read_text()
TARGET = "              - {id: target, label: Target date, type: date, min: today, max: today+1y}\n"
START = "requires: {forms: [learning_contract]}}"
CLOSE = "requires: {min_days_in_state: 30}}"


def _with_release_box(text: str) -> str:
    """The small program's learning contract with a box a step can read."""
    assert text.count(TARGET) == 1
    return text.replace(
        TARGET, TARGET + "          - {id: release, label: Release, type: boolean}\n"
    )


def _variant(old: str, new: str) -> str:
    text = _with_release_box(SMALL)
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _position(text: str, marker: str) -> str:
    at = text.index(marker)
    line = text.count("\n", 0, at) + 1
    return f"{line}:{at - text.rfind(chr(10), 0, at)}"


WARNED = [
    # (id, old, new, the value it points at, its location, more it must say)
    (
        "start-reads-the-contract",
        START,
        "requires: {forms: [learning_contract], when: {field: learning_contract.release, equals: true}}}",
        "learning_contract.release",
        "lifecycles.mentee.transitions[3].requires.when.field",
        "'start' reads learning_contract.release",
    ),
    (
        "nested-in-all-from-a-state-where-it-is-closed",
        CLOSE,
        "requires: {when: {all: [{field: check_in.obstacle, equals: false},"
        " {not: {field: learning_contract.release, equals: false}}]}}}",
        "learning_contract.release",
        "lifecycles.mentee.transitions[4].requires.when.all[1].not.field",
        "add active to its open_in",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "marker", "location", "says"),
    [case[1:] for case in WARNED],
    ids=[case[0] for case in WARNED],
)
def test_a_step_reading_a_form_that_locks_is_warned_of(
    old: str, new: str, marker: str, location: str, says: str
) -> None:
    text = _variant(old, new)
    program = engine.load_text(text, "small.yaml")  # a warning never stops loading
    [warning] = program.warnings
    assert (warning.file, f"{warning.line}:{warning.col}") == (
        "small.yaml",
        _position(text, marker),
    )
    assert warning.location == location
    assert AMEND_HINT in warning.message and says in warning.message


QUIET = [
    ("the-small-program-as-it-is", START, START),
    (
        "reading-a-form-without-signatures",
        CLOSE,
        "requires: {when: {field: check_in.obstacle, equals: false}}}",
    ),
    ("reading-the-apply-form", "lt: 1}}", "lt: 1}}"),
]


@pytest.mark.parametrize(("old", "new"), [c[1:] for c in QUIET], ids=[c[0] for c in QUIET])
def test_other_conditions_are_not_warned_of(old: str, new: str) -> None:
    assert engine.load_text(_variant(old, new), "small.yaml").warnings == ()


def test_the_example_programs_can_amend_what_their_steps_read() -> None:
    """Each example warns of its contract's box, and none needs its open_in widened."""
    examples = engine.load_paths([Path(__file__).resolve().parents[3] / "definitions"])
    warned = [w for p in examples.values() for w in p.warnings]
    assert warned, "the examples' start steps read their signed contracts"
    assert all(AMEND_HINT in w.message and "open_in" not in w.message for w in warned)
