"""Shared building blocks of the format models: strictness and the id patterns."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

# Strict: `yes` stays text and "3" is not a number, as YAML 1.2 reads them.
# Frozen: a loaded definition is never changed while the program runs.
STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)


class StrictModel(BaseModel):
    model_config = STRICT


PROGRAM_ID_PATTERN = r"^[a-z][a-z0-9-]{1,62}$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"

ProgramId = Annotated[str, StringConstraints(pattern=PROGRAM_ID_PATTERN)]
# Field, form, state, transition, lifecycle, choice-list and report ids.
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1)]
Scalar = str | bool | int | float

# What each pattern means, for error messages written for people, not regex readers.
PATTERN_MEANING = {
    PROGRAM_ID_PATTERN: "a lowercase letter, then 1 to 62 lowercase letters, digits or '-'",
    NAME_PATTERN: "a lowercase letter, then lowercase letters, digits or '_'",
}
