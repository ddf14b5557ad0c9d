"""Problems whose likely fix is known say the fix, once, still at `file:line:col`.

A state named in the wrong lifecycle (the form sits on the other enrollment: `on:`),
and a flow-mapping value cut at an unquoted comma (quote it). Each case edits
`data/small.yaml` and names every problem the edit must produce, so a cascade of
echoes of the one cause fails the test as surely as a missing hint.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorflow import engine

SMALL = (Path(__file__).resolve().parents[1] / "data" / "small.yaml").read_text()

MENTOR_EVALUATION = (
    "filled_by: mentee\n    open_in: [closed]",
    "filled_by: mentor\n    open_in: [closed]",
)
ON_EVALUATION = (
    "'closed' is a state of the mentee lifecycle, not the mentor's: add `on: mentee` to the"
    " form so it is filled on the mentee's enrollment"
)
MENTOR_LOG = (
    "  evaluation:\n",
    "  mentor_log:\n    title: Mentor log\n    filled_by: coordinator\n    open_in: [available]\n"
    "    sections:\n      - fields:\n          - {id: note, label: Note, type: text}\n"
    "  evaluation:\n",
)

# (case, [(text to replace, replacement)], every problem expected, as rendered)
CASES = [
    (
        "mentor-form-open-in-a-mentee-state",
        [MENTOR_EVALUATION],
        [f"small.yaml:89:15: forms.evaluation.open_in[0]: {ON_EVALUATION}"],
    ),
    (
        "and-required-by-a-mentee-transition-is-one-problem",
        [
            MENTOR_EVALUATION,
            ("requires: {min_days_in_state: 30}}", "requires: {forms: [evaluation]}}"),
        ],
        [f"small.yaml:89:15: forms.evaluation.open_in[0]: {ON_EVALUATION}"],
    ),
    (
        "and-named-by-a-mentee-reminder-is-one-problem",
        [
            (
                "filled_by: mentee\n    open_in: [closed]",
                "filled_by: mentor\n    open_in: [active]",
            ),
            ("without: check_in", "without: evaluation"),
        ],
        [
            "small.yaml:89:15: forms.evaluation.open_in[0]: 'active' is a state of the mentee"
            " lifecycle, not the mentor's: add `on: mentee` to the form so it is filled on the"
            " mentee's enrollment"
        ],
    ),
    (
        "several-states-of-the-other-lifecycle",
        [
            (
                "filled_by: mentee\n    open_in: [closed]",
                "filled_by: mentor\n    open_in: [active, closed]",
            )
        ],
        [
            "small.yaml:89:15: forms.evaluation.open_in[0]: 'active', 'closed' are states of the"
            " mentee lifecycle, not the mentor's: add `on: mentee` to the form so it is filled on"
            " the mentee's enrollment"
        ],
    ),
    (
        "wrong-on-is-corrected-not-added",
        [
            (
                "filled_by: mentee\n    open_in: [closed]",
                "filled_by: pair\n    on: mentor\n    open_in: [closed]",
            )
        ],
        [
            "small.yaml:90:15: forms.evaluation.open_in[0]: 'closed' is a state of the mentee"
            " lifecycle, not the mentor's: write `on: mentee` so it is filled on the mentee's"
            " enrollment"
        ],
    ),
    (
        "coordinator-form-open-in-a-mentor-state-with-a-reminder",
        [
            MENTOR_LOG,
            (
                "available: {label: Available}",
                "available: {label: Available, reminder: {after_days: 9, without: mentor_log, to: [coordinator], text: Log.}}",
            ),
        ],
        [
            "small.yaml:89:15: forms.mentor_log.open_in[0]: 'available' is a state of the mentor"
            " lifecycle, not the mentee's: add `on: mentor` to the form so it is filled on the"
            " mentor's enrollment"
        ],
    ),
    (
        "one-state-of-the-other-lifecycle-among-its-own",
        [("open_in: [closed]", "open_in: [closed, available]")],
        [
            "small.yaml:89:23: forms.evaluation.open_in[1]: no state 'available' in the mentee"
            " lifecycle 'mentee' (known: applied, screened, matched, active, closed, declined)"
            " ('available' is a state of the mentor lifecycle, but a form is filled on one"
            " enrollment: open_in names states of the mentee lifecycle only)"
        ],
    ),
    (
        "requires-a-form-of-the-other-enrollment-that-could-move",
        [
            ("filled_by: coordinator\n", "filled_by: coordinator\n    on: mentor\n"),
            ("requires: {min_days_in_state: 30}}", "requires: {forms: [screening_notes]}}"),
        ],
        [
            "small.yaml:111:99: lifecycles.mentee.transitions[4].requires.forms[0]: form"
            " 'screening_notes' is filled on the mentor's enrollment, not the mentee's: write"
            " `on: mentee` in the form so it is filled on the mentee's enrollment"
        ],
    ),
    (
        "and-read-by-a-mentee-guard-is-one-problem",
        [
            MENTOR_EVALUATION,
            (
                "requires: {min_days_in_state: 30}}",
                "requires: {when: {field: evaluation.usefulness, equals: Useful}}}",
            ),
        ],
        [f"small.yaml:89:15: forms.evaluation.open_in[0]: {ON_EVALUATION}"],
    ),
    (
        "a-guard-reads-a-form-of-the-other-enrollment-that-could-move",
        [
            ("filled_by: coordinator\n", "filled_by: coordinator\n    on: mentor\n"),
            (
                "requires: {min_days_in_state: 30}}",
                "requires: {when: {field: screening_notes.notes, is_set: true}}}",
            ),
        ],
        [
            "small.yaml:111:105: lifecycles.mentee.transitions[4].requires.when.field: form"
            " 'screening_notes' is filled on the mentor's enrollment, not the mentee's: write"
            " `on: mentee` in the form so it is filled on the mentee's enrollment"
        ],
    ),
    (
        "label-cut-at-a-comma",
        [
            (
                "{id: notes, label: Notes, type: textarea}",
                "{id: notes, label: Any comments, questions for the coordinator?, type: textarea}",
            )
        ],
        [
            "small.yaml:58:46: forms.screening_notes.sections[0].fields[0].questions for the"
            " coordinator?: unknown key 'questions for the coordinator?': did you mean one label"
            ' with a comma in it? Put the label in quotes: label: "Any comments, questions for the'
            ' coordinator?"'
        ],
    ),
    (
        "label-cut-at-two-commas-is-one-problem",
        [
            (
                "{id: notes, label: Notes, type: textarea}",
                "{id: notes, label: Goals, risks, next steps, type: textarea}",
            )
        ],
        [
            "small.yaml:58:39: forms.screening_notes.sections[0].fields[0].risks: unknown key"
            " 'risks': did you mean one label with a comma in it? Put the label in quotes:"
            ' label: "Goals, risks, next steps"'
        ],
    ),
    (
        "state-label-cut-at-a-comma",
        [("screened: {label: Screened}", 'screened: {label: Screened, waiting for a "match"}')],
        [
            'small.yaml:98:35: lifecycles.mentee.states.screened.waiting for a "match": unknown'
            " key 'waiting for a \"match\"': did you mean one label with a comma in it? Put the"
            ' label in quotes: label: "Screened, waiting for a \\"match\\""'
        ],
    ),
    (
        "a-misspelt-key-gets-no-comma-hint",
        [
            (
                "{id: notes, label: Notes, type: textarea}",
                "{id: notes, label: Notes, type: textarea, requird}",
            )
        ],
        [
            "small.yaml:58:55: forms.screening_notes.sections[0].fields[0].requird: unknown key"
            " 'requird' (did you mean 'required'?)"
        ],
    ),
]


def edited(edits: list[tuple[str, str]]) -> str:
    """The small definition with each edit applied, each exactly once."""
    text = SMALL
    for old, new in edits:
        assert text.count(old) == 1, f"the edit must apply exactly once: {old!r}"
        text = text.replace(old, new)
    return text


@pytest.mark.parametrize(
    ("edits", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_the_problem_says_the_fix_once(edits: list[tuple[str, str]], expected: list[str]) -> None:
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_text(edited(edits), "small.yaml")
    assert [str(p) for p in caught.value.problems] == expected


def test_the_suggested_fix_loads() -> None:
    # The fix each hint names really is the fix: `on: mentee`, and quotes.
    fixed = edited(
        [
            (
                "filled_by: mentee\n    open_in: [closed]",
                "filled_by: mentor\n    on: mentee\n    open_in: [closed]",
            ),
            (
                "{id: notes, label: Notes, type: textarea}",
                '{id: notes, label: "Any comments, questions for the coordinator?", type: textarea}',
            ),
        ]
    )
    assert engine.load_text(fixed, "small.yaml").id == "small-program"
