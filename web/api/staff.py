"""What a program's coordinators and the admins do through the API: applications in
bulk, the desk's queues, matching proposals and their confirmation, report figures.

The engine refuses everyone else (403), as it refuses them on the pages.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any, Literal

from pydantic import BaseModel, Field

from mentorflow.engine.errors import InvalidQuery
from mentorflow.engine.figures.reports import read_filters
from mentorflow.engine.service.matching_review import PER_PAGE
from mentorflow.web.api.door import TAGS, bp, caller, problem_response
from mentorflow.web.api.programs import PROGRAM
from mentorflow.web.api.records import Scalar
from mentorflow.web.boundary import workflow

MAX_ROWS = 5000  # applications one call may carry


class ProgramPath(BaseModel):
    program: str = PROGRAM


# ---------------------------------------------------------------- applications in bulk


class ApplicationsBody(BaseModel):
    role: Literal["mentor", "mentee"]
    state: str | None = Field(
        None,
        max_length=100,
        description="Place the new enrollments in this state (default: where applications start).",
    )
    rows: list[dict[str, Scalar | list[Scalar]]] = Field(
        min_length=1,
        max_length=MAX_ROWS,
        description="One application per row: the role's apply form's field ids to answers, "
        "as the import page's CSV columns take them (a multichoice as a list).",
    )


class ApplicationsOut(BaseModel):
    role: str
    state: str
    enrollment_ids: list[str] = Field(description="The new enrollments, in the order of `rows`.")
    new_people: int = Field(description="People who had no record before.")


def _cell(value: Scalar | list[Scalar]) -> str:
    if isinstance(value, list):
        return ";".join(_cell(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def as_csv(rows: list[dict[str, Scalar | list[Scalar]]]) -> str:
    """The rows as the importer reads a spreadsheet's export: one column per field named
    in any row, in the order first named; a field a row leaves out is a blank cell."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
    return out.getvalue()


@bp.post(
    "/programs/<program>/applications",
    tags=[TAGS["staff"]],
    summary="Applications in bulk",
    description="Create many applications at once, with the importer's rules (each row "
    "checked as the apply form checks it): all or nothing. When any row is bad nothing is "
    "written and the 422 problem lists each bad row in `rows` (row 0: the columns as a whole).",
    responses={
        201: ApplicationsOut,
        "409": problem_response("The program is not accepting applications."),
        "422": problem_response(
            "Rows that cannot be imported: each in `rows`; nothing was written."
        ),
    },
)
def create_applications(path: ProgramPath, body: ApplicationsBody) -> Any:
    result = workflow().import_applications(
        path.program, body.role, as_csv(body.rows), state=body.state or None, actor=caller()
    )
    found = ApplicationsOut(
        role=result.role,
        state=result.state,
        enrollment_ids=list(result.enrollment_ids),
        new_people=result.new_people,
    )
    return found.model_dump(mode="json"), 201


# ---------------------------------------------------------------- the desk


class QueueOut(BaseModel):
    role: str
    state: str
    label: str
    count: int
    final: bool


class WaitingOut(BaseModel):
    role: str
    state: str
    count: int
    on: Literal["coordinators", "participants"]
    step: str = Field(description="The step they wait for, in words.")


class ItemOut(BaseModel):
    id: str
    enrollment_id: str
    who: str
    text: str
    raised_at: dt.datetime


class DueOut(BaseModel):
    enrollment_id: str
    who: str
    text: str
    days: int = Field(description="Days in the state.")


class DeskOut(BaseModel):
    program: str
    queues: list[QueueOut] = Field(description="How many enrollments are in each state.")
    waiting: list[WaitingOut] = Field(description="Who each state's next step waits on.")
    items: list[ItemOut] = Field(description="Open items raised on enrollments.")
    due: list[DueOut] = Field(description="Reminders that are due.")


@bp.get(
    "/programs/<program>/desk",
    tags=[TAGS["staff"]],
    summary="The coordinator's desk",
    description="The program's queues by state with their counts, who each waits on, open "
    "items and reminders due. The people themselves are listed by `GET .../enrollments`.",
    responses={200: DeskOut},
)
def desk(path: ProgramPath) -> Any:
    page = workflow().desk(path.program, caller())
    found = DeskOut(
        program=page.program.id,
        queues=[
            QueueOut(role=q.role, state=q.state, label=q.label, count=q.count, final=q.final)
            for q in page.queues
        ],
        waiting=[
            WaitingOut(role=w.role, state=w.state, count=w.count, on=w.on, step=w.step)  # type: ignore[arg-type]
            for w in page.waiting
        ],
        items=[
            ItemOut(
                id=i.item_id,
                enrollment_id=i.enrollment_id,
                who=i.who,
                text=i.text,
                raised_at=i.raised_at,
            )
            for i in page.items
        ],
        due=[
            DueOut(enrollment_id=d.enrollment_id, who=d.who, text=d.text, days=d.days)
            for d in page.due
        ],
    )
    return found.model_dump(mode="json")


# ---------------------------------------------------------------- matching


class ProposalsQuery(BaseModel):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(PER_PAGE, ge=1, le=200)


class Member(BaseModel):
    enrollment_id: str
    name: str


class ProposalOut(BaseModel):
    mentee: Member
    mentor: Member
    score: float
    warnings: list[str]


class UnmatchedOut(BaseModel):
    reason: str
    count: int


class ProposalsOut(BaseModel):
    strategy: str
    waiting: int = Field(description="Mentees waiting for a mentor.")
    mentors_free: int = Field(description="Mentors with a place free.")
    proposed: int = Field(description="Proposals in the whole run.")
    average: float = Field(description="Their average score.")
    digest: str = Field(description="Names this run's proposals: send it to confirm them all.")
    page: int
    pages: int
    proposals: list[ProposalOut] = Field(description="This page's proposals.")
    unmatched: list[UnmatchedOut] = Field(description="Mentees left without a mentor, by why.")


@bp.get(
    "/programs/<program>/matching/proposals",
    tags=[TAGS["staff"]],
    summary="Matching proposals",
    description="Proposals for every mentee waiting for a mentor, a page at a time, with the "
    "run's `digest`. Nothing is written.",
    responses={200: ProposalsOut},
)
def proposals(path: ProgramPath, query: ProposalsQuery) -> Any:
    review = workflow().matching_review(
        path.program, caller(), page=query.page, per_page=query.per_page
    )
    found = ProposalsOut(
        strategy=review.strategy,
        waiting=review.waiting,
        mentors_free=review.mentors_free,
        proposed=review.proposed,
        average=review.average,
        digest=review.digest,
        page=review.page,
        pages=review.pages,
        proposals=[
            ProposalOut(
                mentee=Member(enrollment_id=r.mentee.enrollment_id, name=r.mentee.name),
                mentor=Member(enrollment_id=r.mentor.enrollment_id, name=r.mentor.name),
                score=r.score,
                warnings=list(r.warnings),
            )
            for r in review.rows
        ],
        unmatched=[UnmatchedOut(reason=g.reason, count=g.count) for g in review.unmatched_groups],
    )
    return found.model_dump(mode="json")


class Pair(BaseModel):
    mentee: str = Field(min_length=1, max_length=64, description="The mentee's enrollment id.")
    mentor: str = Field(min_length=1, max_length=64, description="The mentor's enrollment id.")


class ConfirmBody(BaseModel):
    digest: str | None = Field(
        None,
        max_length=100,
        description="The `digest` of the proposals read: confirms every proposal of that run, "
        "or nothing (409) when the proposals have changed since.",
    )
    pairs: list[Pair] = Field(
        [], max_length=10_000, description="Pairs to confirm, when no `digest` is sent."
    )
    rejected: list[str] = Field(
        [], max_length=10_000, description="Mentees of `pairs` to leave unmatched."
    )


class OutcomeOut(BaseModel):
    mentee_id: str
    mentor_id: str | None
    status: Literal["matched", "refused", "rejected"]
    message: str


class ConfirmOut(BaseModel):
    run_id: str | None = Field(description="The saved run; null when nothing was sent.")
    outcomes: list[OutcomeOut]


@bp.post(
    "/programs/<program>/matching/confirm",
    tags=[TAGS["staff"]],
    summary="Confirm matches",
    description="Confirm the proposals read (`digest`), or the pairs given. Each pair is "
    "matched through the engine's rules; a refused pair says why in its outcome.",
    responses={
        200: ConfirmOut,
        "409": problem_response("The proposals changed since they were read."),
    },
)
def confirm(path: ProgramPath, body: ConfirmBody) -> Any:
    if body.digest:
        done = workflow().confirm_review(path.program, caller(), [], [], reviewed=body.digest)
    else:
        done = workflow().confirm_review(
            path.program,
            caller(),
            [p.mentee for p in body.pairs],
            [p.mentor for p in body.pairs],
            rejected=body.rejected,
        )
    found = ConfirmOut(
        run_id=done.run_id,
        outcomes=[
            OutcomeOut(
                mentee_id=o.mentee_id, mentor_id=o.mentor_id, status=o.status, message=o.message
            )  # type: ignore[arg-type]
            for o in done.outcomes
        ],
    )
    return found.model_dump(mode="json")


# ---------------------------------------------------------------- reports


class ReportsQuery(BaseModel):
    date_from: dt.date | None = Field(None, description="Applications from this day on.")
    date_to: dt.date | None = Field(None, description="Applications up to this day.")
    cohort: str | None = Field(None, max_length=20, description="A quarter, e.g. 2026-Q1.")
    role: Literal["mentor", "mentee"] | None = None


class RowOut(BaseModel):
    item: str
    measure: str
    value: float | None = Field(
        description="Null when suppressed (a group smaller than `min_group`)."
    )
    suppressed: bool
    total: bool


class ReportOut(BaseModel):
    id: str
    title: str
    min_group: int
    rows: list[RowOut]
    notes: list[str]


class ReportsOut(BaseModel):
    reports: list[ReportOut]


@bp.get(
    "/programs/<program>/reports",
    tags=[TAGS["staff"]],
    summary="Report figures",
    description="Every report of the program, built-in first, with small-group suppression "
    "applied (a suppressed figure keeps its row with a null value).",
    responses={200: ReportsOut},
)
def reports(path: ProgramPath, query: ReportsQuery) -> Any:
    # The report page's own reading of its filters, so both refuse the same ones.
    filters, problems = read_filters(
        {
            "from": query.date_from.isoformat() if query.date_from else "",
            "to": query.date_to.isoformat() if query.date_to else "",
            "cohort": query.cohort or "",
            "role": query.role or "",
        }
    )
    found = workflow().reports(path.program, caller(), filters)  # refusals come first
    if problems:
        raise InvalidQuery(" ".join(problems))
    out = ReportsOut(
        reports=[
            ReportOut(
                id=r.id,
                title=r.title,
                min_group=r.min_group,
                rows=[
                    RowOut(
                        item=row.item,
                        measure=row.measure,
                        value=row.value,
                        suppressed=row.suppressed,
                        total=row.total,
                    )
                    for row in r.rows
                ],
                notes=list(r.notes),
            )
            for r in found
        ]
    )
    return out.model_dump(mode="json")
