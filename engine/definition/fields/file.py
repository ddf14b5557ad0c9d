"""Attachments: the answer is a descriptor of a file already kept ({name, size, type, id})."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from .kind import FieldBase, FieldKind, Invalid, NoDefault, WidgetKind, blank, register


class FileField(FieldBase):
    type: Literal["file"]
    default: NoDefault = None
    accept: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,10}$")]] = []
    max_kb: int = Field(default=2048, ge=1, le=51200)


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{math.ceil(n / 1024)} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


class FileKind(FieldKind[FileField]):
    type: ClassVar[str] = "file"
    model = FileField
    widget_kind_default: ClassVar[WidgetKind] = "file"

    def clean_value(
        self, f: FileField, value: Any, today: dt.date, stored: Any
    ) -> dict[str, Any] | None:
        if blank(value):
            # An empty file input when editing (or after a failed POST) keeps the stored file.
            return dict(stored) if isinstance(stored, Mapping) and stored else None
        if isinstance(value, str):
            raise Invalid("Attach the file itself; a file name alone cannot be stored.")
        if not isinstance(value, Mapping):
            raise Invalid("This attachment could not be read.")
        name, size = value.get("name"), value.get("size")
        if not isinstance(name, str) or not name.strip():
            raise Invalid("The attached file has no name.")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise Invalid("This attachment could not be read.")
        accept = [a.lower() for a in f.accept]
        extension = name.rpartition(".")[2].lower() if "." in name else ""
        problems = []
        if accept and extension not in accept:
            kinds = [a.upper() for a in accept]
            either = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1]
            problems.append(f"Attach a {either} file.")
        if size == 0:
            problems.append("The attached file is empty.")
        elif size > f.max_kb * 1024:
            problems.append(f"The file is {_size(size)}; the limit is {_size(f.max_kb * 1024)}.")
        if problems:
            raise Invalid(" ".join(problems))
        return dict(value)

    def describe_answer(self, f: FileField, value: Any) -> str:
        return str(value.get("name", "")) if isinstance(value, Mapping) else str(value)

    def hint(self, f: FileField, today: dt.date) -> str | None:
        kinds = [a.upper() for a in f.accept]
        either = (
            (kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " or " + kinds[-1])
            if kinds
            else ""
        )
        what = f"A {either} file" if either else "A file"
        return f"{what} of up to {_size(f.max_kb * 1024)}."

    def widget_attrs(self, f: FileField, today: dt.date) -> dict[str, Any]:
        return {"accept": ",".join(f".{ext}" for ext in f.accept)} if f.accept else {}

    def operand_problem(self, f: FileField, op: str, operand: object) -> str | None:
        return None if op == "is_set" else "a file field can only be tested with is_set"


register(FileKind())
