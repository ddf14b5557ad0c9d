"""Domain exceptions raised by the engine and translated at the boundaries.

The web layer turns them into status codes and pages, the command line into one
sentence on stderr and exit code 1. Nothing here knows about either.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a definition file, pointing at the line that causes it."""

    file: str
    line: int
    col: int
    location: str
    message: str

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{self.file}:{self.line}:{self.col}: {where}{self.message}"


class MentorflowError(Exception):
    """Base of every error the engine raises on purpose."""


class DefinitionError(MentorflowError):
    """A definition file (or several) cannot be loaded; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        count = len(self.problems)
        first = str(self.problems[0]) if count else "invalid definition"
        more = f" (and {count - 1} more)" if count > 1 else ""
        super().__init__(first + more)


def suggest(name: object, known: Iterable[str]) -> str:
    """' (did you mean X?)' for a near miss among `known`, else ''."""
    if not isinstance(name, str):
        return ""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def known_list(known: Iterable[str]) -> str:
    """'(known: a, b, c)' in the order given, for messages that list the valid names."""
    names = list(known)
    return f"(known: {', '.join(names)})" if names else "(none defined)"
