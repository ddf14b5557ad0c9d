"""Figures for a program's staff: reports, recognition of mentors, the full export.

Each call checks the staff right, reads in a session of its own and hands out plain,
immutable rows; the pages and commands only lay them out.
"""

from __future__ import annotations

from sqlalchemy import select

from ..figures.export import Export
from ..figures.export import export_program as export_rows
from ..figures.recognition import (
    RECOGNITION_COLUMNS,
    MentorRecord,
    mentor_recognition,
    recognition_rows,
)
from ..figures.reports import Filters, Report, program_reports
from ..records.store import Enrollment
from ..rules.access import Actor
from .access_log import Read, log_reads
from .core import WorkflowBase


class Figures(WorkflowBase):
    def reports(
        self, program_id: str, actor: Actor, filters: Filters | None = None
    ) -> tuple[Report, ...]:
        """Every report of the program, built-in first, small groups suppressed."""
        program = self.staff_program(program_id, actor)
        with self.reading() as session:
            return tuple(program_reports(session, program, filters))

    def recognition(self, program_id: str, actor: Actor) -> tuple[MentorRecord, ...]:
        """Every mentor with what their relationships came to, and the evaluations
        `actor` may read."""
        program = self.staff_program(program_id, actor)
        with self.reading() as session:
            return tuple(mentor_recognition(session, program, actor))

    def recognition_table(
        self, program_id: str, actor: Actor
    ) -> tuple[tuple[str, ...], list[list[str]]]:
        """The recognition as CSV: its columns and one row per mentor."""
        return RECOGNITION_COLUMNS, recognition_rows(self.recognition(program_id, actor))

    def export_program(self, program_id: str, actor: Actor) -> Export:
        """Everything staff may read of the program's records (`mentorflow export`)."""
        program = self.staff_program(program_id, actor, "export its records", system=True)
        with self.reading() as session:
            found = export_rows(session, program)
            enrollments = session.execute(
                select(Enrollment.id, Enrollment.person_id).where(
                    Enrollment.program_id == program.id
                )
            ).all()
        # Every enrollment is handed out whole: one row each, its submissions with it.
        log_reads(self, actor, [Read(p, program.id, e, "enrollment") for e, p in enrollments])
        return found
