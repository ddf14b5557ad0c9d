"""The compiled Program: resolved once, frozen, and what the rest of the engine reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pydantic
import pytest

from mentorflow import engine
from mentorflow.engine.definition.fields import (
    ChoiceField,
    GroupField,
    MultichoiceField,
    choice_values,
)

SMALL = Path(__file__).resolve().parents[1] / "data" / "small.yaml"


@pytest.fixture(scope="module")
def program() -> engine.Program:
    return engine.load_file(SMALL)


def test_star_means_every_non_final_state(program: engine.Program) -> None:
    withdraw = program.lifecycles["mentor"].transitions["withdraw"]
    assert withdraw.sources == ("applied", "available")


def test_named_choice_lists_are_resolved(program: engine.Program) -> None:
    interests = program.forms["mentee_application"].fields["interests"]
    assert isinstance(interests, MultichoiceField)
    assert choice_values(interests) == ("Leadership", "Budgeting", "Writing")
    style = program.forms["mentee_application"].fields["style"]
    assert isinstance(style, ChoiceField)
    assert choice_values(style) == ("hands_on", "reflective")


def test_form_owner_defaults(program: engine.Program) -> None:
    forms = program.forms
    assert forms["mentor_application"].owner == "mentor"
    assert forms["learning_contract"].owner == "mentee"  # a pair's form is on the mentee
    assert forms["screening_notes"].owner == "mentee"  # a coordinator's form too
    assert forms["mentee_application"].apply_for == "mentee"
    assert forms["check_in"].apply_for is None


def test_visible_to_defaults_to_filler_and_coordinator(program: engine.Program) -> None:
    assert program.forms["evaluation"].visible_to == {"filler", "coordinator"}


def test_group_fields_keep_their_own_fields(program: engine.Program) -> None:
    goals = program.forms["learning_contract"].fields["goals"]
    assert isinstance(goals, GroupField)
    assert [f.id for f in goals.fields] == ["goal", "target"]
    assert goals.repeat is not None and (goals.repeat.min, goals.repeat.max) == (1, 5)


def test_lookups(program: engine.Program) -> None:
    assert program.lifecycle_of("mentee").initial == "applied"
    assert program.apply_form("mentor").id == "mentor_application"
    assert program.lifecycles["mentee"].finals == {"closed", "declined"}
    assert [t.id for t in program.lifecycles["mentee"].leaving("applied")] == [
        "screen",
        "decline",
        "fast_track",
    ]


def test_the_program_cannot_be_changed(program: engine.Program) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.source = "elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        program.forms["x"] = program.forms["check_in"]  # type: ignore[index]
    with pytest.raises(pydantic.ValidationError):
        program.info.title = "Changed"  # type: ignore[misc]


def test_load_paths_refuses_two_files_with_one_program_id(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SMALL.read_text())
    (tmp_path / "b.yaml").write_text(SMALL.read_text())
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_paths([tmp_path])
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{tmp_path / 'b.yaml'}:4:7: program.id: program id")
    assert "already used by" in problem.message


def test_load_paths_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(SMALL.read_text().replace("revision: 1", "revision: 0"))
    (tmp_path / "b.yaml").write_text("format: [")
    (tmp_path / "notes.txt").write_text("not a definition")
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_paths([tmp_path])
    files = {Path(p.file).name for p in caught.value.problems}
    assert files == {"a.yaml", "b.yaml"}


def test_the_retention_schedule_is_compiled_in_order_and_immutable() -> None:
    program = engine.load_file(
        Path(__file__).resolve().parents[3] / "definitions" / "general-agency.yaml"
    )
    assert [(r.name, r.keep_months, r.then) for r in program.retention] == [
        ("role mentee", 36, "anonymise"),
        ("role mentor", 36, "anonymise"),
        ("form unmatch_reason", 12, "delete"),
    ]
    assert isinstance(program.retention, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        program.retention[0].keep_months = 1  # type: ignore[misc]
