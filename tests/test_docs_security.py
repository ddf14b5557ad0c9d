"""docs/security.md keeps to the code: every level-2 requirement of ASVS 4.0.3 V2 and V3 is
listed exactly once, each row has one verdict, every "met" names a test, every test named
on the page exists, and the counts at the end add up.

A test named on the page that does not exist (renamed, deleted, or not merged yet) fails
here on purpose: the page must not point at evidence that is not there.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"

# ASVS 4.0.3 (github.com/OWASP/ASVS, tag v4.0.3_release, 4.0/en/0x11-V2-Authentication.md
# and 0x12-V3-Session-management.md): how many requirements each section has at level 2
# (V2.8.7 is marked optional there, and V2.10 "OS assisted"; both count). Level-3-only
# requirements are left out: V2.2.4 to V2.2.7, and V3.6 entirely.
LEVEL_2 = {
    "2.1": range(1, 13),
    "2.2": range(1, 4),
    "2.3": range(1, 4),
    "2.4": range(1, 6),
    "2.5": range(1, 8),
    "2.6": range(1, 4),
    "2.7": range(1, 7),
    "2.8": range(1, 8),
    "2.9": range(1, 4),
    "2.10": range(1, 5),
    "3.1": range(1, 2),
    "3.2": range(1, 5),
    "3.3": range(1, 5),
    "3.4": range(1, 6),
    "3.5": range(1, 4),
    "3.7": range(1, 2),
}
EXPECTED = [f"V{section}.{n}" for section, numbers in LEVEL_2.items() for n in numbers]
VERDICTS = ("met", "not met", "not applicable")

ASVS_ID = re.compile(r"\bV\d+\.\d+\.\d+\b(?!\.\d)")
ROW = re.compile(r"^\|\s*(V\d+\.\d+\.\d+)\s*\|(.*)\|\s*$", re.MULTILINE)
# tests/path/test_file.py::test_name, or ::Class::test_name; a parametrized id may follow.
CITATION = re.compile(r"\b(tests/[\w/.-]+\.py)::((?:\w+::)?\w+)(\[[^\]`]*\])?")


@functools.cache
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def rows() -> dict[str, list[str]]:
    """Requirement id -> the cells after it, of every table row that starts with an id."""
    found: dict[str, list[str]] = {}
    for match in ROW.finditer(doc()):
        assert match.group(1) not in found, f"{match.group(1)} has two rows"
        found[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return found


def verdict(cells: list[str]) -> str:
    return cells[1].strip("* ").lower()


def test_the_list_of_requirements_is_asvs_4_0_3_level_2() -> None:
    assert len(EXPECTED) == len(set(EXPECTED)) == 71
    assert EXPECTED[0] == "V2.1.1" and EXPECTED[-1] == "V3.7.1"


def test_every_level_2_requirement_appears_exactly_once() -> None:
    counts = Counter(ASVS_ID.findall(doc()))
    problems = {i: counts[i] for i in EXPECTED if counts[i] != 1}
    assert problems == {}, "each id must appear once: " + ", ".join(
        f"{i} appears {n} times" for i, n in problems.items()
    )
    assert sorted(rows()) == sorted(EXPECTED), "a row for each requirement, and no other"


def test_every_row_has_one_of_the_three_verdicts() -> None:
    for asvs, cells in rows().items():
        assert len(cells) == 3, f"{asvs}: a row is | id | requirement | verdict | how |"
        assert cells[0], f"{asvs}: says nothing of what the requirement is"
        assert verdict(cells) in VERDICTS, f"{asvs}: '{cells[1]}' is not one of {VERDICTS}"
        assert len(cells[2]) >= 5, f"{asvs}: a verdict needs its reason"


def test_every_met_row_names_a_test() -> None:
    unproved = [asvs for asvs, cells in rows().items() if verdict(cells) == "met"]
    unproved = [asvs for asvs in unproved if not CITATION.search(rows()[asvs][2])]
    assert unproved == [], "met, but which test shows it?"


@functools.cache
def defined_tests(path: Path) -> frozenset[str]:
    """Every test function of a file, as `name` or `Class::name`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names |= {
                f"{node.name}::{item.name}"
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            }
    return frozenset(name for name in names if name.split("::")[-1].startswith("test"))


def citations() -> list[tuple[str, str]]:
    return sorted({(m.group(1), m.group(2)) for m in CITATION.finditer(doc())})


def test_the_page_names_tests() -> None:
    assert len(citations()) >= 30


@pytest.mark.parametrize(("path", "name"), citations(), ids=lambda v: str(v))
def test_every_test_named_exists(path: str, name: str) -> None:
    file = ROOT / path
    assert file.is_file(), f"{path} does not exist"
    assert name in defined_tests(file), f"{path} defines no test {name}"


def test_the_counts_add_up() -> None:
    tally = Counter(verdict(cells) for cells in rows().values())
    said = re.search(
        r"\*\*(\d+) met\*\*, \*\*(\d+) not met\*\*, \*\*(\d+) not\s+applicable\*\*", doc()
    )
    assert said, "the page gives the counts as **N met**, **N not met**, **N not applicable**"
    assert tuple(int(n) for n in said.groups()) == tuple(tally[v] for v in VERDICTS)
