"""The one maker of safe CSV cells, and the rule that every CSV the project writes uses it."""

from __future__ import annotations

import ast
import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorflow.engine.figures.csv_cells import DANGEROUS, safe_cell, write_rows

ROOT = Path(__file__).resolve().parents[3]
# CSV that no spreadsheet opens, only the importer: the bench's input, and the API's bulk
# applications turned into the importer's input in memory. Each cell is what a person
# typed; a `'` there would be imported as part of the answer.
NOT_FOR_SPREADSHEETS = {"bench/bench_import.py", "web/api/staff.py"}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("-3", "'-3"),  # text that looks like a number is still text
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tX", "'\tX"),
        ("\rY", "'\rY"),
        ("Ann Example", "Ann Example"),
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("'quoted", "'quoted"),
        ("", ""),
        (-3, -3),
        (-1.5, -1.5),
        (Decimal("-0.67"), Decimal("-0.67")),
        (0, 0),
        (None, None),
        (True, True),
    ],
)
def test_safe_cell(value: Any, cell: Any) -> None:
    assert safe_cell(value) == cell
    assert type(safe_cell(value)) is type(cell)


def test_other_values_are_judged_by_their_text() -> None:
    class Formula:
        def __str__(self) -> str:
            return "=1+1"

    assert safe_cell(Formula()) == "'=1+1"


@given(st.text())
def test_any_text_is_kept_or_prefixed_and_never_starts_dangerously(text: str) -> None:
    cell = safe_cell(text)
    assert cell in (text, "'" + text)
    assert not cell.startswith(DANGEROUS)
    assert (cell == text) == (not text.startswith(DANGEROUS))


def test_write_rows_makes_every_cell_safe_and_keeps_numbers() -> None:
    out = io.StringIO()
    write_rows(out, ["name", "=sum"], [["-2+3", -3, 1.5, None, "Ann"]], lineterminator="\n")
    assert out.getvalue() == "name,'=sum\n'-2+3,-3,1.5,,Ann\n"
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["name", "'=sum"],
        ["'-2+3", "-3", "1.5", "", "Ann"],
    ]


def csv_writers(source: str) -> list[int]:
    """Lines where a module makes a CSV writer of its own (csv.writer, csv.DictWriter)."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr in {"writer", "DictWriter"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "csv"
    ]


def test_the_check_sees_a_writer() -> None:
    assert csv_writers("import csv\nw = csv.writer(f)\nd = csv.DictWriter(f, [])\n") == [2, 3]
    assert csv_writers("import csv\nr = csv.reader(f)\n") == []


@pytest.mark.parametrize(
    "path",
    sorted(p for folder in ("engine", "web", "bench") for p in (ROOT / folder).rglob("*.py")),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_every_csv_is_written_through_write_rows(path: Path) -> None:
    name = str(path.relative_to(ROOT))
    if name == "engine/figures/csv_cells.py" or name in NOT_FOR_SPREADSHEETS:
        return
    assert csv_writers(path.read_text()) == [], f"{name} writes CSV without write_rows"
