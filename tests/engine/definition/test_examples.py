"""The example programs are what a new agency copies: they must load and use the format fully."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorflow import engine
from mentorflow.engine.definition.fields import FIELD_TYPES, GroupField

DEFINITIONS = Path(__file__).resolve().parents[3] / "definitions"
EXAMPLES = sorted(DEFINITIONS.glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"


def test_there_are_the_four_examples() -> None:
    programs = engine.load_paths([DEFINITIONS])
    assert set(programs) == {
        "general-mentoring",
        "civil-engineers",
        "psychiatric-nursing",
        "human-services-caseload",
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_starts_with_the_schema_line(path: Path) -> None:
    assert path.read_text().splitlines()[0] == SCHEMA_LINE


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_is_a_complete_program(path: Path) -> None:
    program = engine.load_file(path)
    info = program.info
    assert info.purpose and info.guidelines and info.outcomes
    assert all(role.eligibility or role.capacity for role in program.roles.values())
    forms = program.forms.values()
    assert any(f.repeatable for f in forms), "check-ins or logs"
    assert any(f.alert for f in forms), "obstacles reach the coordinator"
    assert any(f.signatures for f in forms), "a signed learning contract"
    states = [s for lc in program.lifecycles.values() for s in lc.states.values()]
    assert {s.outcome for s in states} >= {"completed", "ended_early"}
    assert any(s.reminder for s in states)
    assert program.matching is not None and program.matching.criteria
    assert program.reports


def _field_types(program: engine.Program) -> set[str]:
    types = set()
    for form in program.forms.values():
        for f in form.fields.values():
            types.add(f.type)
            if isinstance(f, GroupField):
                types.update(sub.type for sub in f.fields)
    return types


def test_the_general_program_uses_the_format_fully() -> None:
    program = engine.load_file(DEFINITIONS / "general-agency.yaml")
    assert _field_types(program) == set(FIELD_TYPES)
    transitions = [t for lc in program.lifecycles.values() for t in lc.transitions.values()]
    assert any(t.auto for t in transitions)
    assert any(t.ask for t in transitions)
    assert any(t.confirm for t in transitions)
    assert any(t.requires and t.requires.when for t in transitions)
    assert any(t.requires and t.requires.min_days_in_state for t in transitions)
    kinds = {c.kind for c in program.matching.criteria} if program.matching else set()
    assert kinds == {"overlap", "same", "different", "near", "at_least"}
    for role in ("mentee", "mentor"):  # the training step before matching
        assert any("train" in state for state in program.lifecycle_of(role).states)
    assert "supervisor" in program.forms["learning_contract"].signatures
