"""The sandbox: one definition file tried out on its own temporary database.

`mentorflow preview` serves it and `mentorflow test` runs scenarios in it. It never
touches the live database: its records live in a folder of its own (a temporary one
unless told), its clock moves only when the author moves it, and its people are
personas, made in one click. The definition is read again when the file changes, never
per request: a change that leaves the records meaningful (a label, a new field, a new
state) keeps them; one that would strand them (a state or form they use removed) starts
the sandbox over, and says so. A broken file keeps the last good program running and
shows its problems at their lines until it is fixed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..definition.loader import load_file
from ..definition.program import Form, Program, Transition
from ..errors import DefinitionError, MentorflowError, Problem
from ..figures.reports import Report
from ..rules.access import Actor
from ..service.core import DueStep
from ..service.reminders import Occurrence
from ..service.revisions import check_database
from ..service.snapshots import EnrollmentSnapshot
from ..service.views import EnrollmentView
from ..service.workflow import Workflow
from .clock import MovableClock
from .samples import sample_answers

PERSONA_ROLES = ("mentee", "mentor", "supervisor", "coordinator")
# The cast made in one click: one persona of each kind, named so a page reads naturally.
CAST = (("Ann Lee", "mentee"), ("Ben Ortiz", "mentor"), ("Sue Park", "supervisor"),
        ("Cora Diaz", "coordinator"))  # fmt: skip
EMAIL_DOMAIN = "sandbox.example.org"


class SandboxError(MentorflowError):
    """What the author asked of the sandbox cannot be done (no such persona, step...)."""


@dataclass
class Persona:
    """A made-up person of the sandbox: `key` is how scenarios and pages name them."""

    key: str
    name: str
    role: str  # mentee | mentor | supervisor | coordinator
    email: str
    enrollment_id: str | None = None  # the enrollment they applied with
    partners: list[str] = field(default_factory=list)  # keys of the mentees of a mentor

    @property
    def title(self) -> str:
        return f"{self.name} ({self.role})"


@dataclass(frozen=True)
class Passage:
    """What happened while the clock moved: automatic steps taken, reminders queued."""

    days: float
    steps: tuple[DueStep, ...]
    reminders: tuple[Occurrence, ...]


def persona_key(name: str) -> str:
    """'Ann Lee' -> 'ann_lee': the key a scenario uses (and the e-mail's local part)."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "persona"


class Sandbox:
    """A definition file, its temporary database, a movable clock and personas."""

    def __init__(
        self, path: str | Path, *, folder: Path | None = None, start: dt.datetime | None = None
    ) -> None:
        self.path = Path(path)
        self._own_folder = folder is None
        self.folder = (
            Path(tempfile.mkdtemp(prefix="mentorflow-sandbox-")) if folder is None else folder
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        self.clock = MovableClock(start)
        self.program: Program | None = None
        self.problems: tuple[Problem, ...] = ()
        self.workflow: Workflow | None = None
        self.personas: dict[str, Persona] = {}
        self.version = 0  # goes up when the file changed or the sandbox started over
        self.notes: list[str] = []  # said once to the author: why the sandbox started over
        self._stamp: tuple[int, int] | None = None
        self._generation = 0
        self._inspector: Actor | None = None
        self.refresh()

    # -- the definition ---------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.folder / f'sandbox-{self._generation}.db'}"

    @property
    def uploads(self) -> Path:
        return self.folder / f"uploads-{self._generation}"

    def refresh(self) -> bool:
        """Read the definition again if the file changed since last time; whether it did."""
        try:
            status = self.path.stat()
            stamp = (status.st_mtime_ns, status.st_size)
        except OSError:
            stamp = (-1, -1)
        if stamp == self._stamp:
            return False
        self._stamp = stamp
        self.version += 1
        try:
            program = load_file(self.path)
        except DefinitionError as exc:
            self.problems = tuple(exc.problems)
            return True
        except OSError as exc:
            self.problems = (
                Problem(str(self.path), 1, 1, "", f"cannot read the file: {exc.strerror}"),
            )
            return True
        self.problems = ()
        # Every figure shown, however few people it counts: the sandbox has a handful.
        program = dataclasses.replace(
            program, info=program.info.model_copy(update={"report_min_group": 1})
        )
        self._use(program)
        return True

    def _use(self, program: Program) -> None:
        if self.workflow is not None and self.program is not None:
            stranded = (
                [f"the program's id changed to {program.id}"]
                if program.id != self.program.id
                else [p.message for p in check_database(self.database_url, {program.id: program})]
            )
            if stranded:
                self.notes.append(f"The sandbox started over: {stranded[0]}.")
                self._start_over()
        self.program = program
        programs = {program.id: program}
        if self.workflow is None:
            self.workflow = Workflow.open(
                programs, self.database_url, clock=self.clock, uploads=self.uploads
            )
            self.workflow.sandboxed = True
        else:  # the same database, clock and sessions, the new program
            self.workflow = self.workflow.with_programs(programs)

    def _start_over(self) -> None:
        if self.workflow is not None:
            self.workflow.close()
        self.workflow = None
        self._generation += 1
        self.personas.clear()
        self._inspector = None

    def reset(self) -> None:
        """Forget every record and persona; the clock goes back to where it started."""
        self._start_over()
        self.clock.now = self.clock.start
        self.version += 1
        if self.program is not None:
            self._use(self.program)

    def close(self) -> None:
        if self.workflow is not None:
            self.workflow.close()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def ready(self) -> Program:
        """The program being tried; SandboxError while the file has never loaded."""
        if self.program is None or self.workflow is None:
            raise SandboxError("The definition has problems; fix them first.")
        return self.program

    @property
    def service(self) -> Workflow:
        if self.program is None or self.workflow is None:
            raise SandboxError("The definition has problems; fix them first.")
        return self.workflow

    # -- personas -----------------------------------------------------------------------

    def add_persona(self, name: str, role: str, key: str | None = None) -> Persona:
        program = self.ready
        if role not in PERSONA_ROLES:
            raise SandboxError(f"A persona is one of {', '.join(PERSONA_ROLES)}, not '{role}'.")
        if role in ("mentee", "mentor") and role not in program.roles:
            raise SandboxError(f"This program has no {role} role.")
        key = key or persona_key(name)
        base, n = key, 2
        while key in self.personas:
            key, n = f"{base}_{n}", n + 1
        email = f"{key.replace('_', '.')}@{EMAIL_DOMAIN}"
        coordinates = program.id if role == "coordinator" else None
        self.service.make_persona(email, name, coordinates=coordinates)
        persona = Persona(key, name, role, email)
        self.personas[key] = persona
        return persona

    def add_cast(self) -> tuple[Persona, ...]:
        """One mentee, one mentor, one supervisor and one coordinator."""
        program = self.ready
        return tuple(
            self.add_persona(name, role)
            for name, role in CAST
            if role not in ("mentee", "mentor") or role in program.roles
        )

    def persona(self, key: str) -> Persona:
        found = self.personas.get(key)
        if found is None:
            known = ", ".join(self.personas) or "none yet"
            raise SandboxError(f"There is no persona '{key}' (known: {known}).")
        return found

    def actor(self, persona: Persona) -> Actor:
        return self.service.persona(persona.email)

    def coordinator(self) -> Persona:
        """The first coordinator persona, made when there is none yet."""
        found = next((p for p in self.personas.values() if p.role == "coordinator"), None)
        return found or self.add_persona("Cora Diaz", "coordinator")

    def supervisor(self) -> Persona | None:
        return next((p for p in self.personas.values() if p.role == "supervisor"), None)

    # -- what personas do -----------------------------------------------------------

    def apply(
        self, persona: Persona, answers: Mapping[str, Any] | None = None
    ) -> EnrollmentSnapshot:
        """Apply in the persona's role with sample answers, `answers` overriding them."""
        program = self.ready
        if persona.role not in ("mentee", "mentor"):
            raise SandboxError(
                f"{persona.name} is a {persona.role}: only mentees and mentors apply."
            )
        form = program.apply_form(persona.role)
        supervisor = self.supervisor()
        eligibility = program.roles[persona.role].eligibility
        filled = sample_answers(
            program,
            form,
            (eligibility.when,) if eligibility is not None else (),
            self.clock.today(),
            email=persona.email,
            supervisor=supervisor.email if supervisor else None,
            given=answers,
        )
        made = self.service.apply(program.id, persona.role, self.actor(persona), filled)
        persona.enrollment_id = made.id
        return made

    def fill(
        self,
        persona: Persona,
        form_id: str,
        on: Persona | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> None:
        program = self.ready
        form = program.forms.get(form_id)
        if form is None:
            raise SandboxError(f"There is no form '{form_id}'.")
        target = self._enrollment(persona, on, form.owner)
        filled = sample_answers(program, form, (), self.clock.today(), given=answers)
        self.service.submit(target, form_id, self.actor(persona), filled, program_id=program.id)

    def sign(self, persona: Persona, form_id: str, on: Persona | None = None) -> None:
        program = self.ready
        form = program.forms.get(form_id)
        if form is None:
            raise SandboxError(f"There is no form '{form_id}'.")
        target = self._enrollment(persona, on, form.owner)
        self.service.sign(
            target, form_id, self.actor(persona), program_id=program.id, typed_name=persona.name
        )

    def take(
        self,
        persona: Persona,
        transition_id: str,
        on: Persona | None = None,
        answers: Mapping[str, Any] | None = None,
    ) -> EnrollmentSnapshot:
        program = self.ready
        owner = on.role if on is not None else self._owner_of_transition(transition_id, persona)
        target = self._enrollment(persona, on, owner)
        transition = self._transition(owner, transition_id)
        asked = None
        if transition.ask is not None:
            form: Form = program.forms[transition.ask]
            asked = sample_answers(program, form, (), self.clock.today(), given=answers)
        moved = self.service.take(
            target, transition_id, self.actor(persona), asked, program_id=program.id
        )
        return moved

    def match(self, mentee: Persona, mentor: Persona, by: Persona | None = None) -> None:
        program = self.ready
        if mentee.enrollment_id is None or mentor.enrollment_id is None:
            raise SandboxError(f"{mentee.name} and {mentor.name} must both have applied first.")
        staff = by or self.coordinator()
        self.service.match(
            mentee.enrollment_id, mentor.enrollment_id, self.actor(staff), program_id=program.id
        )
        mentor.partners.append(mentee.key)

    def advance(self, days: float) -> Passage:
        """Let `days` pass a day at a time, as the daily `mentorflow remind` would see
        them: each day its automatic steps and its reminders."""
        program = self.ready
        if days < 0:
            raise SandboxError("The clock only moves forward.")
        steps: list[DueStep] = []
        reminders: list[Occurrence] = []
        left = days
        while left > 0:
            step = min(1.0, left)
            self.clock.advance(step)
            left -= step
            steps += self.service.take_due_steps([program.id])
            reminders += [o for o in self.service.remind(programs=[program.id]) if o.queued]
        return Passage(days, tuple(steps), tuple(reminders))

    # -- what the author looks at -------------------------------------------------------

    def inspector(self) -> Actor:
        """An admin the author never sees, who reads every enrollment and every step (an
        admin may take any step), so expectations and the simulator see all there is.
        Made once per database, not per look."""
        if self._inspector is None:
            self._inspector = self.service.make_persona(
                f"sandbox@{EMAIL_DOMAIN}", "Sandbox", admin=True
            )
        return self._inspector

    def takers(self, enrollment_id: str, own: Persona) -> dict[str, str]:
        """For each step an enrollment's page offers, the persona who would take it first:
        `own` (the enrollment's persona) when the step is theirs, else the first persona
        whose page offers it. The engine's own views decide, so no rule is copied here."""
        found: dict[str, str] = {}
        others = [p for p in self.personas.values() if p is not own]
        for persona in (own, *others):
            try:
                page = self.service.enrollment_page(
                    self.ready.id, enrollment_id, self.actor(persona)
                )
            except MentorflowError:
                continue  # they may not see it: no step of theirs
            for choice in page.view.transitions:
                found.setdefault(choice.transition.id, persona.key)
        return found

    def inspect(self, enrollment_id: str) -> EnrollmentView:
        return self.service.enrollment_page(self.ready.id, enrollment_id, self.inspector()).view

    def reports(self) -> tuple[Report, ...]:
        return self.service.reports(self.ready.id, self.inspector())

    # -- whose enrollment -------------------------------------------------------------

    def _transition(self, owner: str, transition_id: str) -> Transition:
        lifecycle = self.ready.lifecycle_of(owner)
        found = lifecycle.transitions.get(transition_id)
        if found is None:
            known = ", ".join(lifecycle.transitions)
            raise SandboxError(f"The {owner} lifecycle has no step '{transition_id}' ({known}).")
        return found

    def _owner_of_transition(self, transition_id: str, persona: Persona) -> str:
        program = self.ready
        owners = [r for r in program.roles if transition_id in program.lifecycle_of(r).transitions]
        if persona.role in owners:
            return persona.role
        if len(owners) == 1:
            return owners[0]
        raise SandboxError(f"Say on whose enrollment '{transition_id}' is taken (on: ...).")

    def _enrollment(self, persona: Persona, on: Persona | None, owner: str) -> str:
        """The enrollment an action of `persona` is on: `on`'s, or the persona's own when
        it is of the right role, or the one mentee a mentor or supervisor is with."""
        if on is not None:
            if on.enrollment_id is None:
                raise SandboxError(f"{on.name} has not applied yet.")
            return on.enrollment_id
        if persona.role == owner and persona.enrollment_id is not None:
            return persona.enrollment_id
        candidates: list[Persona] = []
        if persona.role == "mentor" and owner == "mentee":
            candidates = [self.personas[k] for k in persona.partners if k in self.personas]
        elif persona.role in ("supervisor", "coordinator"):
            candidates = [p for p in self.personas.values() if p.role == owner and p.enrollment_id]
        if len(candidates) == 1 and candidates[0].enrollment_id is not None:
            return candidates[0].enrollment_id
        raise SandboxError(f"Say on whose enrollment {persona.name} acts (on: ...).")
