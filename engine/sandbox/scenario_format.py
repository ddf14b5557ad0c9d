"""The scenario file: who does what in a program, how many days pass, and what must hold.

An agency writes one beside its definition (`definitions/scenarios/<program file>`) and
`mentorflow test` runs it in the sandbox, reporting each expectation that does not hold
at its line. The file is checked like a definition: unknown keys and wrong types are
problems at `file:line:col`, before anything runs.

    definition: ../general-agency.yaml      # optional: the definition it tries
    scenarios:
      - name: A pair goes the whole way
        people: {ann: mentee, ben: mentor, sue: supervisor, cora: coordinator}
        steps:
          - apply: ann
          - take: screen
            as: cora
            on: ann
          - wait: 40
            expect:
              state: {ann: screened}
              reminders: 1
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from ..definition.base import Name, Scalar, StrictModel, Text

PersonaKey = Name
Answers = dict[str, Scalar | list[Scalar] | list[dict[str, Scalar | list[Scalar]]] | None]


class PersonaSpec(StrictModel):
    role: Literal["mentee", "mentor", "supervisor", "coordinator"]
    name: Text | None = None  # shown on pages; the key, capitalised, by default


class Expect(StrictModel):
    """What must hold after a step; every key is optional and all must hold."""

    state: dict[PersonaKey, Name] | None = None  # each persona's enrollment is in the state
    open: dict[PersonaKey, list[Name]] | None = None  # forms that can be filled now
    closed: dict[PersonaKey, list[Name]] | None = None  # forms that cannot be filled now
    can: dict[PersonaKey, list[Name]] | None = None  # steps whose guards hold now
    cannot: dict[PersonaKey, list[Name]] | None = None  # steps refused now (or not possible)
    reminders: Annotated[int, Field(ge=0)] | None = None  # reminders queued so far, in all
    reminded: dict[PersonaKey, Annotated[int, Field(ge=0)]] | None = None  # ... about each
    # A report's figures, by the row's item as the report shows it ('answered' for how
    # many answered a definition report's form): {report_id: {item: value}}.
    report: dict[Name, dict[str, int | float]] | None = None


class Step(StrictModel):
    """One thing done: exactly one of apply, fill, sign, take, match and wait, or only
    `expect`. `as` is who does it; `on` whose enrollment, where it is not plain."""

    apply: PersonaKey | None = None
    fill: Name | None = None
    sign: Name | None = None
    take: Name | None = None
    match: PersonaKey | None = None
    wait: Annotated[float, Field(gt=0, le=3650)] | None = None  # days
    as_: PersonaKey | None = Field(default=None, alias="as")
    on: PersonaKey | None = None
    with_: PersonaKey | None = Field(default=None, alias="with")
    answers: Answers | None = None
    # The step must be refused (true), or refused with a reason containing this text.
    refused: bool | Text | None = None
    expect: Expect | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        actions = [a for a in ACTIONS if getattr(self, a) is not None]
        if len(actions) > 1:
            raise ValueError(f"one action per step, not {' and '.join(actions)}")
        if not actions and self.expect is None:
            raise ValueError(f"a step does one of {', '.join(ACTIONS)}, or only has expect")
        if self.match is not None and self.with_ is None:
            raise ValueError("match needs with: the mentor")
        return self

    @property
    def action(self) -> str | None:
        return next((a for a in ACTIONS if getattr(self, a) is not None), None)


ACTIONS = ("apply", "fill", "sign", "take", "match", "wait")


class Scenario(StrictModel):
    name: Text
    people: dict[PersonaKey, Literal["mentee", "mentor", "supervisor", "coordinator"] | PersonaSpec]
    steps: Annotated[list[Step], Field(min_length=1)]


class ScenarioFile(StrictModel):
    definition: Text | None = None  # relative to the scenario file
    scenarios: Annotated[list[Scenario], Field(min_length=1)]
