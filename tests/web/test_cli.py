"""`mentorflow validate` and `mentorflow schema`: exit codes and file:line:col messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentorflow.web.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "definitions").glob("*.yaml"))


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_validate_the_definitions_folder() -> None:
    code, out, err = _run("validate", str(ROOT / "definitions"))
    assert code == 0, err
    assert out.count(": ok (") == len(EXAMPLES)


def test_validate_prints_warnings_with_their_position_and_still_succeeds() -> None:
    code, out, err = _run(
        "validate", "--no-database", str(ROOT / "definitions/general-agency.yaml")
    )
    assert code == 0 and ": ok (general-mentoring" in out
    [warning] = err.splitlines()
    assert re.match(r".*general-agency\.yaml:\d+:\d+: warning: lifecycles\.mentee\.", warning)
    assert "learning_contract.release_time" in warning
    assert "if it is wrong once signed, the coordinator must amend the form" in warning


def test_validate_defaults_to_the_definitions_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    code, out, _ = _run("validate")
    assert code == 0 and "general-mentoring" in out


def _typo_in_value(match: re.Match[str]) -> tuple[str, int]:
    """Append '_typo' to the matched name; the error points at the name."""
    return match[1] + match[2] + "_typo", match.start(2) + 1


def _typo_in_key(match: re.Match[str]) -> tuple[str, int]:
    """Misspell the key 'title'; the error points at the key."""
    return match[1] + "titel" + match[2], match.start(0) + len(match[1]) + 1


# Ways to break any example by hand: (regex for the first line to edit, the edit, what is said).
BREAKS = [
    (r"^(\s+initial: )(\w+)$", _typo_in_value, "no state"),
    (r"(\bto: )(\w+)(?=[,}]|$)", _typo_in_value, "no state"),
    (r"^(\s+)title(: .+)$", _typo_in_key, "unknown key 'titel'"),
]


def _break(text: str, pattern: str, edit: object) -> tuple[str, int, int]:
    """Apply `edit` to the first match of `pattern`; return the text, line and column."""
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        match = re.search(pattern, line)
        if match:
            replacement, col = edit(match)  # type: ignore[operator]
            lines[number - 1] = line[: match.start()] + replacement + line[match.end() :]
            return "\n".join(lines) + "\n", number, col
    raise AssertionError(f"nothing to break with {pattern}")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize(("pattern", "edit", "said"), BREAKS, ids=["initial", "to", "key"])
def test_a_hand_broken_example_exits_1_at_the_right_place(
    tmp_path: Path, path: Path, pattern: str, edit: object, said: str
) -> None:
    text, line, col = _break(path.read_text(), pattern, edit)
    broken = tmp_path / path.name
    broken.write_text(text)
    code, _, err = _run("validate", str(broken))
    assert code == 1
    assert f"{broken}:{line}:{col}: " in err, err
    assert said in err
    assert "Traceback" not in err


def test_every_error_is_listed_not_just_the_first(tmp_path: Path) -> None:
    text = EXAMPLES[0].read_text()
    text = re.sub(r"^(\s+initial: \w+)$", r"\1x", text, flags=re.M)
    broken = tmp_path / "two.yaml"
    broken.write_text(text)
    code, _, err = _run("validate", str(broken))
    assert code == 1
    assert len(err.strip().splitlines()) >= 2


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (
            "format: 1\nprogram: !!python/object/apply:os.system [ls]\n",
            "tag '!!python/object/apply:os.system'",
        ),
        (
            "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
            + "".join(
                f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 10) + "]\n"
                for i in range(8)
            ),
            "more than",
        ),
        ("format: 1\nformat: 1\n", "duplicate key 'format'"),
        ("", "the file is empty"),
        ("format: [1,\n", "YAML syntax"),
    ],
    ids=["python-tag", "alias-bomb", "duplicate-key", "empty", "syntax"],
)
def test_unsafe_or_broken_yaml_is_a_clean_error(tmp_path: Path, content: str, said: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content)
    code, _, err = _run("validate", str(bad))
    assert code == 1 and said in err and "Traceback" not in err
    assert err.startswith(f"{bad}:")


def test_validate_a_missing_path_is_a_clean_error(tmp_path: Path) -> None:
    code, _, err = _run("validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "no such file" in err


def test_schema_prints_json_schema() -> None:
    code, out, _ = _run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["title"].startswith("Mentorflow program definition")
    assert "program" in schema["properties"]
