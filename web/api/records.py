"""Enrollments: a program's list (staff), one enrollment as its reader may see it, and
the writes a participant or coordinator makes to it: steps, forms, signatures.

Every write carries the `version` of the enrollment the caller read; the engine refuses
a stale one (409). The answer of a write is the enrollment as it now stands, with its
new version. Answers are JSON values keyed by field id (a group's entries as a list of
objects); files cannot be sent through the API, so an answer is never an object.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from mentorflow.engine.errors import InvalidQuery
from mentorflow.engine.service.desk import MAX_LIMIT, PAGE_SIZE
from mentorflow.engine.service.views import EnrollmentView
from mentorflow.web.api.door import TAGS, bp, caller, problem_response
from mentorflow.web.api.programs import PROGRAM
from mentorflow.web.boundary import workflow

ID = Field(description="The enrollment's id.", min_length=1, max_length=64)
NAME = Field(min_length=1, max_length=100)

Scalar = str | int | float | bool | None
Entry = dict[str, Scalar | list[Scalar]]
Answers = dict[str, Scalar | list[Scalar] | list[Entry]]


# ---------------------------------------------------------------- what is read


class Party(BaseModel):
    enrollment_id: str
    name: str
    role: str


class Answer(BaseModel):
    field: str = Field(description="The field's id.")
    label: str
    text: str = Field(description="The answer as people read it.")
    current: bool = Field(description="False: the field is no longer asked.")
    entries: list[list[Answer]] = Field(default=[], description="A group's entries.")


class Signature(BaseModel):
    role: str
    signed_at: dt.datetime
    on_paper: bool = Field(description="Recorded by a coordinator from a signature on paper.")


class FormEntry(BaseModel):
    id: str
    created_at: dt.datetime
    answers: list[Answer]
    signatures: list[Signature]


class FormOut(BaseModel):
    id: str
    title: str
    open_now: bool = Field(description="Open in the enrollment's current state.")
    can_fill: bool = Field(description="The caller may submit it now.")
    locked: bool = Field(description="Signed by everyone: no longer changed.")
    missing_signatures: list[str]
    can_sign: list[str] = Field(description="Signatures the caller gives, not given yet.")
    entries: list[FormEntry] = Field(description="What the caller may read, oldest first.")


class TransitionOut(BaseModel):
    id: str
    label: str
    ask: str | None = Field(description="The form whose answers the step asks for.")
    available: bool = Field(description="Every guard holds: the caller may take it now.")
    blocked_by: list[str] = Field(description="Why it cannot be taken yet, in words.")


class HistoryOut(BaseModel):
    at: dt.datetime
    kind: str = Field(description="apply, import, transition or amend.")
    transition: str | None
    what: str
    who: str
    as_role: str
    from_state: str | None = Field(description="The state's label.")
    to_state: str = Field(description="The state's label.")
    answers: list[Answer] | None = Field(
        description="The step's answers, where the caller may read them."
    )


class EnrollmentOut(BaseModel):
    id: str
    program: str
    role: Literal["mentor", "mentee"]
    state: str
    state_label: str
    version: int = Field(description="The record's version: send it with every write.")
    partners: list[Party]
    forms: list[FormOut]
    transitions: list[TransitionOut] = Field(description="The steps the caller may take from here.")
    history: list[HistoryOut]


def _answer(shown: Any) -> Answer:
    return Answer(
        field=shown.field,
        label=shown.label,
        text=shown.text,
        current=shown.current,
        entries=[[_answer(part) for part in entry] for entry in shown.entries],
    )


def enrollment_out(view: EnrollmentView) -> dict[str, Any]:
    e = view.enrollment
    found = EnrollmentOut(
        id=e.id,
        program=e.program_id,
        role=e.role,  # type: ignore[arg-type]
        state=e.state,
        state_label=e.state_label,
        version=e.version,
        partners=[
            Party(enrollment_id=p.enrollment_id, name=p.name, role=p.role) for p in view.partners
        ],
        forms=[
            FormOut(
                id=slot.form.id,
                title=slot.form.title,
                open_now=slot.open_now,
                can_fill=slot.can_fill,
                locked=slot.locked,
                missing_signatures=list(slot.missing_signatures),
                can_sign=list(slot.can_sign),
                entries=[
                    FormEntry(
                        id=entry.id,
                        created_at=entry.created_at,
                        answers=[_answer(a) for a in entry.shown],
                        signatures=[
                            Signature(
                                role=s.role, signed_at=s.signed_at, on_paper=bool(s.recorded_by_id)
                            )
                            for s in entry.signatures
                        ],
                    )
                    for entry in slot.entries
                ],
            )
            for slot in view.forms
        ],
        transitions=[
            TransitionOut(
                id=choice.transition.id,
                label=choice.transition.label,
                ask=choice.transition.ask,
                available=not choice.reasons,
                blocked_by=list(choice.reasons),
            )
            for choice in view.transitions
        ],
        history=[
            HistoryOut(
                at=item.at,
                kind=item.kind,
                transition=item.transition,
                what=item.what,
                who=item.who,
                as_role=item.as_role,
                from_state=item.from_state,
                to_state=item.to_state,
                answers=[_answer(a) for a in item.answers] if item.answers is not None else None,
            )
            for item in view.history
        ],
    )
    return found.model_dump(mode="json")


def current(enrollment_id: str) -> dict[str, Any]:
    return enrollment_out(workflow().enrollment_page(None, enrollment_id, caller()).view)


# ---------------------------------------------------------------- the list (staff)


class ListQuery(BaseModel):
    role: Literal["mentor", "mentee"] | None = None
    state: str | None = Field(
        None, description="A state id of the role's lifecycle.", max_length=100
    )
    text: str = Field(
        "", description="Words in the person's name or e-mail address.", max_length=200
    )
    cursor: str | None = Field(
        None, description="`next_cursor` of the page before.", max_length=200
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_LIMIT)


class ListPath(BaseModel):
    program: str = PROGRAM


class EnrollmentRow(BaseModel):
    id: str
    name: str
    email: str
    role: str
    state: str
    state_label: str
    days_in_state: int


class EnrollmentPage(BaseModel):
    items: list[EnrollmentRow]
    next_cursor: str | None = Field(
        description="Send as `cursor` for the next page; null on the last."
    )


def _cursor(after: str) -> str:
    return base64.urlsafe_b64encode(f"e:{after}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("e:"):
        raise InvalidQuery("This cursor is not one this API gave out.")
    return text[2:]


@bp.get(
    "/programs/<program>/enrollments",
    tags=[TAGS["enrollments"]],
    summary="A program's enrollments",
    description="The program's enrollments that match the filters, a page at a time, in a "
    "stable order: follow `next_cursor` until it is null to see each exactly once. "
    "For the program's coordinators and the admins.",
    responses={200: EnrollmentPage},
)
def list_enrollments(path: ListPath, query: ListQuery) -> Any:
    found = workflow().enrollments_after(
        path.program,
        caller(),
        role=query.role,
        state=query.state,
        text=query.text,
        after=_after(query.cursor),
        limit=query.limit,
    )
    items = [
        EnrollmentRow(
            id=r.enrollment_id,
            name=r.name,
            email=r.email,
            role=r.role,
            state=r.state,
            state_label=r.state_label,
            days_in_state=r.days_in_state,
        )
        for r in found.rows
    ]
    after = found.next_after
    return EnrollmentPage(items=items, next_cursor=_cursor(after) if after else None).model_dump(
        mode="json"
    )


# ---------------------------------------------------------------- one enrollment


class EnrollmentPath(BaseModel):
    id: str = ID


class TransitionPath(BaseModel):
    id: str = ID
    transition: str = NAME


class FormPath(BaseModel):
    id: str = ID
    form: str = NAME


class TakeBody(BaseModel):
    version: int = Field(description="The enrollment's version the caller read.")
    answers: Answers | None = Field(None, description="The answers of the step's `ask` form.")


class SubmitBody(BaseModel):
    version: int = Field(description="The enrollment's version the caller read.")
    answers: Answers = Field(
        description="Field id to answer; a group's entries as a list of objects."
    )


class SignBody(BaseModel):
    version: int = Field(description="The enrollment's version the caller read.")
    typed_name: str | None = Field(
        None,
        max_length=300,
        description="The signer's full name as typed: must be their account's name.",
    )


CONFLICT = {
    "409": problem_response(
        "A stale version, a step not possible now (with its reasons), or a form not open."
    )
}
INVALID = {
    "422": problem_response("Answers that cannot be stored: each field's problem in `errors`.")
}

WRITE_RESPONSES: dict[Any, Any] = {200: EnrollmentOut, **CONFLICT, **INVALID}


@bp.get(
    "/enrollments/<id>",
    tags=[TAGS["enrollments"]],
    summary="One enrollment",
    description="The enrollment as the caller may see it: its forms with the answers the "
    "caller may read, its history, and the steps the caller may take with the reasons "
    "those blocked are blocked (what the enrollment page shows).",
    responses={200: EnrollmentOut},
)
def get_enrollment(path: EnrollmentPath) -> Any:
    return current(path.id)


@bp.post(
    "/enrollments/<id>/transitions/<transition>",
    tags=[TAGS["enrollments"]],
    summary="Take a step",
    description="Take a transition of the enrollment's lifecycle, with the answers of its "
    "`ask` form if it has one. 409 when the version is stale, the step does not leave the "
    "current state, or a guard does not hold (`reasons` says which).",
    responses=WRITE_RESPONSES,
)
def take_transition(path: TransitionPath, body: TakeBody) -> Any:
    workflow().take(
        path.id, path.transition, caller(), body.answers or {}, expected_version=body.version
    )
    return current(path.id)


@bp.post(
    "/enrollments/<id>/forms/<form>",
    tags=[TAGS["enrollments"]],
    summary="Submit a form",
    description="Store the answers to a form of the enrollment (a repeatable form gets a new "
    "entry). 422 with every field's problem when an answer cannot be stored.",
    responses=WRITE_RESPONSES,
)
def submit_form(path: FormPath, body: SubmitBody) -> Any:
    workflow().submit(path.id, path.form, caller(), body.answers, expected_version=body.version)
    return current(path.id)


@bp.post(
    "/enrollments/<id>/forms/<form>/sign",
    tags=[TAGS["enrollments"]],
    summary="Sign a form",
    description="Sign the form's current submission in the caller's own name; `typed_name`, "
    "when given, must be the caller's name as their account holds it.",
    responses=WRITE_RESPONSES,
)
def sign_form(path: FormPath, body: SignBody) -> Any:
    workflow().sign(
        path.id, path.form, caller(), typed_name=body.typed_name, expected_version=body.version
    )
    return current(path.id)
