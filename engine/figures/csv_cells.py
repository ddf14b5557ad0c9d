"""CSV cells that a spreadsheet shows as text: the one writer of every CSV the project makes.

A spreadsheet that opens a CSV runs a cell starting with `=`, `+`, `-` or `@` as a formula
(and one starting with a tab or carriage return after trimming it), so a name someone chose
or a label from a definition could fetch a URL or run a command on a coordinator's machine.
Such a text cell gets a leading `'` (OWASP's advice), which the spreadsheet shows as text.
Numbers stay numbers, negative ones too: a number is never a formula, and prefixing it
would turn a numeric column into text. So columns that hold figures pass numbers, not text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, TextIO

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """`value` as a cell a spreadsheet cannot run: numbers and None as they are, any other
    value as its text, with a leading `'` when that text starts with a dangerous character."""
    if value is None or isinstance(value, int | float | Decimal):
        return value
    text = value if isinstance(value, str) else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def write_rows(
    file: TextIO, header: Iterable[Any] | None, rows: Iterable[Iterable[Any]], **options: Any
) -> None:
    """Write `header` (when given) and `rows` to `file` as CSV, every cell made safe.
    `options` are csv.writer's (e.g. `lineterminator`)."""
    out = csv.writer(file, **options)
    if header is not None:
        out.writerow([safe_cell(c) for c in header])
    out.writerows([safe_cell(c) for c in row] for row in rows)
