"""`mentorflow test` and `mentorflow preview` on the command line: what they print and
their exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mentorflow.web.cli import main

ROOT = Path(__file__).resolve().parents[2]
GENERAL = ROOT / "definitions" / "general-agency.yaml"
ONE_SCENARIO = """scenarios:
  - name: Ann applies and waits
    people: {ann: mentee}
    steps:
      - apply: ann
        answers: {supervisor_informed: true}
      - wait: 3
        expect:
          state: {ann: %s}
"""


def _program(tmp_path: Path, state: str) -> Path:
    definition = tmp_path / "general-agency.yaml"
    definition.write_text(GENERAL.read_text())
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "general-agency.yaml").write_text(ONE_SCENARIO % state)
    return definition


def test_scenarios_that_hold_exit_0(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["test", str(_program(tmp_path, "applied"))])
    assert result.exit_code == 0, result.output
    assert "Ann applies and waits: ok" in result.output
    assert "1 of 1 scenarios hold." in result.output


def test_a_failed_expectation_is_printed_at_its_line_and_exits_1(tmp_path: Path) -> None:
    definition = _program(tmp_path, "active")
    result = CliRunner().invoke(main, ["test", str(definition)])
    assert result.exit_code == 1
    scenarios = tmp_path / "scenarios" / "general-agency.yaml"
    assert f"{scenarios}:2: Ann applies and waits: FAILED" in result.output
    assert f"  {scenarios}:9:24: expected ann in 'active', but ann is in 'applied'" in result.output
    assert "0 of 1 scenarios hold." in result.output
    # A scenario file may be named directly, too.
    direct = CliRunner().invoke(main, ["test", str(scenarios)])
    assert direct.exit_code == 1 and "FAILED" in direct.output


def test_a_definition_without_scenarios_says_where_to_write_them(tmp_path: Path) -> None:
    definition = tmp_path / "general-agency.yaml"
    definition.write_text(GENERAL.read_text())
    result = CliRunner().invoke(main, ["test", str(definition)])
    assert result.exit_code == 1
    assert f"has no scenarios: write them in {tmp_path / 'scenarios' / 'general-agency.yaml'}" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_broken_scenario_file_lists_its_problems_and_exits_1(tmp_path: Path) -> None:
    definition = _program(tmp_path, "applied")
    (tmp_path / "scenarios" / "general-agency.yaml").write_text(
        "scenarios:\n  - name: x\n    people: {ann: mentee}\n    steps: [{aply: ann}]\n"
    )
    result = CliRunner().invoke(main, ["test", str(definition)])
    assert result.exit_code == 1
    assert "general-agency.yaml:4:" in result.output and "aply" in result.output


def test_preview_refuses_a_missing_file_in_one_sentence(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["preview", str(tmp_path / "nothing.yaml")])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output
