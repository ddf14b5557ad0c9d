"""Every load-time rule, broken one at a time in a small valid definition.

Each case edits `data/small.yaml` (which loads cleanly) and names the exact
`line:col`, the dotted location and the words of the problem it must produce.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorflow import engine

SMALL = (Path(__file__).resolve().parents[1] / "data" / "small.yaml").read_text()

# (case, text to replace, replacement, line:col, location, start of the message)
CASES = [
    (
        "program-id-not-a-slug",
        "id: small-program",
        "id: Small Program",
        "4:7",
        "program.id",
        "'Small Program' is not a valid id: expected a lo",
    ),
    (
        "revision-below-one",
        "revision: 1",
        "revision: 0",
        "7:13",
        "program.revision",
        "must be at least 1, got 0",
    ),
    (
        "unknown-top-level-key",
        "matching:\n  on_match",
        "matchng:\n  on_match",
        "126:1",
        "matchng",
        "unknown key 'matchng' (did you mean 'matching'?)",
    ),
    (
        "yes-is-not-a-boolean",
        "repeatable: true",
        "repeatable: yes",
        "77:17",
        "forms.check_in.repeatable",
        "expected true or false, got 'yes' (YAML 1.2 read",
    ),
    (
        "unknown-field-type",
        "type: textarea}",
        "type: textbox}",
        "58:45",
        "forms.screening_notes.sections[0].fields[0].type",
        "unknown type 'textbox' (did you mean 'text'?) (k",
    ),
    (
        "unknown-field-key",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, requird: true}",
        "48:49",
        "forms.mentor_application.sections[0].fields[0].requird",
        "unknown key 'requird' (did you mean 'required'?)",
    ),
    (
        "missing-field-label",
        "{id: notes, label: Notes, type: textarea}",
        "{id: notes, type: textarea}",
        "58:13",
        "forms.screening_notes.sections[0].fields[0].label",
        "missing required key 'label'",
    ),
    (
        "duplicate-yaml-key",
        "title: Evaluation\n",
        "title: Evaluation\n    title: Again\n",
        "88:5",
        "forms.evaluation.title",
        "duplicate key 'title'",
    ),
    (
        "python-tag",
        "agency: Test Agency",
        "agency: !!python/object:os.system x",
        "6:11",
        "program.agency",
        "the tag '!!python/object:os.system' is not allow",
    ),
    (
        "unknown-actor-role",
        "by: [mentor, coordinator]",
        "by: [mentr, coordinator]",
        "125:72",
        "lifecycles.mentor.transitions[1].by[0]",
        "'mentr' is not allowed (did you mean 'mentor'?) ",
    ),
    (
        "initial-not-a-state",
        "initial: applied\n    states:\n      applied: {label: Applied, notify",
        "initial: aplied\n    states:\n      applied: {label: Applied, notify",
        "95:14",
        "lifecycles.mentee.initial",
        "no state 'aplied' (did you mean 'applied'?) (kno",
    ),
    (
        "to-unknown-state",
        "to: matched, by",
        "to: matchd, by",
        "108:55",
        "lifecycles.mentee.transitions[2].to",
        "no state 'matchd' (did you mean 'matched'?) (kno",
    ),
    (
        "from-unknown-state",
        "from: [applied, screened], to: declined",
        "from: [applied, screend], to: declined",
        "107:55",
        "lifecycles.mentee.transitions[1].from[1]",
        "no state 'screend' (did you mean 'screened'?) (k",
    ),
    (
        "unreachable-state",
        "      withdrawn: {label: Withdrawn, final: true}\n",
        "      withdrawn: {label: Withdrawn, final: true}\n      paused: {label: Paused}\n",
        "123:7",
        "lifecycles.mentor.states.paused",
        "state 'paused' cannot be reached from the initia",
    ),
    (
        "dead-end-state",
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n    transitions:\n",
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n      on_hold: {label: On hold}\n    transitions:\n      - {id: hold, label: Hold, from: active, to: on_hold, by: [coordinator]}\n",
        "105:7",
        "lifecycles.mentee.states.on_hold",
        "no final state can be reached from state 'on_hol",
    ),
    (
        "exit-from-final-state",
        "{id: close, label: Close, from: active,",
        "{id: close, label: Close, from: [active, declined],",
        "110:50",
        "lifecycles.mentee.transitions[4].from[1]",
        "'declined' is a final state: nothing may leave i",
    ),
    (
        "no-final-state",
        "withdrawn: {label: Withdrawn, final: true}",
        "withdrawn: {label: Withdrawn}",
        "119:5",
        "lifecycles.mentor.states",
        "no final state: mark where the program ends with",
    ),
    (
        "duplicate-transition-id",
        "id: close, label: Close",
        "id: start, label: Close",
        "110:14",
        "lifecycles.mentee.transitions[4].id",
        "duplicate transition id 'start'",
    ),
    (
        "duplicate-field-id",
        "{id: email, label: E-mail",
        "{id: name, label: E-mail",
        "37:18",
        "forms.mentee_application.sections[0].fields[1].id",
        "duplicate field id 'name' in form 'mentee_applic",
    ),
    (
        "open-in-unknown-state",
        "open_in: [matched]",
        "open_in: [matchd]",
        "62:15",
        "forms.learning_contract.open_in[0]",
        "no state 'matchd' in the mentee lifecycle 'mente",
    ),
    (
        "open-in-other-lifecycle",
        "filled_by: mentee\n    open_in: [closed]",
        "filled_by: mentor\n    open_in: [closed]",
        "89:15",
        "forms.evaluation.open_in[0]",
        "no state 'closed' in the mentor lifecycle 'mento",
    ),
    (
        "form-never-filled",
        "by: [coordinator], ask: screening_notes}",
        "by: [coordinator]}",
        "53:3",
        "forms.screening_notes",
        "this form can never be filled: give it open_in s",
    ),
    (
        "ask-unknown-form",
        "ask: screening_notes}",
        "ask: screening}",
        "106:90",
        "lifecycles.mentee.transitions[0].ask",
        "no form 'screening' (did you mean 'screening_not",
    ),
    (
        "reminder-form-not-open",
        "without: check_in",
        "without: evaluation",
        "102:45",
        "lifecycles.mentee.states.active.reminder.without",
        "form 'evaluation' cannot be filled in state 'act",
    ),
    (
        "reminder-unknown-form",
        "without: check_in",
        "without: chek_in",
        "102:45",
        "lifecycles.mentee.states.active.reminder.without",
        "no form 'chek_in' (did you mean 'check_in'?) (kn",
    ),
    (
        "reminder-on-final-state",
        "closed: {label: Closed, final: true, outcome: completed}",
        "closed: {label: Closed, final: true, outcome: completed, reminder: {after_days: 3, to: [pair], text: Hi}}",
        "103:64",
        "lifecycles.mentee.states.closed.reminder",
        "a final state has nothing left to remind anyone ",
    ),
    (
        "outcome-on-non-final-state",
        "screened: {label: Screened}",
        "screened: {label: Screened, outcome: completed}",
        "98:44",
        "lifecycles.mentee.states.screened.outcome",
        "outcome belongs to final states only",
    ),
    (
        "supervisor-signature-without-link",
        ", link: supervisor}",
        "}",
        "63:34",
        "forms.learning_contract.signatures[2]",
        "a supervisor signature needs an email field with",
    ),
    (
        "link-outside-apply-form",
        "{id: notes, label: Notes, type: textarea}",
        "{id: notes, label: Notes, type: email, link: supervisor}",
        "58:58",
        "forms.screening_notes.sections[0].fields[0].link",
        "link: supervisor belongs in a role's apply form,",
    ),
    (
        "show-if-forward",
        "choices: areas, min_selected: 1}",
        "choices: areas, min_selected: 1, show_if: {field: style, equals: hands_on}}",
        "40:116",
        "forms.mentee_application.sections[0].fields[4].show_if.field",
        "'style' comes later in the form: show_if may onl",
    ),
    (
        "show-if-unknown-field",
        "show_if: {field: interests,",
        "show_if: {field: intrests,",
        "42:77",
        "forms.mentee_application.sections[0].fields[6].show_if.field",
        "no earlier field 'intrests' (did you mean 'inter",
    ),
    (
        "show-if-not-a-choice",
        "contains: Writing}",
        "contains: Writting}",
        "42:98",
        "forms.mentee_application.sections[0].fields[6].show_if.contains",
        "'Writting' is not one of the choices of 'interes",
    ),
    (
        "operator-unfit-for-number",
        "when: {field: years_of_service, lt: 2}",
        "when: {field: years_of_service, contains: '2'}",
        "22:49",
        "roles.mentee.eligibility.when.contains",
        "contains reads a multichoice or text field, but ",
    ),
    (
        "ordering-on-text",
        "when: {field: years_of_service, lt: 2}",
        "when: {field: name, lt: 2}",
        "22:31",
        "roles.mentee.eligibility.when.lt",
        "lt compares numbers or dates, but 'name' is a te",
    ),
    (
        "boolean-compared-to-text",
        "when: {field: obstacle, equals: true}",
        "when: {field: obstacle, equals: 'yes'}",
        "80:39",
        "forms.check_in.alert.when.equals",
        "'obstacle' is true or false, got 'yes'",
    ),
    (
        "choice-value-not-a-choice",
        "when: {field: years_of_service, lt: 2}",
        "when: {field: style, equals: handson}",
        "22:36",
        "roles.mentee.eligibility.when.equals",
        "'handson' is not one of the choices of 'style' (",
    ),
    (
        "condition-two-operators",
        "when: {field: years_of_service, lt: 2}",
        "when: {field: years_of_service, lt: 2, gt: 0}",
        "22:13",
        "roles.mentee.eligibility.when",
        "a condition on 'years_of_service' needs exactly ",
    ),
    (
        "number-min-above-max",
        "min: 0, max: 50}",
        "min: 60, max: 50}",
        "39:80",
        "forms.mentee_application.sections[0].fields[3].min",
        "min 60 is above max 50",
    ),
    (
        "text-min-above-max",
        "required: true, max_length: 120}",
        "required: true, min_length: 300, max_length: 120}",
        "36:77",
        "forms.mentee_application.sections[0].fields[0].min_length",
        "min_length 300 is above max_length 120",
    ),
    (
        "min-selected-above-choices",
        "min_selected: 1}",
        "min_selected: 4}",
        "40:96",
        "forms.mentee_application.sections[0].fields[4].min_selected",
        "min_selected 4 is more than the 3 choices",
    ),
    (
        "repeat-min-above-max",
        "repeat: {min: 1, max: 5}",
        "repeat: {min: 6, max: 5}",
        "69:27",
        "forms.learning_contract.sections[0].fields[0].repeat.min",
        "repeat.min 6 is above repeat.max 5",
    ),
    (
        "bad-regex",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[a-z'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "not a valid regular expression: unterminated cha",
    ),
    (
        "regex-too-large",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: 'a{99999999999}'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "not a valid regular expression: the repetition",
    ),
    (
        "browser-lone-brace",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[0-9]{6}{'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 9: '{' after a quantifier",
    ),
    (
        "browser-python-named-group",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '(?P<id>[0-9]+)'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 1: '(?P...' is Python",
    ),
    (
        "browser-backslash-z",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[0-9]+\\Z'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 7: '\\Z' is not an escape the browser knows outside [...]: write '$'",
    ),
    (
        "browser-class-pipe",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[a|b]'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 3: '|' inside [...] must be escaped as '\\|'",
    ),
    (
        "browser-double-punctuator",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[a..z]'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 3: '..' is reserved inside [...]",
    ),
    (
        "browser-set-notation",
        "{id: name, label: Name, type: text, required: true}",
        "{id: name, label: Name, type: text, required: true, pattern: '[[a]]'}",
        "48:74",
        "forms.mentor_application.sections[0].fields[0].pattern",
        "the browser cannot use this pattern: at character 2: '[' inside [...] means set notation",
    ),
    (
        "python-tag-in-annotation",
        "program:\n",
        "x-build: !!python/object/apply:os.system [ls]\nprogram:\n",
        "3:10",
        "x-build",
        "the tag '!!python/object/apply:os.system' is not allowed",
    ),
    (
        "local-tag-deep-in-annotation",
        "{id: notes, label: Notes, type: textarea}",
        "{id: notes, label: Notes, type: textarea, x-why: {who: [a, !secret b]}}",
        "58:72",
        "forms.screening_notes.sections[0].fields[0].x-why.who[1]",
        "the tag '!secret' is not allowed",
    ),
    (
        "bad-date-literal",
        "max: today+1y}",
        "max: tomorrow}",
        "72:79",
        "forms.learning_contract.sections[0].fields[0].fields[1].max",
        "'tomorrow' is not a date: write YYYY-MM-DD, 'tod",
    ),
    (
        "date-min-after-max",
        "min: today, max: today+1y}",
        "min: 2030-01-01, max: 2029-01-01}",
        "72:67",
        "forms.learning_contract.sections[0].fields[0].fields[1].min",
        "min 2030-01-01 is after max 2029-01-01",
    ),
    (
        "unknown-choice-list",
        "choices: styles}\n          - {id: other",
        "choices: stiles}\n          - {id: other",
        "41:71",
        "forms.mentee_application.sections[0].fields[5].choices",
        "no choice list 'stiles' (did you mean 'styles'?)",
    ),
    (
        "boolean-required",
        "type: boolean}",
        "type: boolean, required: true}",
        "85:82",
        "forms.check_in.sections[0].fields[1].required",
        "a boolean is never blank (unticked is false), so",
    ),
    (
        "on-match-unknown",
        "on_match: match",
        "on_match: mach",
        "127:13",
        "matching.on_match",
        "no mentee transition 'mach' (did you mean 'match",
    ),
    (
        "on-match-without-partner",
        "requires: {partner: true}}",
        "requires: {min_days_in_state: 1}}",
        "127:13",
        "matching.on_match",
        "transition 'match' must have requires: {partner:",
    ),
    (
        "mentor-state-unknown",
        "mentor_states: [available]",
        "mentor_states: [availble]",
        "128:19",
        "matching.mentor_states[0]",
        "no mentor state 'availble' (did you mean 'availa",
    ),
    (
        "criterion-unknown-field",
        "mentee: interests,",
        "mentee: interest,",
        "130:41",
        "matching.criteria[0].mentee",
        "no field in the mentee apply form 'mentee_applic",
    ),
    (
        "criterion-incomparable",
        "mentor: expertise, kind: overlap",
        "mentor: style, kind: overlap",
        "130:73",
        "matching.criteria[0].kind",
        "overlap needs both fields to offer the same choi",
    ),
    (
        "criterion-near-on-choices",
        "kind: same}",
        "kind: near}",
        "131:69",
        "matching.criteria[1].kind",
        "near compares two number fields; got choice and ",
    ),
    (
        "margin-on-overlap",
        "kind: overlap, weight: 3",
        "kind: overlap, margin: 2, weight: 3",
        "130:94",
        "matching.criteria[0].margin",
        "margin applies to near and at_least, not overlap",
    ),
    (
        "requires-unknown-form",
        "requires: {forms: [learning_contract]}",
        "requires: {forms: [learning_contrct]}",
        "109:106",
        "lifecycles.mentee.transitions[3].requires.forms[0]",
        "no form 'learning_contrct' (did you mean 'learni",
    ),
    (
        "requires-when-unknown-field",
        "mentee_application.years_of_service",
        "mentee_application.years",
        "116:34",
        "lifecycles.mentee.transitions[5].requires.when.field",
        "no field 'years' in form 'mentee_application' (k",
    ),
    (
        "auto-without-requires",
        "        requires: {when: {field: mentee_application.years_of_service, lt: 1}}\n",
        "",
        "115:15",
        "lifecycles.mentee.transitions[5].auto",
        "an auto transition needs requires: it is taken a",
    ),
    (
        "nobody-may-take",
        "by: [coordinator], requires: {min_days_in_state: 30}",
        "by: [], requires: {min_days_in_state: 30}",
        "110:14",
        "lifecycles.mentee.transitions[4].id",
        "nobody may take this transition: list who in by,",
    ),
    (
        "partner-in-mentor-lifecycle",
        "to: available, by: [coordinator]}",
        "to: available, by: [coordinator], requires: {partner: true}}",
        "124:106",
        "lifecycles.mentor.transitions[0].requires.partner",
        "partner applies to the mentee lifecycle, which c",
    ),
    (
        "apply-form-unknown",
        "apply_form: mentee_application",
        "apply_form: mentee_app",
        "18:17",
        "roles.mentee.apply_form",
        "no form 'mentee_app' (did you mean 'mentee_appli",
    ),
    (
        "apply-form-wrong-role",
        "apply_form: mentor_application",
        "apply_form: evaluation",
        "25:17",
        "roles.mentor.apply_form",
        "form 'evaluation' is filled by mentee on the men",
    ),
    (
        "role-lifecycle-unknown",
        "lifecycle: mentor\n    capacity",
        "lifecycle: mentr\n    capacity",
        "26:16",
        "roles.mentor.lifecycle",
        "no lifecycle 'mentr' (did you mean 'mentor'?) (k",
    ),
    (
        "capacity-field-not-number",
        "capacity: {field: max_mentees",
        "capacity: {field: name",
        "27:23",
        "roles.mentor.capacity.field",
        "'name' is a text field; capacity needs a number ",
    ),
    (
        "eligibility-unknown-field",
        "when: {field: years_of_service, lt: 2}",
        "when: {field: years, lt: 2}",
        "22:21",
        "roles.mentee.eligibility.when.field",
        "no field 'years' in form 'mentee_application' (k",
    ),
    (
        "report-field-not-countable",
        "form: evaluation, field: usefulness}",
        "form: mentor_application, field: name}",
        "134:82",
        "reports[0].field",
        "'name' is a text field; reports count choice, mu",
    ),
    (
        "report-unknown-form",
        "form: evaluation, field: usefulness}",
        "form: evaluaton, field: usefulness}",
        "134:55",
        "reports[0].form",
        "no form 'evaluaton' (did you mean 'evaluation'?)",
    ),
    (
        "relationship-months-out-of-order",
        "{default: 6, min: 3, max: 12}",
        "{default: 6, min: 9, max: 12}",
        "9:42",
        "program.relationship_months.min",
        "min 9 is above the default 6",
    ),
    (
        "unused-lifecycle",
        "matching:\n",
        "  spare:\n    initial: a\n    states: {a: {label: A, final: true}}\nmatching:\n",
        "126:3",
        "lifecycles.spare",
        "lifecycle 'spare' is not used by any role",
    ),
    # Issue 13, point 5: a form kept by the person, guards measured from a state's entry.
    (
        "scope-unknown-value",
        "    repeatable: true\n",
        "    repeatable: true\n    scope: everyone\n",
        "78:12",
        "forms.check_in.scope",
        "'everyone' is not allowed (expected 'pairing' or 'person')",
    ),
    (
        "scope-person-on-a-mentor-form",
        "    title: Mentor Application\n",
        "    title: Mentor Application\n    scope: person\n",
        "45:12",
        "forms.mentor_application.scope",
        "scope: person applies to forms on the mentee's enrollment",
    ),
    (
        "scope-person-on-an-ask-form",
        "    title: Screening notes\n",
        "    title: Screening notes\n    scope: person\n",
        "55:12",
        "forms.screening_notes.scope",
        "scope: person does nothing on a form filled only as a transition's ask",
    ),
    (
        "fresh-forms-unknown-form",
        "requires: {min_days_in_state: 30}",
        "requires: {fresh_forms: [check_inn]}",
        "110:105",
        "lifecycles.mentee.transitions[4].requires.fresh_forms[0]",
        "no form 'check_inn' (did you mean 'check_in'?)",
    ),
    (
        "fresh-form-not-open-where-the-transition-starts",
        "requires: {min_days_in_state: 30}",
        "requires: {fresh_forms: [learning_contract]}",
        "110:105",
        "lifecycles.mentee.transitions[4].requires.fresh_forms[0]",
        "form 'learning_contract' cannot be filled in 'active', where this transition starts",
    ),
    (
        "fresh-form-on-the-other-enrollment",
        "requires: {min_days_in_state: 30}",
        "requires: {fresh_forms: [mentor_application]}",
        "110:105",
        "lifecycles.mentee.transitions[4].requires.fresh_forms[0]",
        "form 'mentor_application' is not filled on this enrollment",
    ),
    (
        "min-days-since-unknown-state",
        "requires: {min_days_in_state: 30}",
        "requires: {min_days_since: {state: activ, days: 90}}",
        "110:115",
        "lifecycles.mentee.transitions[4].requires.min_days_since.state",
        "no state 'activ' (did you mean 'active'?)",
    ),
    (
        "min-days-since-a-state-entered-only-after",
        "requires: {forms: [learning_contract]}",
        "requires: {forms: [learning_contract], min_days_since: {state: active, days: 9}}",
        "109:150",
        "lifecycles.mentee.transitions[3].requires.min_days_since.state",
        "state 'active' is never entered before this transition (it leaves from matched)",
    ),
    (
        "min-days-since-zero-days",
        "requires: {min_days_in_state: 30}",
        "requires: {min_days_since: {state: active, days: 0}}",
        "110:129",
        "lifecycles.mentee.transitions[4].requires.min_days_since.days",
        "must be at least 1, got 0",
    ),
]


def _broken(old: str, new: str) -> str:
    assert SMALL.count(old) == 1, f"the edit must apply exactly once: {old!r}"
    return SMALL.replace(old, new)


def test_the_small_definition_is_valid() -> None:
    program = engine.load_text(SMALL, "small.yaml")
    assert program.id == "small-program"


def test_the_table_covers_at_least_thirty_rules() -> None:
    assert len({case[0] for case in CASES}) == len(CASES) >= 30


@pytest.mark.parametrize(
    ("old", "new", "line_col", "location", "message"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_broken_definition_points_at_the_line(
    old: str, new: str, line_col: str, location: str, message: str
) -> None:
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_text(_broken(old, new), "small.yaml")
    rendered = [str(p) for p in caught.value.problems]
    expected = f"small.yaml:{line_col}: {location}: {message}"
    assert any(line.startswith(expected) for line in rendered), rendered


def test_all_problems_of_a_file_are_reported_together() -> None:
    text = _broken("to: matched, by", "to: matchd, by")
    text = text.replace("ask: screening_notes}", "ask: screening}")
    text = text.replace("without: check_in", "without: chek_in")
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_text(text, "small.yaml")
    locations = [p.location for p in caught.value.problems]
    assert "lifecycles.mentee.transitions[2].to" in locations
    assert "lifecycles.mentee.transitions[0].ask" in locations
    assert "lifecycles.mentee.states.active.reminder.without" in locations


def test_x_keys_are_free_annotations_everywhere() -> None:
    text = SMALL.replace("program:\n", "x-owner: HR\nprogram:\n  x-notes: draft\n")
    text = text.replace("{id: notes, label: Notes,", "{id: notes, x-why: audit, label: Notes,")
    assert engine.load_text(text, "small.yaml").id == "small-program"
