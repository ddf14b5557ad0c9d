"""Importing applications from a spreadsheet export (CSV): every row checked, all or nothing.

The header names the apply form's fields by id; each further line is one application.
Every row goes through the same validator as the web form (`clean_apply_answers`:
`clean_answers` with the role's eligibility and the supervisor link), and belongs to the
person whose e-mail is in the form's first `email` field without `link`. While any row is
bad nothing is written, and `ImportFailed` lists every bad row with the line it starts on.

Otherwise the people and the applications are written in one transaction, each table with
one bulk INSERT: the applications' records are built by `application_rows` and written by
`_write_applications`, exactly as one application made on the web is. Existing people and
open enrollments are looked up with one IN query per chunk of e-mails, never per row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TextIO

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from ..definition.fields import (
    AnyField,
    as_group,
    choice_items,
    choice_label,
    choice_value,
    kind_of,
    own_email_field,
    supervisor_fields,
)
from ..definition.program import Form, Program
from ..errors import (
    ImportFailed,
    InvalidAnswers,
    MentorflowError,
    known_list,
    suggest,
)
from ..records.store import Person, new_id
from ..rules.access import Actor
from .applications import (
    Applicant,
    already_enrolled,
    application_rows,
    chunks,
    open_enrollments,
    supervisor_email,
    table_of,
    target_state,
)
from .core import WorkflowBase
from .notify import NewEnrollmentRecipients
from .people import clean_name, normalise_email

PROGRESS_EVERY = 100  # rows between progress reports


@dataclass(frozen=True)
class ImportResult:
    program_id: str
    role: str
    state: str  # where the new enrollments were placed (the initial state by default)
    enrollment_ids: tuple[str, ...]  # in file order
    new_people: int  # people created (the others already had a record with that e-mail)

    @property
    def imported(self) -> int:
        return len(self.enrollment_ids)


@dataclass(frozen=True)
class ImportColumn:
    """One column of the import template: a field of the apply form, and how to write it."""

    id: str
    label: str
    required: bool  # a blank cell is refused (unless the field is not asked on that row)
    how: str  # how to write a cell, in words
    asked_when: bool  # the field is asked only on some answers (show_if): blank otherwise


@dataclass(frozen=True)
class ImportTemplate:
    """What the import page shows and offers as a template: the role's apply form's
    importable fields in form order, the states an import may place people in."""

    program: Program
    role: str
    role_label: str
    form: Form
    columns: tuple[ImportColumn, ...]
    own_email: str | None  # the column whose e-mail says whose application a row is
    initial: tuple[str, str]  # (state, label) where applications start
    states: tuple[tuple[str, str], ...]  # (state, label): the others an import may place in

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.columns)


@dataclass
class _Application:
    line: int
    email: str
    clean: dict[str, Any]
    problems: list[str] = field(default_factory=list)


class Importing(WorkflowBase):
    """The bulk way in: many applications from a spreadsheet export, in one transaction."""

    def import_template(self, program_id: str, role: str, actor: Actor) -> ImportTemplate:
        """The columns `import_applications` takes for `role`, described for people:
        exactly the fields its header check accepts, in the apply form's order."""
        self.staff_program(program_id, actor, "import applications", system=True)
        program = self.program_with_role(program_id, role)
        form = program.apply_form(role)
        lifecycle = program.lifecycle_of(role)
        own = _own_email_field(form)
        bosses = {f.id for f in supervisor_fields(form.fields.values())}
        return ImportTemplate(
            program=program,
            role=role,
            role_label=program.roles[role].label,
            form=form,
            columns=tuple(_column(f, own, bosses) for f in importable_fields(form)),
            own_email=own,
            initial=(lifecycle.initial, lifecycle.label(lifecycle.initial)),
            states=tuple(
                (s, lifecycle.label(s)) for s in lifecycle.states if s != lifecycle.initial
            ),
        )

    def import_applications(
        self,
        program_id: str,
        role: str,
        csv_text_or_file: str | TextIO | Iterable[str],
        *,
        state: str | None = None,
        actor: Actor,
        progress: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import every row of a CSV export as an application to `role` of a program.

        `csv_text_or_file`: the text, or a text file opened with `newline=""`. `state`
        places the new enrollments in that state of the role's lifecycle, recorded as an
        'import' event. `progress` is called with the number of rows checked so far.
        Raises ImportFailed (nothing written) when the header or any row is bad.
        """
        self.staff_program(program_id, actor, "import applications", system=True)
        program = self.program_with_role(program_id, role)
        target = target_state(program, role, state)
        form = program.apply_form(role)
        own = _own_email_field(form)
        if own is None:
            raise MentorflowError(
                f"The {form.title} has no e-mail field without a link, so imported "
                "applications would belong to nobody."
            )

        applications = _check_rows(
            self.clean_apply_answers, program, role, form, own, csv_text_or_file, progress
        )
        with self.transaction() as session:
            people = _existing_people(session, [a.email for a in applications])
            _check_open_enrollments(session, program, role, applications)
            bad = [(a.line, " ".join(a.problems)) for a in applications if a.problems]
            if bad:
                raise ImportFailed(bad)
            applicants, new_people = _write_people(session, form, applications, people)
            now = self.clock()
            recipients = NewEnrollmentRecipients(session, program, self.identity)
            session.flush()  # the new people, whom their mail greets by name
            recipients.readers.look_up(
                [a.email for a in applicants]
                + [supervisor_email(program, role, a.clean) or "" for a in applications]
            )
            rows = [
                application_rows(program, role, applicant, a.clean, actor, now, target, recipients)
                for a, applicant in zip(applications, applicants, strict=True)
            ]
            self._write_applications(session, program, rows)
        if progress is not None:
            progress(len(applications))
        return ImportResult(
            program_id=program.id,
            role=role,
            state=target,
            enrollment_ids=tuple(r.id for r in rows),
            new_people=new_people,
        )


# ---------------------------------------------------------------- reading and checking


def _own_email_field(form: Form) -> str | None:
    """The form's first e-mail field without `link`: whose application it is."""
    found = own_email_field(form.fields.values())
    return found.id if found else None


def importable_fields(form: Form) -> list[AnyField]:
    """The fields a CSV column may name: every field of the form but groups of entries."""
    return [f for f in form.fields.values() if as_group(f) is None]


_HOW = {
    "text": "One line of text.",
    "textarea": "Text; line breaks are kept inside a quoted cell.",
    "email": "An e-mail address.",
    "phone": "A telephone number.",
    "number": "A number.",
    "date": "A date as YYYY-MM-DD.",
    "boolean": "true or false (yes/no, 1/0 too); blank is false.",
    "consent": "true (yes, 1): the consent must be given.",
    "file": "Leave blank: a file cannot come from a CSV; the person attaches it on the form.",
}


def _column(f: AnyField, own: str | None, bosses: set[str]) -> ImportColumn:
    how = _HOW.get(f.type, "")
    items = choice_items(f)
    if items:
        listed = ", ".join(
            choice_value(i)
            + ("" if choice_label(i) == choice_value(i) else f" ({choice_label(i)})")
            for i in items
        )
        how = (
            f"Several of: {listed}, separated by ';'."
            if f.type == "multichoice"
            else f"One of: {listed}."
        )
    if f.id == own:
        how += " Whose application the row is: each person is known by this address."
    elif f.id in bosses:
        how += " The person's supervisor, who is asked to take part."
    return ImportColumn(
        id=f.id,
        label=f.label,
        required=kind_of(f).demands_answer(f),
        how=how.strip(),
        asked_when=f.show_if is not None,
    )


def _records(source: str | TextIO | Iterable[str]) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank CSV record with the line it starts on (csv's line_num is the line it
    ends on, later than its start when a quoted cell holds line breaks)."""
    lines = io.StringIO(source, newline="") if isinstance(source, str) else source
    reader = csv.reader(lines, strict=True)
    start = 1
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed(
                [(start, f"This line cannot be read as CSV: {exc}.")],
                f"The file cannot be read as CSV from line {start}; nothing was imported.",
            ) from None
        except UnicodeDecodeError:
            raise ImportFailed(
                [(reader.line_num + 1, "This line is not UTF-8 text.")],
                "The file is not UTF-8 text; save it as CSV UTF-8 and try again.",
            ) from None
        if any(cell.strip() for cell in record):
            yield start, record
        start = reader.line_num + 1


def _header(form: Form, cells: list[str]) -> list[str]:
    columns = [c.strip() for c in cells]
    if columns:
        columns[0] = columns[0].removeprefix("\ufeff")  # the byte-order mark Excel writes
    problems: list[str] = []
    seen: set[str] = set()
    unknown = []
    for number, name in enumerate(columns, start=1):
        if not name:
            problems.append(f"Column {number} has no name; name every column after a field id.")
        elif name in seen:
            problems.append(f"The column '{name}' appears twice.")
        elif name not in form.fields:
            unknown.append(name + suggest(name, form.fields))
        elif as_group(form.fields[name]) is not None:
            problems.append(
                f"'{name}' is a group of entries, which cannot be imported from a CSV column; "
                "leave it out and have applicants fill it in on the form."
            )
        seen.add(name)
    if unknown:
        fields = "a field" if len(unknown) == 1 else "fields"
        problems.insert(
            0,
            f"Not {fields} of the {form.title}: {', '.join(unknown)} "
            f"{known_list(f.id for f in importable_fields(form))}.",
        )
    if problems:
        raise ImportFailed(
            [(1, p) for p in problems], "The header row has problems; nothing was imported."
        )
    return columns


def _check_rows(
    clean_apply_answers: Callable[..., dict[str, Any]],
    program: Program,
    role: str,
    form: Form,
    own: str,
    source: str | TextIO | Iterable[str],
    progress: Callable[[int], None] | None,
) -> list[_Application]:
    """Every row read and checked on its own and against the file's other rows."""
    records = _records(source)
    first = next(records, None)
    if first is None:
        raise ImportFailed([(1, "The file is empty: it needs a header row naming the fields.")])
    columns = _header(form, first[1])
    label = form.fields[own].label
    applications: list[_Application] = []
    first_line: dict[str, int] = {}
    for done, (line, cells) in enumerate(records, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        application = _Application(line, "", {})
        applications.append(application)
        if len(cells) != len(columns):
            application.problems.append(
                f"This row has {len(cells)} cells; the header names {len(columns)} columns."
            )
            continue
        raw = dict(zip(columns, cells, strict=True))
        try:
            application.clean = clean_apply_answers(
                program, role, normalise_email(raw.get(own, "")), raw
            )
        except InvalidAnswers as exc:
            application.problems.append(str(exc))
            continue
        email = application.clean.get(own)
        if not email:
            application.problems.append(
                f"The {label} ('{own}') is blank: an imported application belongs to the "
                "person with that e-mail."
            )
            continue
        application.email = str(email)
        if application.email in first_line:
            application.problems.append(
                f"{email} is also on line {first_line[application.email]}; "
                "each person applies once."
            )
        else:
            first_line[application.email] = line
    return applications


def _existing_people(session: Session, emails: list[str]) -> dict[str, tuple[str, str]]:
    """Existing people by e-mail: (id, name)."""
    found: dict[str, tuple[str, str]] = {}
    for chunk in chunks(emails):
        rows = session.execute(
            select(Person.email, Person.id, Person.name).where(Person.email.in_(chunk))
        )
        found.update({email: (pid, name) for email, pid, name in rows})
    return found


def _check_open_enrollments(
    session: Session, program: Program, role: str, applications: list[_Application]
) -> None:
    """A row is bad when its person already holds an open enrollment in the role."""
    by_email = {a.email: a for a in applications if a.email and not a.problems}
    for email, enrollment_id in open_enrollments(session, program, role, by_email).items():
        by_email[email].problems.append(str(already_enrolled(program, role, email, enrollment_id)))


# ---------------------------------------------------------------- writing


def _person_name(form: Form, clean: dict[str, Any]) -> str:
    """An imported person's name: the apply form's `name` text field, when it has one."""
    field = form.fields.get("name")
    name = clean.get("name") if field is not None and field.type == "text" else None
    return clean_name(str(name))[:200] if name else ""


def _write_people(
    session: Session,
    form: Form,
    applications: list[_Application],
    people: dict[str, tuple[str, str]],
) -> tuple[list[Applicant], int]:
    """Each row's applicant, the people not yet known created (one bulk insert) and the
    known ones without a name given the file's; returns how many were created."""
    new_people: list[dict[str, Any]] = []
    named: list[dict[str, Any]] = []
    applicants = []
    for application in applications:
        email, name = application.email, _person_name(form, application.clean)
        if email in people:
            person_id, known_name = people[email]
            if name and not known_name:  # as get_or_create_person does
                named.append({"id": person_id, "name": name})
                known_name = name
        else:
            person_id, known_name = new_id(), name
            new_people.append({"id": person_id, "email": email, "name": name})
        applicants.append(Applicant(person_id, email, known_name or email))
    if new_people:
        session.execute(insert(table_of(Person)), new_people)
    if named:
        session.execute(update(Person), named)
    return applicants, len(new_people)
