"""The definition format, version 1, as pydantic models: the schema phase of loading.

These models say what each key may hold. Whether the names in them point at
something that exists (states, forms, fields, roles) is checked afterwards by
`definition.checks`, with the whole definition in view. The JSON Schema published for
editors is generated from these models.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from .base import Name, ProgramId, StrictModel, Text
from .conditions import Condition
from .fields import AnyField, ChoiceList

ParticipantRole = Literal["mentor", "mentee"]
# Who may be told, reminded or alerted.
Audience = Literal["mentor", "mentee", "pair", "coordinator", "admin", "supervisor"]
# Who may take a transition.
Actor = Literal["coordinator", "admin", "mentor", "mentee", "pair", "supervisor"]
Filler = Literal["mentor", "mentee", "pair", "coordinator", "supervisor"]
Viewer = Literal["filler", "coordinator", "pair", "mentor", "mentee", "supervisor"]
Signer = Literal["mentor", "mentee", "supervisor", "coordinator"]
Outcome = Literal["completed", "ended_early", "not_started"]
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]


class Contact(StrictModel):
    name: Text
    email: Email


class DesiredOutcome(StrictModel):
    id: Name
    text: Text
    measure: str | None = None


class RelationshipMonths(StrictModel):
    default: int = Field(ge=1)
    min: int | None = Field(default=None, ge=1)
    max: int | None = Field(default=None, ge=1)


class ProgramInfo(StrictModel):
    id: ProgramId
    title: Text
    agency: Text
    revision: int = Field(ge=1)
    contact: Contact
    purpose: str | None = None
    outcomes: list[DesiredOutcome] = []
    guidelines: str | None = None
    accepting_applications: bool = True
    relationship_months: RelationshipMonths | None = None
    report_min_group: int = Field(default=3, ge=1)


class Eligibility(StrictModel):
    text: Text
    when: Condition


class Capacity(StrictModel):
    field: Name | None = None
    default: int = Field(default=1, ge=1)
    max: int | None = Field(default=None, ge=1)


class Role(StrictModel):
    label: Text
    apply_form: Name
    lifecycle: Name
    eligibility: Eligibility | None = None
    capacity: Capacity | None = None


class Roles(StrictModel):
    # The schema refuses what the checks refuse too: a mentee has no capacity.
    mentee: Role = Field(json_schema_extra={"properties": {"capacity": {"type": "null"}}})
    mentor: Role


class Section(StrictModel):
    title: str | None = None
    help: str | None = None
    fields: list[AnyField] = Field(min_length=1)


class Alert(StrictModel):
    when: Condition
    to: list[Audience] = Field(default=["coordinator"], min_length=1)
    text: Text


class Form(StrictModel):
    # For editors, what the checks say too: scope person needs the mentee's enrollment.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["scope"], "properties": {"scope": {"const": "person"}}},
            "then": {
                "not": {
                    "anyOf": [
                        {"required": ["on"], "properties": {"on": {"const": "mentor"}}},
                        {
                            "required": ["filled_by"],
                            "properties": {
                                "on": {"type": "null"},
                                "filled_by": {"const": "mentor"},
                            },
                        },
                    ]
                }
            },
        }
    )

    title: Text
    intro: str | None = None
    filled_by: Filler
    on: ParticipantRole | None = None
    open_in: list[Name] = []
    repeatable: bool = False
    visible_to: list[Viewer] = Field(default=["filler", "coordinator"], min_length=1)
    signatures: list[Signer] = []
    alert: Alert | None = None
    sections: list[Section] = Field(min_length=1)
    # pairing: entries made while the mentee is matched belong to that pairing (a new
    # pairing starts without them); person: they stay with the enrollment across pairings.
    scope: Literal["pairing", "person"] = "pairing"


class Reminder(StrictModel):
    after_days: int = Field(ge=1)
    without: Name | None = None
    to: list[Audience] = Field(min_length=1)
    text: Text


class State(StrictModel):
    # For editors, what the checks say too: outcome and final go together, and a
    # final state has nothing to remind anyone of.
    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"required": ["final"], "properties": {"final": {"const": True}}},
                    "then": {"properties": {"reminder": {"type": "null"}}},
                },
                {
                    "if": {"required": ["outcome"], "properties": {"outcome": {"type": "string"}}},
                    "then": {"required": ["final"], "properties": {"final": {"const": True}}},
                },
            ]
        }
    )

    label: Text
    description: str | None = None
    final: bool = False
    outcome: Outcome | None = None
    notify: list[Audience] = []
    reminder: Reminder | None = None


class DaysSince(StrictModel):
    """At least `days` days since the enrollment first entered `state`."""

    state: Name
    days: int = Field(ge=1)


class Requires(StrictModel):
    forms: list[Name] = []
    partner: bool = False
    when: Condition | None = None
    min_days_in_state: int | None = Field(default=None, ge=1)
    # Forms with an entry submitted since the enrollment last entered its current state;
    # `when` reads only such entries of them.
    fresh_forms: list[Name] = []
    min_days_since: DaysSince | None = None


class Transition(StrictModel):
    # For editors: an auto transition needs requires; any other needs someone in by.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["auto"], "properties": {"auto": {"const": True}}},
            "then": {"required": ["requires"], "properties": {"requires": {"type": "object"}}},
            "else": {"required": ["by"], "properties": {"by": {"minItems": 1}}},
        }
    )

    id: Name
    label: Text
    from_: Name | Literal["*"] | list[Name] = Field(alias="from")
    to: Name
    by: list[Actor] = []
    requires: Requires | None = None
    ask: Name | None = None
    notify: list[Audience] = []
    confirm: str | None = None
    auto: bool = False


class Lifecycle(StrictModel):
    initial: Name
    states: dict[Name, State] = Field(min_length=1)
    transitions: list[Transition] = []


class Criterion(StrictModel):
    # For editors: margin belongs to the kinds that compare numbers.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"kind": {"enum": ["near", "at_least"]}}},
            "else": {"properties": {"margin": {"type": "null"}}},
        }
    )

    id: Name
    label: Text
    mentee: Name
    mentor: Name
    kind: Literal["overlap", "same", "different", "near", "at_least"]
    weight: int | float = Field(default=1, gt=0)
    required: bool = False
    margin: int | float | None = Field(default=None, ge=0)


class Matching(StrictModel):
    on_match: Name
    mentor_states: list[Name] | None = None
    strategy: Literal["optimal", "greedy"] = "optimal"
    criteria: list[Criterion] = []


class Report(StrictModel):
    id: Name
    title: Text
    form: Name
    field: Name
    chart: Literal["bar", "table"] = "bar"


class RetentionRule(StrictModel):
    """How long a role's enrollments, or one form's entries, are kept after the enrollment
    reaches a final state, and what happens to them then."""

    # For editors, what the checks say too: a rule names a role or a form, never both.
    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": ["role"]}, {"required": ["form"]}]}
    )

    role: ParticipantRole | None = None
    form: Name | None = None
    keep_months: int = Field(ge=0)
    then: Literal["anonymise", "delete"]


class Definition(StrictModel):
    """One program definition file, as written."""

    format: Literal[1]
    program: ProgramInfo
    choices: dict[Name, Annotated[ChoiceList, Field(min_length=1)]] = {}
    roles: Roles
    forms: dict[Name, Form] = Field(min_length=1)
    lifecycles: dict[Name, Lifecycle] = Field(min_length=1)
    matching: Matching | None = None
    reports: list[Report] = []
    retention: list[RetentionRule] = []
