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


# Errors of the workflow, each mapped to one status code by the web layer and to one
# sentence and exit code 1 by the command line.


class NotFound(MentorflowError):
    """No such record, or not one this person may see (the web answers 404)."""


class Forbidden(MentorflowError):
    """This person's role may not do this (403)."""


class Unverified(Forbidden):
    """The account has not proved its e-mail address yet, so it may do nothing."""

    def __init__(
        self, message: str = "Verify your e-mail address first: open the link we mailed you."
    ):
        super().__init__(message)


class BadToken(MentorflowError):
    """A personal access token that signs nobody in: unknown, revoked, expired, or its
    person's address no longer proved. Not a `Forbidden`: the API answers 401 (say who
    you are), never 403 (you may not)."""

    def __init__(
        self, message: str = "This access token is not valid: it is unknown, revoked or expired."
    ):
        super().__init__(message)


class Conflict(MentorflowError):
    """The record is not in a state that allows this, or changed meanwhile (409)."""


class Unavailable(MentorflowError):
    """Something the service stands on cannot be used right now, so nothing was saved
    (503): the person may send the same thing again once it is back."""


class DatabaseFailed(Unavailable):
    """The database could not be reached or refused a statement; the message is one
    sentence with the driver's own words (never a statement dump or a password)."""


class StorageFailed(Unavailable):
    """The uploads folder could not be written or read (not writable, missing, full)."""


class Clashed(Conflict):
    """A write met the same write made at the same moment (a unique key held twice)."""

    def __init__(self, message: str = "This clashed with another change made at the same time."):
        super().__init__(message)


class StaleVersion(Conflict):
    def __init__(self, message: str = ""):
        super().__init__(
            message or "Someone else changed this record a moment ago; reload it and try again."
        )


class NotAvailable(Conflict):
    """The transition does not leave the current state."""


class GuardsFailed(Conflict):
    """Guards of the transition do not hold; carries every reason in words."""

    def __init__(self, label: str, reasons: list[str]):
        self.reasons = reasons
        super().__init__(f"{label} is not possible yet: " + "; ".join(reasons) + ".")


class FormNotOpen(Conflict):
    """The form cannot be filled in the enrollment's current state, or is locked."""


class AlreadyEnrolled(Conflict):
    def __init__(self, enrollment_id: str, message: str):
        self.enrollment_id = enrollment_id
        super().__init__(message)


class SignInRefused(MentorflowError):
    """Wrong e-mail or password (never says which), or a sign-in the throttle holds back:
    `throttled`, which the web answers with 429 and the sentence saying how long to wait."""

    def __init__(self, message: str, throttled: bool = False):
        self.throttled = throttled
        super().__init__(message)


class InvalidQuery(MentorflowError):
    """A page was asked for with a parameter that is not what it should be, such as a
    filter naming no role or a number that is not one (400, with the reason)."""


class InvalidAnswers(MentorflowError):
    """A form's answers cannot be stored; carries every problem, not just the first.

    `errors` maps a field key to one sentence for people: a top-level field id, a group
    entry's field as `<group>-<n>-<field>` (WTForms' names, n as submitted, from 0), or the
    group id for problems with the entries as a whole. `form_error` is a sentence for the
    whole form, such as a role's eligibility text, shown word for word.
    """

    def __init__(self, errors: dict[str, str], form_error: str | None = None):
        self.errors: dict[str, str] = dict(errors)
        self.form_error = form_error
        count = len(self.errors)
        if count:
            head = "1 answer needs" if count == 1 else f"{count} answers need"
            detail = "; ".join(f"{key}: {text.rstrip('.')}" for key, text in self.errors.items())
            summary = f"{head} attention: {detail}."
            if form_error:
                summary += f" {form_error}"
        else:
            summary = form_error or "The answers need attention."
        super().__init__(summary)


class ImportFailed(MentorflowError):
    """A CSV import was refused; nothing was imported.

    `rows` lists every problem as (line number in the file, one sentence), in file order;
    line 1 is the header. The message is one sentence for the whole file.
    """

    def __init__(self, rows: Iterable[tuple[int, str]], summary: str | None = None):
        self.rows: tuple[tuple[int, str], ...] = tuple(sorted(rows))
        if summary is None:
            count = len({line for line, _ in self.rows})
            summary = (
                "1 row has problems" if count == 1 else f"{count} rows have problems"
            ) + "; nothing was imported."
        super().__init__(summary)
