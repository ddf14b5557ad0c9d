"""The programs: which are loaded, and one program with its compiled definition."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from mentorflow.engine.definition.program import Program
from mentorflow.web.api.door import TAGS, bp
from mentorflow.web.boundary import programs, workflow

PROGRAM = Field(
    description="The program's id, as its definition names it.", min_length=1, max_length=200
)


class ProgramPath(BaseModel):
    program: str = PROGRAM


class RoleOut(BaseModel):
    id: str
    label: str
    apply_form: str


class ProgramOut(BaseModel):
    id: str
    title: str
    agency: str
    revision: int
    accepting_applications: bool
    roles: list[RoleOut]


class ProgramList(BaseModel):
    items: list[ProgramOut]


class ProgramDetail(ProgramOut):
    definition: dict[str, Any] = Field(
        description="The program's definition as loaded (the definition format, "
        "docs/definition-format.md), with defaults filled in."
    )


def program_out(program: Program) -> dict[str, Any]:
    return {
        "id": program.id,
        "title": program.title,
        "agency": program.info.agency,
        "revision": program.revision,
        "accepting_applications": program.info.accepting_applications,
        "roles": [
            {"id": role_id, "label": role.label, "apply_form": role.apply_form}
            for role_id, role in program.roles.items()
        ],
    }


@bp.get(
    "/programs",
    tags=[TAGS["programs"]],
    summary="The programs",
    description="Every program this server runs, with its roles. Any token may read them.",
    responses={200: ProgramList},
)
def list_programs() -> Any:
    items = [ProgramOut(**program_out(p)) for p in programs().values()]
    return ProgramList(items=items).model_dump(mode="json")


@bp.get(
    "/programs/<program>",
    tags=[TAGS["programs"]],
    summary="One program and its definition",
    description="The program with its compiled definition as JSON: roles, forms, "
    "lifecycles, matching and reports, as the engine runs them.",
    responses={200: ProgramDetail},
)
def get_program(path: ProgramPath) -> Any:
    program = workflow().program(path.program)
    definition = program.definition.model_dump(mode="json", by_alias=True, exclude_none=True)
    return ProgramDetail(**program_out(program), definition=definition).model_dump(mode="json")
