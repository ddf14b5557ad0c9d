"""The headline figures of a program's reports, read first: how many enrolled, were
matched, are in a relationship now, completed, ended early, and how many answered each
form the definition reports on.

Every headline is a figure the reports already hold (found by its row's `key`, never by
its label), so it is suppressed exactly as there and adds no figure that could undo a
suppression by subtraction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..definition.program import Program
from .reports import Report, Row, Value, format_value, main_path


@dataclass(frozen=True)
class Headline:
    label: str
    value: Value | None  # None when suppressed
    suppressed: bool
    min_group: int
    report_id: str  # the report it comes from, to link to

    @property
    def shown(self) -> str:
        return f"fewer than {self.min_group}" if self.suppressed else format_value(self.value)


def _find(reports: Iterable[Report], report_id: str, key: str) -> tuple[Report, Row] | None:
    for report in reports:
        if report.id == report_id:
            for row in report.rows:
                if row.key == key:
                    return report, row
    return None


def headlines(program: Program, reports: Sequence[Report]) -> tuple[Headline, ...]:
    """The headline figures, in the order a coordinator asks for them; a figure whose
    report was filtered out (the other role) is left out."""
    lifecycle = program.lifecycle_of("mentee")
    path = main_path(lifecycle)
    # The step before the main path's end: where a relationship is under way.
    under_way = [s for s in path if s not in lifecycle.finals][-1:]
    wanted: list[tuple[str, str, str]] = [
        ("enrollments_by_state", f"role:{role}:all", f"{spec.label} enrollments")
        for role, spec in program.roles.items()
        if role in ("mentee", "mentor")
    ]
    wanted.append(("matching", "matched", "Mentees matched"))
    wanted += [
        ("enrollments_by_state", f"state:mentee:{s}", f"{lifecycle.label(s)} now")
        for s in under_way
        if len(path) > 1
    ]
    wanted += [
        ("outcomes", "outcome:completed", "Completed"),
        ("outcomes", "outcome:ended_early", "Ended early"),
    ]
    found: list[Headline] = []
    for report_id, key, label in wanted:
        hit = _find(reports, report_id, key)
        if hit is not None:
            report, row = hit
            found.append(Headline(label, row.value, row.suppressed, report.min_group, report.id))
    seen: set[str] = set()
    for report in reports:
        answered = report.responses
        if answered is None or report.form_title in seen:
            continue
        seen.add(report.form_title)
        what = "Entries" if answered.measure == "entries" else "Responses"
        found.append(
            Headline(
                f"{what}: {report.form_title}",
                answered.value,
                answered.suppressed,
                report.min_group,
                report.id,
            )
        )
    return tuple(found)
