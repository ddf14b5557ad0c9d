"""The staff right: who may open a program's desk, pages and figures.

One place for the rule every staff page and command asks: a program's coordinators
and the admins may; the engine itself may where a command acts as the system. Each
caller names what is refused, so the refusal says it in words.
"""

from __future__ import annotations

from ..definition.program import Program
from ..errors import Forbidden
from ..rules.access import Actor
from .core import WorkflowBase

OPEN_DESK = "open its desk"


class StaffBase(WorkflowBase):
    def staff_program(
        self, program_id: str, actor: Actor, doing: str = OPEN_DESK, *, system: bool = False
    ) -> Program:
        """The program (NotFound when there is none) if `actor` is on its staff, else
        Forbidden; `system`: the engine itself (a command) may too."""
        program = self.program(program_id)
        if not actor.is_staff(program.id) and not (system and actor.is_system):
            raise Forbidden(f"Only the coordinators of {program.title} may {doing}.")
        return program
