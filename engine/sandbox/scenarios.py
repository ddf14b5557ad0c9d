"""Running scenario files (`scenario_format`) in the sandbox: `mentorflow test`.

Each scenario runs on a sandbox of its own, from an empty database and today's date.
A step that is refused when it should not be (or done when it should be refused) fails
and ends its scenario, since what follows builds on it; an expectation that does not
hold fails at its own line and the scenario goes on, so one run shows every difference.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..definition.schema_errors import problems_from
from ..definition.yaml_source import Document, read_yaml
from ..definition.yaml_source import Path as DocPath
from ..errors import DefinitionError, MentorflowError, Problem
from ..figures.reports import Report
from ..service.reminders import Occurrence
from ..service.views import EnrollmentView
from .sandbox import Persona, Sandbox
from .scenario_format import Expect, PersonaSpec, Scenario, ScenarioFile, Step

SCENARIO_FOLDER = "scenarios"


@dataclass(frozen=True)
class Failure:
    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Outcome:
    """One scenario run: its name, where it starts, and what failed (nothing: it passed)."""

    name: str
    file: str
    line: int
    failures: tuple[Failure, ...]
    steps_run: int

    @property
    def passed(self) -> bool:
        return not self.failures


def scenario_files(definition: Path) -> list[Path]:
    """The scenario files of a definition: `scenarios/<its file name>` beside it, and
    `scenarios/<its stem>.<anything>.yaml` for more than one."""
    folder = definition.parent / SCENARIO_FOLDER
    named = folder / definition.name
    more = sorted(folder.glob(f"{definition.stem}.*{definition.suffix}"))
    return ([named] if named.is_file() else []) + more


def is_scenario_file(path: Path) -> bool:
    return path.parent.name == SCENARIO_FOLDER


def read_scenarios(path: Path) -> tuple[ScenarioFile, Document]:
    """The scenario file, checked; DefinitionError with every problem at its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(
            [Problem(str(path), 1, 1, "", f"cannot read: {exc.strerror}")]
        ) from None
    doc, problems = read_yaml(text, str(path))
    if doc is None or problems:
        raise DefinitionError(problems)
    try:
        return ScenarioFile.model_validate(doc.data), doc
    except ValidationError as exc:
        raise DefinitionError(problems_from(exc, doc, ScenarioFile)) from None


def definition_of(path: Path, found: ScenarioFile) -> Path:
    """The definition a scenario file tries: its `definition:`, else the file of the
    same name (or stem, before the first dot) in the folder above."""
    if found.definition is not None:
        return (path.parent / found.definition).resolve()
    stem = path.name.split(".")[0]
    return path.parent.parent / f"{stem}{path.suffix}"


def run_file(path: Path, *, start: dt.datetime | None = None) -> list[Outcome]:
    found, doc = read_scenarios(path)
    definition = definition_of(path, found)
    return [
        _Run(definition, doc, ("scenarios", i), scenario, start).outcome()
        for i, scenario in enumerate(found.scenarios)
    ]


class _Stop(Exception):
    """The scenario cannot go on: a step it builds on failed."""


class _Run:
    def __init__(
        self,
        definition: Path,
        doc: Document,
        at: DocPath,
        scenario: Scenario,
        start: dt.datetime | None,
    ) -> None:
        self.doc, self.at, self.scenario = doc, at, scenario
        self.definition, self.start = definition, start
        self.failures: list[Failure] = []
        self.reminders: list[Occurrence] = []

    def fail(self, path: DocPath, message: str, *, key: bool = False) -> None:
        pos = self.doc.position(path, key=key)
        self.failures.append(Failure(self.doc.file, pos.line, pos.col, message))

    def outcome(self) -> Outcome:
        steps_run = 0
        with tempfile.TemporaryDirectory(prefix="mentorflow-scenario-") as folder:
            sandbox = Sandbox(self.definition, folder=Path(folder), start=self.start)
            try:
                if sandbox.problems:
                    raise DefinitionError(list(sandbox.problems))
                self.cast(sandbox)
                for i, step in enumerate(self.scenario.steps):
                    self.step(sandbox, (*self.at, "steps", i), step)
                    steps_run += 1
            except _Stop:
                pass
            finally:
                sandbox.close()
        line = self.doc.position(self.at).line
        return Outcome(self.scenario.name, self.doc.file, line, tuple(self.failures), steps_run)

    def cast(self, sandbox: Sandbox) -> None:
        for key, given in self.scenario.people.items():
            spec = given if isinstance(given, PersonaSpec) else PersonaSpec(role=given)
            name = spec.name or key.replace("_", " ").title()
            try:
                sandbox.add_persona(name, spec.role, key=key)
            except MentorflowError as exc:
                self.fail((*self.at, "people", key), str(exc), key=True)
                raise _Stop() from None

    def persona(self, sandbox: Sandbox, path: DocPath, key: str | None) -> Persona | None:
        if key is None:
            return None
        if key not in sandbox.personas:
            self.fail(path, f"'{key}' is not one of this scenario's people")
            raise _Stop()
        return sandbox.personas[key]

    def step(self, sandbox: Sandbox, at: DocPath, step: Step) -> None:
        action = step.action
        if action is not None:
            self.act(sandbox, at, step, action)
        if step.expect is not None:
            self.expect(sandbox, (*at, "expect"), step.expect)

    def act(self, sandbox: Sandbox, at: DocPath, step: Step, action: str) -> None:
        who = self.persona(sandbox, (*at, "as"), step.as_)
        on = self.persona(sandbox, (*at, "on"), step.on)
        doing: Callable[[], Any]
        if action == "wait":
            assert step.wait is not None
            days = step.wait

            def doing() -> None:
                self.reminders += sandbox.advance(days).reminders

        elif action == "apply":
            applicant = self.persona(sandbox, (*at, "apply"), step.apply)
            assert applicant is not None
            who = applicant

            def doing() -> None:
                sandbox.apply(applicant, step.answers)

        elif action == "match":
            mentee = self.persona(sandbox, (*at, "match"), step.match)
            mentor = self.persona(sandbox, (*at, "with"), step.with_)
            assert mentee is not None and mentor is not None
            by = who

            def doing() -> None:
                sandbox.match(mentee, mentor, by)

        else:
            if who is None:
                self.fail(
                    (*at, action), f"say who does it: as: one of {', '.join(sandbox.personas)}"
                )
                raise _Stop()
            actor, what = who, str(getattr(step, action))
            doing = {
                "fill": lambda: sandbox.fill(actor, what, on, step.answers),
                "sign": lambda: sandbox.sign(actor, what, on),
                "take": lambda: sandbox.take(actor, what, on, step.answers),
            }[action]
        self.run(at, step, action, who, doing)

    def run(
        self, at: DocPath, step: Step, action: str, who: Persona | None, doing: Callable[[], Any]
    ) -> None:
        described = f"{who.key if who else 'the coordinator'} {action} {getattr(step, action)}"
        try:
            doing()
        except MentorflowError as exc:
            if step.refused is None or step.refused is False:
                self.fail((*at, action), f"{described} was refused: {exc}", key=True)
                raise _Stop() from None
            if isinstance(step.refused, str) and step.refused.lower() not in str(exc).lower():
                self.fail(
                    (*at, "refused"),
                    f"{described} was refused, but not for '{step.refused}': {exc}",
                )
            return
        if step.refused not in (None, False):
            self.fail((*at, "refused"), f"{described} was expected to be refused, and was done")
            raise _Stop()

    # -- expectations -------------------------------------------------------------------

    def expect(self, sandbox: Sandbox, at: DocPath, expect: Expect) -> None:
        for key, wanted in (expect.state or {}).items():
            view = self.view(sandbox, (*at, "state", key), key)
            if view is not None and view.enrollment.state != wanted:
                self.fail(
                    (*at, "state", key),
                    f"expected {key} in '{wanted}', but {key} is in "
                    f"'{view.enrollment.state}' ({view.state_label})",
                )
        self.forms(sandbox, (*at, "open"), expect.open, True)
        self.forms(sandbox, (*at, "closed"), expect.closed, False)
        self.steps(sandbox, (*at, "can"), expect.can, True)
        self.steps(sandbox, (*at, "cannot"), expect.cannot, False)
        if expect.reminders is not None and len(self.reminders) != expect.reminders:
            self.fail(
                (*at, "reminders"),
                f"expected {expect.reminders} reminders queued so far, found "
                f"{len(self.reminders)}{_listed(o.text for o in self.reminders)}",
            )
        for key, count in (expect.reminded or {}).items():
            persona = self.persona(sandbox, (*at, "reminded", key), key)
            assert persona is not None
            about = [o for o in self.reminders if o.enrollment_id == persona.enrollment_id]
            if len(about) != count:
                self.fail(
                    (*at, "reminded", key),
                    f"expected {count} reminders about {key}, found {len(about)}"
                    f"{_listed(o.text for o in about)}",
                )
        if expect.report:
            self.reports(sandbox, (*at, "report"), expect.report)

    def view(self, sandbox: Sandbox, path: DocPath, key: str) -> EnrollmentView | None:
        persona = self.persona(sandbox, path, key)
        assert persona is not None
        if persona.enrollment_id is None:
            self.fail(path, f"{key} has no enrollment: they have not applied")
            return None
        return sandbox.inspect(persona.enrollment_id)

    def forms(
        self, sandbox: Sandbox, at: DocPath, wanted: dict[str, list[str]] | None, is_open: bool
    ) -> None:
        for key, form_ids in (wanted or {}).items():
            view = self.view(sandbox, (*at, key), key)
            if view is None:
                continue
            now = {slot.form.id for slot in view.forms if slot.open_now and not slot.locked}
            for i, form_id in enumerate(form_ids):
                if form_id not in sandbox.ready.forms:
                    self.fail((*at, key, i), f"there is no form '{form_id}'")
                elif (form_id in now) != is_open:
                    said = "open" if is_open else "closed"
                    self.fail(
                        (*at, key, i),
                        f"expected {form_id} {said} on {key}'s enrollment "
                        f"(in '{view.enrollment.state}'); open now:{_listed(sorted(now)) or ' none'}",
                    )

    def steps(
        self, sandbox: Sandbox, at: DocPath, wanted: dict[str, list[str]] | None, can: bool
    ) -> None:
        for key, step_ids in (wanted or {}).items():
            view = self.view(sandbox, (*at, key), key)
            if view is None:
                continue
            reasons = {c.transition.id: c.reasons for c in view.transitions}
            for i, step_id in enumerate(step_ids):
                possible = step_id in reasons and not reasons[step_id]
                if possible == can:
                    continue
                if can:
                    why = (
                        "; ".join(reasons[step_id])
                        if step_id in reasons
                        else f"it does not leave '{view.enrollment.state}'"
                    )
                    self.fail((*at, key, i), f"expected {key} to be able to {step_id}: {why}")
                else:
                    self.fail(
                        (*at, key, i),
                        f"expected {step_id} to be refused for {key}, but it can be taken",
                    )

    def reports(
        self, sandbox: Sandbox, at: DocPath, wanted: dict[str, dict[str, int | float]]
    ) -> None:
        found = {r.id: r for r in sandbox.reports()}
        for report_id, figures in wanted.items():
            report = found.get(report_id)
            if report is None:
                self.fail((*at, report_id), f"there is no report '{report_id}'{_listed(found)}")
                continue
            for item, value in figures.items():
                got = _figure(report, item)
                if got != value:
                    items = [r.item for r in report.rows if r.measure == report.chart_measure]
                    self.fail(
                        (*at, report_id, item),
                        f"expected {report_id} '{item}' to be {value}, found "
                        f"{'no such row' if got is None else got}{_listed(items)}",
                    )


def _figure(report: Report, item: str) -> int | float | None:
    if item == "answered" and report.responses is not None:
        return report.responses.value
    rows = [r for r in report.rows if r.item == item or r.key == item]
    chosen = next((r for r in rows if r.measure == report.chart_measure), None)
    chosen = chosen or (rows[0] if rows else None)
    return None if chosen is None else chosen.value


def _listed(items: Iterable[str]) -> str:
    shown = [str(i) for i in items]
    return f" ({', '.join(shown)})" if shown else ""
