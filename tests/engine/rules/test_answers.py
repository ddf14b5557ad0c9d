"""Answers (spec: "Fields", "Conditions", roles' eligibility; web-and-cli: import formats).

One validator serves the web pages and the CSV importer, so these tables feed it what each
door sends: browser strings ('' for blank, 'y' for a ticked box, lists for a multichoice,
`<group>-<n>-<field>` keys), spreadsheet cells ('a;b', 'yes'/'no'/'1'/'0') and typed values.
"""

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorflow import engine
from mentorflow.engine.errors import InvalidAnswers, MentorflowError
from mentorflow.engine.rules.answers import (
    ShownAnswer,
    clean_answers,
    describe_value,
    shown_answers,
)

TODAY = dt.date(2024, 6, 15)
SMALL = Path(__file__).resolve().parents[1] / "data" / "small.yaml"

DEFINITION = """\
format: 1
program: {id: t-program, title: T, agency: A, revision: 1, contact: {name: Kim Key, email: k@example.gov}}
choices:
  areas: [Leadership, Budgeting, Writing]
roles:
  mentee:
    label: Mentee
    apply_form: apply
    lifecycle: life
    eligibility:
      text: Open to employees with fewer than two years of service.
      when: {field: apply.years, lt: 2}
  mentor: {label: Mentor, apply_form: mentor_apply, lifecycle: life}
forms:
  apply:
    title: Apply
    filled_by: mentee
    open_in: [applied]
    sections:
      - fields:
          - {id: email, label: E-mail, type: email, required: true}
          - {id: boss, label: Supervisor, type: email, link: supervisor}
          - {id: years, label: Years, type: number, min: 0, max: 50, required: true}
  mentor_apply:
    title: Mentor apply
    filled_by: mentor
    open_in: [applied]
    sections:
      - fields:
          - {id: name, label: Name, type: text, required: true}
  every:
    title: Every type
    filled_by: mentee
    open_in: [applied]
    sections:
      - fields:
          - {id: title, label: Title, type: text, min_length: 2, max_length: 10, default: Dr}
          - {id: code, label: Code, type: text, pattern: "[0-9]{6}", pattern_message: Six digits as on your pay stub.}
          - {id: notes, label: Notes, type: textarea, max_length: 20}
          - {id: email, label: E-mail, type: email}
          - {id: phone, label: Phone, type: phone}
          - {id: count, label: Count, type: number, integer: true, min: 1, max: 3}
          - {id: ratio, label: Ratio, type: number, min: 0, max: 1.5}
          - {id: met_on, label: Met on, type: date, min: today-1y, max: today}
          - id: style
            label: Style
            type: choice
            choices: [{value: hands_on, label: Hands-on}, {value: reflective, label: Reflective}]
          - {id: rating, label: Rating, type: choice, choices: [1, 2, 3]}
          - {id: areas, label: Areas, type: multichoice, choices: areas, max_selected: 2}
          - {id: flag, label: Flag, type: boolean}
          - {id: agree, label: Agree, type: consent, text: I agree to keep it confidential.}
          - {id: cv, label: CV, type: file, accept: [pdf, DOCX], max_kb: 1}
          - {id: detail, label: Detail, type: text, required: true, show_if: {field: flag, equals: true}}
          - id: goals
            label: Goals
            type: group
            repeat: {min: 0, max: 2}
            fields:
              - {id: goal, label: Goal, type: text, required: true}
              - {id: due, label: Due, type: date, min: today}
              - {id: done, label: Done, type: boolean}
              - {id: how, label: How, type: text, required: true, show_if: {field: done, equals: true}}
              - {id: why, label: Why, type: text, required: true, show_if: {field: flag, equals: true}}
              - {id: proof, label: Proof, type: file, accept: [pdf]}
  needed:
    title: Required answers
    filled_by: mentee
    open_in: [applied]
    sections:
      - fields:
          - {id: name, label: Name, type: text, required: true}
          - {id: bio, label: Bio, type: textarea, required: true}
          - {id: email, label: E-mail, type: email, required: true}
          - {id: phone, label: Phone, type: phone, required: true}
          - {id: count, label: Count, type: number, required: true}
          - {id: met_on, label: Met on, type: date, required: true}
          - {id: style, label: Style, type: choice, choices: [a, b], required: true}
          - {id: areas, label: Areas, type: multichoice, choices: areas, min_selected: 2}
          - {id: cv, label: CV, type: file, required: true}
          - id: goals
            label: Goals
            type: group
            required: true
            fields:
              - {id: goal, label: Goal, type: text}
lifecycles:
  life:
    initial: applied
    states: {applied: {label: Applied}, done: {label: Done, final: true}}
    transitions: [{id: finish, label: Finish, from: applied, to: done, by: [coordinator]}]
"""

PROGRAM = engine.load_text(DEFINITION, "t.yaml")
EVERY = PROGRAM.forms["every"]
NEEDED = PROGRAM.forms["needed"]
APPLY = PROGRAM.forms["apply"]
PDF = {"name": "CV.PDF", "size": 1024, "type": "application/pdf", "id": "f1"}


def clean(form: Any = EVERY, **raw: Any) -> dict[str, Any]:
    if form is EVERY:
        raw.setdefault("agree", "y")  # the consent must be ticked for anything to pass
    return clean_answers(form, raw, today=TODAY)


def problems(form: Any = EVERY, **raw: Any) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as caught:
        clean(form, **raw)
    return caught.value.errors


# ---------------------------------------------------------------- one answer per type

GOOD = [
    ("title", "  Dr Who ", "Dr Who", "text-stripped"),
    ("title", "Dr\r\nWho", "Dr Who", "text-one-line"),
    ("title", "Dr\x00X", "DrX", "text-control-dropped"),
    ("title", 1234, "1234", "text-from-int"),
    ("code", "012345", "012345", "pattern-whole"),
    ("notes", "a\r\nb\rc", "a\nb\nc", "textarea-newlines"),
    ("email", " Pat.Lee@Example.GOV ", "pat.lee@example.gov", "email-lowercased"),
    ("email", "a+tag@mail.agency.example.org", "a+tag@mail.agency.example.org", "email-plus"),
    ("phone", "+1 (555) 123-4567", "+1 (555) 123-4567", "phone-usual"),
    ("phone", "555.123.4567", "555.123.4567", "phone-dots"),
    ("phone", "555  1234567", "555 1234567", "phone-spaces-collapsed"),
    ("count", "2", 2, "integer-text"),
    ("count", "3.0", 3, "integer-whole-decimal"),
    ("count", 1, 1, "integer-typed"),
    ("count", " +2 ", 2, "integer-signed"),
    ("ratio", "1.5", 1.5, "number-max-inclusive"),
    ("ratio", "0", 0, "number-min-inclusive"),
    ("ratio", ".25", 0.25, "number-leading-dot"),
    ("ratio", 1.0, 1, "number-whole-float-to-int"),
    ("met_on", "2024-06-15", "2024-06-15", "date-today-inclusive"),
    ("met_on", "2023-06-15", "2023-06-15", "date-min-inclusive"),
    ("met_on", dt.date(2024, 1, 2), "2024-01-02", "date-typed"),
    ("style", "hands_on", "hands_on", "choice-value"),
    ("style", "Hands-on", "hands_on", "choice-label"),
    ("style", "REFLECTIVE", "reflective", "choice-any-case"),
    ("rating", 2, "2", "choice-number-typed"),
    ("rating", "3", "3", "choice-number-text"),
    ("areas", ["Writing", "Leadership"], ["Leadership", "Writing"], "multi-choice-order"),
    ("areas", "Writing;Leadership", ["Leadership", "Writing"], "multi-csv"),
    ("areas", "writing ; writing", ["Writing"], "multi-csv-dupes-case"),
    ("areas", "Budgeting", ["Budgeting"], "multi-single-string"),
    ("areas", ["Budgeting", "", "Budgeting"], ["Budgeting"], "multi-web-dupes"),
    ("flag", "y", True, "bool-web-ticked"),
    ("flag", "TRUE", True, "bool-csv-true"),
    ("flag", "Yes", True, "bool-csv-yes"),
    ("flag", "1", True, "bool-csv-1"),
    ("flag", "no", False, "bool-csv-no"),
    ("flag", "0", False, "bool-csv-0"),
    ("flag", None, False, "bool-unticked"),
    ("flag", False, False, "bool-typed"),
    ("cv", PDF, PDF, "file-pdf-upper-case"),
    ("cv", {**PDF, "name": "cv.docx"}, {**PDF, "name": "cv.docx"}, "file-accept-any-case"),
]


@pytest.mark.parametrize(
    ("field", "value", "stored"), [pytest.param(*g[:3], id=g[3]) for g in GOOD]
)
def test_good_answers_are_stored_normalised(field: str, value: Any, stored: Any) -> None:
    answers = clean(**{field: value}, detail="d")  # detail shows once flag is ticked
    assert answers[field] == stored
    assert type(answers[field]) is type(stored)
    assert clean(**answers) == answers  # what was stored cleans to itself


BAD = [
    ("title", "X", "Use at least 2 characters (this answer has 1).", "text-too-short"),
    ("title", "x" * 11, "Use at most 10 characters (this answer has 11).", "text-too-long"),
    ("title", {"a": 1}, "This answer could not be read as text.", "text-not-text"),
    ("title", ["a", "b"], "Give one answer, not several.", "text-several"),
    ("code", "1234567", "Six digits as on your pay stub.", "pattern-not-whole"),
    ("code", "12345a", "Six digits as on your pay stub.", "pattern-mismatch"),
    ("notes", "x" * 21, "Use at most 20 characters (this answer has 21).", "textarea-long"),
    ("email", "pat@", "Enter an e-mail address such as name@example.gov.", "email-no-domain"),
    ("email", "pat@example", "Enter an e-mail address", "email-no-dot"),
    ("email", "pat lee@example.gov", "Enter an e-mail address", "email-space"),
    ("email", "pat@@example.gov", "Enter an e-mail address", "email-two-ats"),
    ("email", "pat..lee@example.gov", "Enter an e-mail address", "email-double-dot"),
    ("phone", "12345", "at least 7 digits", "phone-short"),
    ("phone", "555-CALL-NOW", "at least 7 digits", "phone-letters"),
    ("count", "1.5", "Enter a whole number.", "integer-fraction"),
    ("count", "4", "Enter a number from 1 to 3.", "number-above-max"),
    ("count", "0", "Enter a number from 1 to 3.", "number-below-min"),
    ("count", "two", "Enter a number, such as 3 or 2.5.", "number-words"),
    ("count", "1e3", "Enter a number, such as 3 or 2.5.", "number-exponent"),
    ("count", "1,000", "Enter a number", "number-thousands"),
    ("count", True, "Enter a number", "number-bool"),
    ("ratio", float("nan"), "Enter a number", "number-nan"),
    ("ratio", "\u0663", "Enter a number", "number-arabic-digit"),
    ("ratio", "1.6", "Enter a number from 0 to 1.5.", "number-float-max"),
    ("met_on", "2024-06-16", "Enter a date from 2023-06-15 to today (2024-06-15).", "date-future"),
    ("met_on", "2023-06-14", "Enter a date from 2023-06-15", "date-too-old"),
    ("met_on", "15/06/2024", "Enter a date as YYYY-MM-DD", "date-format"),
    ("met_on", "2024-02-30", "Enter a date as YYYY-MM-DD", "date-impossible"),
    ("met_on", "20240615", "Enter a date as YYYY-MM-DD", "date-compact"),
    ("met_on", 20240615, "Enter a date as YYYY-MM-DD", "date-number"),
    (
        "style",
        "hands on",
        "'hands on' is not one of the choices (Hands-on, Reflective).",
        "choice-unknown",
    ),
    ("rating", True, "could not be read as text", "choice-bool"),
    ("areas", "Writing;Cooking", "'Cooking' is not one of the choices", "multi-unknown"),
    (
        "areas",
        ["Writing", "Leadership", "Budgeting"],
        "Choose at most 2 (you chose 3).",
        "multi-too-many",
    ),
    ("flag", "maybe", "Answer yes or no.", "bool-unreadable"),
    ("agree", "", "Tick this box to agree; the form cannot be sent without it.", "consent-blank"),
    ("agree", "false", "Tick this box to agree", "consent-false"),
    ("agree", False, "Tick this box to agree", "consent-typed-false"),
    ("cv", {**PDF, "name": "cv.exe"}, "Attach a PDF or DOCX file.", "file-wrong-type"),
    ("cv", {**PDF, "name": "pdf"}, "Attach a PDF or DOCX file.", "file-no-extension"),
    ("cv", {**PDF, "size": 1025}, "The file is 2 KB; the limit is 1 KB.", "file-too-big"),
    ("cv", {**PDF, "size": 0}, "The attached file is empty.", "file-empty"),
    (
        "cv",
        {**PDF, "name": "x.exe", "size": 5000},
        "Attach a PDF or DOCX file. The file is 5 KB",
        "file-both",
    ),
    ("cv", "cv.pdf", "a file name alone cannot be stored", "file-name-only"),
    ("cv", {"size": 3}, "The attached file has no name.", "file-no-name"),
    ("cv", {"name": "a.pdf", "size": "big"}, "could not be read", "file-bad-size"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), [pytest.param(*b[:3], id=b[3]) for b in BAD]
)
def test_bad_answers_get_one_sentence_under_their_field(
    field: str, value: Any, message: str
) -> None:
    errors = problems(**{field: value}, detail="d")
    assert list(errors) == [field]
    assert message in errors[field]


@pytest.mark.parametrize("blank", ["", "   ", None, [], "\x00"], ids=repr)
def test_blank_optional_answers_are_not_stored(blank: Any) -> None:
    fields = [f for f in EVERY.fields if f not in ("agree", "flag")]
    assert clean(**dict.fromkeys(fields, blank)) == {"agree": True, "flag": False}


def test_required_blanks_are_all_reported_at_once() -> None:
    assert problems(NEEDED) == {
        "name": "This answer is required.",
        "bio": "This answer is required.",
        "email": "This answer is required.",
        "phone": "This answer is required.",
        "count": "This answer is required.",
        "met_on": "This answer is required.",
        "style": "This answer is required.",
        "areas": "Choose at least 2.",
        "cv": "This answer is required.",
        "goals": "Fill in at least 1 entry.",
    }


def test_every_problem_is_collected_and_summarised() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        clean(count="9", email="nope", agree="", **{"goals-1-due": "2020-01-01"})
    exc = caught.value
    assert set(exc.errors) == {"email", "count", "agree", "goals-1-goal", "goals-1-due"}
    assert exc.form_error is None
    assert isinstance(exc, MentorflowError)
    assert str(exc).startswith("5 answers need attention: email: Enter an e-mail address")
    assert "goals-1-due: Enter a date on or after today (2024-06-15)" in str(exc)


def test_min_selected_makes_a_multichoice_required_and_counts() -> None:
    assert problems(NEEDED, areas=["Writing"])["areas"] == "Choose at least 2 (you chose 1)."


def test_default_is_only_a_prefill() -> None:
    assert "title" not in clean()


def test_unknown_keys_are_ignored() -> None:
    assert clean(csrf_token="abc", submit="Send", nonsense=[1]) == {"agree": True, "flag": False}


# ---------------------------------------------------------------- show_if


def test_hidden_field_is_dropped_and_never_an_error() -> None:
    answers = clean(flag="", detail="x" * 500)
    assert "detail" not in answers


def test_shown_field_is_required() -> None:
    assert problems(flag="y") == {"detail": "This answer is required."}
    assert clean(flag="y", detail=" ok ")["detail"] == "ok"


def test_show_if_reads_cleaned_answers_not_raw_text() -> None:
    # 'no' from a spreadsheet is False after cleaning, so the field stays hidden.
    assert "detail" not in clean(flag="no", detail="ignored")


def test_show_if_inside_an_entry_reads_the_entry_then_the_form() -> None:
    raw = {"flag": "y", "detail": "d", "goals": [{"goal": "A", "done": "y"}, {"goal": "B"}]}
    errors = problems(**raw)
    assert errors == {
        "goals-0-how": "This answer is required.",
        "goals-0-why": "This answer is required.",
        "goals-1-why": "This answer is required.",
    }
    raw["goals"] = [
        {"goal": "A", "done": "y", "how": "h", "why": "w"},
        {"goal": "B", "why": "w", "how": "dropped"},
    ]
    assert clean(**raw)["goals"] == [
        {"goal": "A", "done": True, "how": "h", "why": "w"},
        {"goal": "B", "done": False, "why": "w"},
    ]


# ---------------------------------------------------------------- groups


def test_blank_entries_are_ignored_and_not_counted() -> None:
    blank = {"goal": " ", "due": "", "done": ""}
    answers = clean(goals=[blank, {"goal": "Lead"}, {}, {"goal": "Write"}, blank])
    assert [e["goal"] for e in answers["goals"]] == ["Lead", "Write"]


def test_too_many_entries_is_an_error_on_the_group_not_a_cut() -> None:
    errors = problems(goals=[{"goal": "A"}, {"goal": "B"}, {"goal": "C"}])
    assert errors == {"goals": "Fill in at most 2 entries; there are 3."}


def test_entry_errors_keep_the_submitted_index() -> None:
    errors = problems(goals=[{}, {"goal": "A", "due": "2024-06-14"}, {"due": "2025-01-01"}])
    assert errors == {
        "goals-1-due": "Enter a date on or after today (2024-06-15).",
        "goals-2-goal": "This answer is required.",
    }


def test_flat_wtforms_keys_make_entries() -> None:
    raw = {"goals-0-goal": "A", "goals-0-done": "y", "goals-0-how": "h", "goals-7-goal": "B"}
    assert clean(**raw)["goals"] == [
        {"goal": "A", "done": True, "how": "h"},
        {"goal": "B", "done": False},
    ]
    assert problems(**{"goals-4-due": "soon"}) == {
        "goals-4-goal": "This answer is required.",
        "goals-4-due": "Enter a date as YYYY-MM-DD, such as 2024-09-30.",
    }


def test_repeat_min_makes_a_group_required() -> None:
    contract = engine.load_file(SMALL).forms["learning_contract"]
    with pytest.raises(InvalidAnswers) as caught:
        clean_answers(contract, {"goals": [{"goal": "", "target": ""}]}, today=TODAY)
    assert caught.value.errors == {"goals": "Fill in at least 1 entry."}
    answers = clean_answers(
        contract, {"goals-0-goal": "Lead", "goals-0-target": "2025-06-15"}, today=TODAY
    )
    assert answers == {"goals": [{"goal": "Lead", "target": "2025-06-15"}]}


def test_group_without_repeat_is_filled_once() -> None:
    base = {
        "name": "n",
        "bio": "b",
        "email": "a@b.gov",
        "phone": "5551234",
        "count": "1",
        "met_on": "2024-01-01",
        "style": "a",
        "areas": "Writing;Budgeting",
        "cv": PDF,
    }
    assert clean(NEEDED, **base, goals=[{"goal": "g"}])["goals"] == [{"goal": "g"}]
    errors = problems(NEEDED, **base, goals=[{"goal": "g"}, {"goal": "h"}])
    assert errors == {"goals": "Fill in at most 1 entry; there are 2."}


@pytest.mark.parametrize(
    "value", ["a;b", 3, [1, 2], {"goal": "x"}], ids=["text", "number", "not-entries", "one-dict"]
)
def test_unreadable_group_input_is_an_error_on_the_group(value: Any) -> None:
    assert list(problems(goals=value)) == ["goals"]


# ---------------------------------------------------------------- files


def test_blank_file_keeps_the_stored_one_when_editing() -> None:
    assert problems(NEEDED, cv=None)["cv"] == "This answer is required."
    for blank in (None, "", {}):
        with pytest.raises(InvalidAnswers) as caught:
            clean_answers(NEEDED, {"cv": blank}, today=TODAY, existing={"cv": PDF})
        assert "cv" not in caught.value.errors  # the stored file answers the required field


def test_stored_file_is_kept_and_a_new_one_replaces_it() -> None:
    new = {**PDF, "name": "new.pdf", "id": "f2"}
    kept = clean_answers(EVERY, {"agree": "y"}, today=TODAY, existing={"cv": PDF})
    assert kept["cv"] == PDF
    replaced = clean_answers(EVERY, {"agree": "y", "cv": new}, today=TODAY, existing={"cv": PDF})
    assert replaced["cv"] == new


def test_stored_file_in_a_group_entry_is_kept_by_index() -> None:
    proof = {**PDF, "name": "proof.pdf"}
    existing = {"goals": [{"goal": "A", "proof": proof}]}
    answers = clean_answers(
        EVERY, {"agree": "y", "goals-0-goal": "A"}, today=TODAY, existing=existing
    )
    assert answers["goals"] == [{"goal": "A", "done": False, "proof": proof}]


# ---------------------------------------------------------------- eligibility and links


def test_eligibility_failure_is_the_form_error_word_for_word() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        clean_answers(
            APPLY,
            {"email": "a@b.gov", "years": "4"},
            today=TODAY,
            eligibility=PROGRAM.roles["mentee"].eligibility,
        )
    assert caught.value.errors == {}
    assert caught.value.form_error == "Open to employees with fewer than two years of service."
    assert str(caught.value) == "Open to employees with fewer than two years of service."


def test_eligibility_is_checked_only_once_answers_are_valid() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        clean_answers(
            APPLY,
            {"email": "bad", "years": "4"},
            today=TODAY,
            eligibility=PROGRAM.roles["mentee"].eligibility,
        )
    assert caught.value.errors == {"email": "Enter an e-mail address such as name@example.gov."}
    assert caught.value.form_error is None


def test_eligible_applicant_passes() -> None:
    answers = clean_answers(
        APPLY,
        {"email": "A@B.gov", "years": "1"},
        today=TODAY,
        eligibility=PROGRAM.roles["mentee"].eligibility,
    )
    assert answers == {"email": "a@b.gov", "years": 1}


def test_applicant_cannot_name_their_own_email_as_supervisor() -> None:
    errors = problems(APPLY, email="pat@agency.gov", boss="PAT@agency.gov ", years="1")
    assert errors == {"boss": "Give your supervisor's e-mail address, not your own."}


def test_small_definition_eligibility_and_show_if() -> None:
    program = engine.load_file(SMALL)
    form = program.apply_form("mentee")
    raw = {
        "name": "Ann",
        "email": "ann@x.gov",
        "years_of_service": "5",
        "interests": "Writing",
        "other_interest": "Poetry",
    }
    with pytest.raises(InvalidAnswers) as caught:
        clean_answers(form, raw, today=TODAY, eligibility=program.roles["mentee"].eligibility)
    assert caught.value.form_error == "Employees in their first two years of service."
    raw.update(years_of_service="1", interests="Budgeting")
    answers = clean_answers(form, raw, today=TODAY, eligibility=program.roles["mentee"].eligibility)
    assert answers == {
        "name": "Ann",
        "email": "ann@x.gov",
        "years_of_service": 1,
        "interests": ["Budgeting"],
    }


# ---------------------------------------------------------------- describing values

DESCRIBED = [
    ("style", "hands_on", "Hands-on"),
    ("areas", ["Leadership", "Writing"], "Leadership, Writing"),
    ("flag", True, "Yes"),
    ("flag", False, "No"),
    ("agree", True, "Yes"),
    ("count", 2, "2"),
    ("ratio", 1.5, "1.5"),
    ("met_on", "2024-06-15", "2024-06-15"),
    ("cv", PDF, "CV.PDF"),
    ("title", None, ""),
    ("goals", [{"goal": "A", "done": True}, {"goal": "B"}], "1. Goal: A, Done: Yes\n2. Goal: B"),
]


@pytest.mark.parametrize(
    ("field", "value", "text"), DESCRIBED, ids=[d[0] + "-" + repr(d[1])[:12] for d in DESCRIBED]
)
def test_describe_value_for_people(field: str, value: Any, text: str) -> None:
    assert describe_value(EVERY.fields[field], value) == text


# ---------------------------------------------------------------- properties

SAMPLES = {
    "title": ["Dr", "Mx Lee"],
    "code": ["123456"],
    "notes": ["line\r\nline"],
    "email": ["A@B.gov"],
    "phone": ["555 123 4567"],
    "count": ["1", "3.0"],
    "ratio": ["0.5", "1"],
    "met_on": ["2024-01-01"],
    "style": ["Hands-on", "reflective"],
    "rating": ["2"],
    "areas": ["Writing;leadership", "Budgeting"],
    "flag": ["y", "no"],
    "agree": ["y", "yes"],
    "detail": ["d"],
}


def _value(field: str) -> st.SearchStrategy[Any]:
    # Mostly plausible answers, so that many examples clean; sometimes any text at all.
    plausible = st.sampled_from([*SAMPLES.get(field, []), ""])
    return st.one_of(plausible, plausible, plausible, plausible, st.text(max_size=12))


raw_answers = st.fixed_dictionaries(
    {"agree": st.sampled_from(SAMPLES["agree"])},
    optional={
        **{f: _value(f) for f in EVERY.fields if f not in ("goals", "agree", "cv")},
        "goals": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "goal": _value("title"),
                    "due": st.sampled_from(["", "2024-07-01", "2024-06-01"]),
                    "done": _value("flag"),
                    "how": _value("title"),
                    "why": _value("title"),
                },
            ),
            max_size=3,
        ),
    },
)


@settings(max_examples=300, deadline=None)
@given(raw_answers)
def test_any_strings_either_clean_or_raise_invalid_answers_and_cleaning_is_idempotent(
    raw: dict[str, Any],
) -> None:
    try:
        answers = clean_answers(EVERY, raw, today=TODAY)
    except InvalidAnswers as exc:
        assert exc.errors and all(isinstance(m, str) and m for m in exc.errors.values())
        return
    assert clean_answers(EVERY, answers, today=TODAY) == answers


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*NEEDED.fields, "x"]), st.text(max_size=20)))
def test_random_strings_never_raise_anything_else(raw: dict[str, str]) -> None:
    try:
        clean_answers(NEEDED, raw, today=TODAY)
    except InvalidAnswers:
        pass


# ---------------------------------------------------------------- answers as people read them

REASON = ShownAnswer("Reason", "Other", True)
EXPLAINED = ShownAnswer("Explanation given to the applicant", "Full this cycle", True)
SHOWN = [
    # (stored answers of general-mentoring's mentee_decline_reason, as shown): form order
    # first, then what the form no longer asks, marked as such.
    ({"explanation": "Full this cycle", "reason": "Other"}, [REASON, EXPLAINED]),
    (
        {"reason": "Other", "old": "kept"},
        [REASON, ShownAnswer("old (no longer asked)", "kept", False)],
    ),
    ({"old": ["a", "b"]}, [ShownAnswer("old (no longer asked)", "a, b", False)]),
    ({}, []),
]


@pytest.mark.parametrize(("answers", "expected"), SHOWN)
def test_shown_answers(
    programs: dict[str, engine.Program], answers: dict[str, Any], expected: list[ShownAnswer]
) -> None:
    form = programs["general-mentoring"].forms["mentee_decline_reason"]
    assert shown_answers(form, answers) == expected
