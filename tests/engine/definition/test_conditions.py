"""Conditions (spec: "Conditions") and the date literals they compare against."""

import datetime as dt
import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mentorflow.engine.definition.conditions import COMPARISONS, Condition, evaluate
from mentorflow.engine.definition.dates import DateLiteral, literals_in_order, parse_date_literal

TODAY = dt.date(2024, 6, 15)
C = Condition.model_validate


def holds(condition: dict, **answers) -> bool:
    return evaluate(C(condition), answers.get, TODAY)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({}, "needs 'field' and one operator", id="empty"),
        pytest.param({"equals": 1}, "needs 'field' and one operator", id="operator-no-field"),
        pytest.param({"field": "a"}, "needs exactly one operator", id="no-operator"),
        pytest.param({"field": "a", "equals": None}, "found none", id="null-operator"),
        pytest.param({"field": "a", "equals": 1, "in": [1]}, "found 2: equals, in", id="two-ops"),
        pytest.param({"field": "a", "all": [{"field": "b", "is_set": True}]}, "'all' stands alone",
                     id="field-plus-all"),
        pytest.param({"all": [{"field": "b", "is_set": True}], "any": [{"field": "b", "lt": 1}]},
                     "'all' stands alone", id="all-with-any"),
        pytest.param({"not": {"field": "a", "is_set": True}, "gt": 1}, "'not' stands alone",
                     id="not-plus-operator"),
        pytest.param({"all": []}, "at least 1 item", id="empty-all"),
        pytest.param({"any": []}, "at least 1 item", id="empty-any"),
        pytest.param({"all": [{"field": "a"}]}, "needs exactly one operator", id="nested-bad"),
        pytest.param({"field": "a", "is": 1}, "Extra inputs are not permitted", id="unknown-op"),
        pytest.param({"field": "a", "in_": [1]}, "Extra inputs", id="python-name-in_"),
        pytest.param({"field": "a", "in": "x"}, "valid list", id="in-not-a-list"),
        pytest.param({"field": "a", "is_set": "yes"}, "valid boolean", id="is_set-yes-text"),
        pytest.param({"field": "a", "lt": True}, "valid integer", id="lt-boolean"),
        pytest.param({"field": 3, "equals": 1}, "valid string", id="field-not-text"),
    ],
)  # fmt: skip
def test_shape_errors(data, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        C(data)


@pytest.mark.parametrize(
    ("data", "operator", "operand"),
    [({"field": "a", "equals": False}, "equals", False), ({"field": "a", "equals": 0}, "equals", 0),
     ({"field": "a", "equals": ""}, "equals", ""), ({"field": "a", "is_set": False}, "is_set", False),
     ({"field": "a", "in": [1, "x", True]}, "in", [1, "x", True]),
     ({"field": "a", "gte": "today-1y"}, "gte", "today-1y")],
    ids=["equals-false", "equals-zero", "equals-empty", "is_set-false", "in-mixed", "date"],
)  # fmt: skip
def test_falsy_operands_still_count_as_the_operator(data, operator, operand):
    condition = C(data)  # repr: False must not become 0, nor True 1
    assert (condition.operator, repr(condition.operand)) == (operator, repr(operand))


EVALUATIONS = [
    # equals / not_equals / in / not_in: text, numbers, booleans (True is not 1)
    ("text-equal", {"equals": "Yes"}, "Yes", True),
    ("text-case-matters", {"equals": "Yes"}, "yes", False),
    ("int-equal", {"equals": 3}, 3, True),
    ("int-float-equal", {"equals": 3}, 3.0, True),
    ("int-differs", {"equals": 3}, 2, False),
    ("bool-equal", {"equals": True}, True, True),
    ("true-is-not-1", {"equals": True}, 1, False),
    ("1-is-not-true", {"equals": 1}, True, False),
    ("number-equals-its-text", {"equals": "3"}, 3, True),  # compared as text
    # a number is not ordered against a date, nor a date against a number
    ("number-against-a-date", {"gt": "2026-01-01"}, 5, False),
    ("false-is-not-0", {"equals": 0}, False, False),
    ("not-equals-text", {"not_equals": "a"}, "b", True),
    ("not-equals-same", {"not_equals": "a"}, "a", False),
    ("not-equals-1-true", {"not_equals": 1}, True, True),
    ("in-hit", {"in": ["a", "b"]}, "b", True),
    ("in-miss", {"in": ["a", "b"]}, "c", False),
    ("in-number", {"in": [1, 2.5]}, 2.5, True),
    ("in-1-vs-true", {"in": [True]}, 1, False),
    ("not-in-miss", {"not_in": ["a", "b"]}, "c", True),
    ("not-in-hit", {"not_in": ["a", "b"]}, "a", False),
    ("not-in-true-vs-1", {"not_in": [1]}, True, True),
    # lt / lte / gt / gte on numbers
    ("lt", {"lt": 2}, 1, True),
    ("lt-equal", {"lt": 2}, 2, False),
    ("lte-equal", {"lte": 2}, 2, True),
    ("gt-float", {"gt": 1}, 1.5, True),
    ("gte-equal", {"gte": 2.5}, 2.5, True),
    ("gte-below", {"gte": 2.5}, 2, False),
    ("bool-is-not-a-number", {"lt": 2}, True, False),
    ("numeric-text-is-not-a-number", {"lt": 5}, "3", False),
    # ... and on ISO dates, literals resolved against TODAY = 2024-06-15
    ("date-lt-today-1y", {"lt": "today-1y"}, "2023-06-14", True),
    ("date-lt-on-the-day", {"lt": "today-1y"}, "2023-06-15", False),
    ("date-lte-on-the-day", {"lte": "today-1y"}, "2023-06-15", True),
    ("date-gt-today", {"gt": "today"}, "2024-06-16", True),
    ("date-gt-today-same", {"gt": "today"}, "2024-06-15", False),
    ("date-gte-today", {"gte": "today"}, "2024-06-15", True),
    ("date-lte-today+30d", {"lte": "today+30d"}, "2024-07-15", True),
    ("date-lte-after-30d", {"lte": "today+30d"}, "2024-07-16", False),
    ("date-gt-today-2w", {"gt": "today-2w"}, "2024-06-02", True),
    ("date-lt-today+6m", {"lt": "today+6m"}, "2024-12-14", True),
    ("date-fixed", {"gt": "2023-12-31"}, "2024-01-01", True),
    ("not-a-date-value", {"gt": "today"}, "soon", False),
    ("not-a-date-operand", {"gt": "tomorrow"}, "2030-01-01", False),
    ("date-vs-number", {"gt": 3}, "2030-01-01", False),
    # contains: a selection of a multichoice, or case-insensitive substring of text
    ("multichoice-has", {"contains": "Budgeting"}, ["Leadership", "Budgeting"], True),
    ("multichoice-exact", {"contains": "budget"}, ["Leadership", "Budgeting"], False),
    ("multichoice-numbers", {"contains": 2}, [1, 2], True),
    ("multichoice-true-not-1", {"contains": 1}, [True], False),
    ("text-substring", {"contains": "LEADER"}, "Grow my leadership skills", True),
    ("text-no-substring", {"contains": "budget"}, "Grow my leadership skills", False),
    # is_set
    ("is-set-text", {"is_set": True}, "x", True),
    ("is-set-zero", {"is_set": True}, 0, True),
    ("is-set-false-value", {"is_set": True}, False, True),
    ("is-not-set-but-is", {"is_set": False}, "x", False),
    ("is-not-set-zero", {"is_set": False}, 0, False),
]


@pytest.mark.parametrize(
    ("operator", "answer", "expected"),
    [e[1:] for e in EVALUATIONS],
    ids=[e[0] for e in EVALUATIONS],
)
def test_evaluate_comparisons(operator, answer, expected):
    assert holds({"field": "f", **operator}, f=answer) is expected


OPERANDS = {"equals": "x", "not_equals": "x", "in": ["x"], "not_in": ["x"], "lt": 5, "lte": 5,
            "gt": "today", "gte": 1, "contains": "x"}  # fmt: skip


@pytest.mark.parametrize(
    "blank", [None, "", [], {}], ids=["none", "empty-text", "no-selection", "empty-map"]
)
@pytest.mark.parametrize("operator", COMPARISONS)
def test_a_comparison_with_a_blank_answer_is_false(operator, blank):
    assert holds({"field": "f", operator: OPERANDS[operator]}, f=blank) is False
    assert holds({"field": "f", "is_set": True}, f=blank) is False
    assert holds({"field": "f", "is_set": False}, f=blank) is True


SPEC_EXAMPLE = {
    "all": [
        {"field": "a", "equals": "yes"},
        {"any": [{"field": "b", "is_set": True}, {"field": "c", "gte": 3}]},
    ]
}


@pytest.mark.parametrize(
    ("condition", "answers", "expected"),
    [
        pytest.param(SPEC_EXAMPLE, {"a": "yes", "b": "x"}, True, id="all-any-first"),
        pytest.param(SPEC_EXAMPLE, {"a": "yes", "c": 3}, True, id="all-any-second"),
        pytest.param(SPEC_EXAMPLE, {"a": "yes", "c": 2}, False, id="all-any-neither"),
        pytest.param(SPEC_EXAMPLE, {"a": "no", "b": "x"}, False, id="all-first-fails"),
        pytest.param({"not": {"field": "a", "in": ["x", "y"]}}, {"a": "z"}, True, id="not-in"),
        pytest.param({"not": {"field": "a", "in": ["x", "y"]}}, {"a": "x"}, False, id="not-hit"),
        pytest.param({"not": {"field": "a", "equals": 1}}, {}, True, id="not-of-blank"),
        pytest.param({"not": {"not": {"field": "a", "equals": 1}}}, {"a": 1}, True, id="not-not"),
        pytest.param({"any": [{"all": [{"field": "a", "lt": 1}]}]}, {"a": 0}, True, id="deep"),
    ],
)
def test_evaluate_groups(condition, answers, expected):
    assert evaluate(C(condition), answers.get, TODAY) is expected


@pytest.mark.parametrize(
    ("condition", "fields"),
    [({"field": "a", "is_set": True}, ["a"]), (SPEC_EXAMPLE, ["a", "b", "c"]),
     ({"not": {"any": [{"field": "x", "lt": 1}, {"field": "f.y", "gt": 2}]}}, ["x", "f.y"])],
    ids=["single", "nested", "not-any"],
)  # fmt: skip
def test_fields_lists_every_field_read_in_order(condition, fields):
    assert C(condition).fields() == fields


values = st.one_of(st.text(min_size=1), st.integers(), st.floats(allow_nan=False), st.booleans())


@given(answer=values, operand=values)
def test_negations_agree(answer, operand):
    equals = holds({"field": "f", "equals": operand}, f=answer)
    assert holds({"field": "f", "not_equals": operand}, f=answer) is not equals
    assert holds({"field": "f", "in": [operand]}, f=answer) is equals
    assert holds({"field": "f", "not_in": [operand]}, f=answer) is not equals
    assert holds({"not": {"field": "f", "equals": operand}}, f=answer) is not equals


@given(text=st.text(string.ascii_letters + " ", min_size=1), data=st.data())
def test_contains_finds_any_substring_in_any_case(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    assert holds({"field": "f", "contains": text[start:end].swapcase()}, f=text) is True


@given(day=st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)), offset=st.integers(-999, 999))
def test_date_comparisons_match_calendar_order(day, offset):
    literal = f"today{offset:+d}d"
    bound = TODAY + dt.timedelta(days=offset)
    assert holds({"field": "f", "lt": literal}, f=day.isoformat()) is (day < bound)
    assert holds({"field": "f", "gte": literal}, f=day.isoformat()) is (day >= bound)


@pytest.mark.parametrize(
    ("text", "today", "resolved"),
    [("today", "2024-06-15", "2024-06-15"), (" today ", "2024-06-15", "2024-06-15"),
     ("today+30d", "2024-06-15", "2024-07-15"), ("today-2w", "2024-06-15", "2024-06-01"),
     ("today+6m", "2024-06-15", "2024-12-15"), ("today+6m", "2024-01-31", "2024-07-31"),
     ("today+6m", "2024-08-31", "2025-02-28"), ("today+1m", "2024-01-31", "2024-02-29"),
     ("today-1m", "2024-03-31", "2024-02-29"), ("today+13m", "2024-12-15", "2026-01-15"),
     ("today-1y", "2024-06-15", "2023-06-15"), ("today-1y", "2024-02-29", "2023-02-28"),
     ("today+4y", "2024-02-29", "2028-02-29"), ("2024-02-29", "2030-01-01", "2024-02-29")],
)  # fmt: skip
def test_parse_date_literal_resolves(text, today, resolved):
    day = dt.date.fromisoformat
    assert parse_date_literal(text).resolve(day(today)) == day(resolved)


@pytest.mark.parametrize(
    ("text", "literal"),
    [("today", DateLiteral(sign=1, amount=0)),
     ("today-2w", DateLiteral(sign=-1, amount=2, unit="w")),
     ("today+6m", DateLiteral(sign=1, amount=6, unit="m")),
     ("2024-02-29", DateLiteral(fixed=dt.date(2024, 2, 29))),
     (dt.date(2024, 2, 29), DateLiteral(fixed=dt.date(2024, 2, 29)))],
    ids=["today", "weeks-back", "months-ahead", "iso-text", "date-object"],
)  # fmt: skip
def test_parse_date_literal_shape(text, literal):
    assert parse_date_literal(text) == literal


@pytest.mark.parametrize(
    "text", ["2024-02-30", "tomorrow", "today+3x", "today+", "Today", "", "today+12345d"]
)
def test_bad_date_literals_explain_the_format(text):
    with pytest.raises(ValueError, match=re.escape(f"'{text}' is not a date: write YYYY-MM-DD")):
        parse_date_literal(text)


@pytest.mark.parametrize("value", [5, None, True, 2.5], ids=repr)
def test_non_text_date_literals_are_refused(value):
    with pytest.raises(
        ValueError,
        match=re.escape(f"expected a date (YYYY-MM-DD, 'today', or 'today+30d'), got {value!r}"),
    ):
        parse_date_literal(value)


@pytest.mark.parametrize(
    ("low", "high", "in_order"),
    [("2024-01-01", "2024-12-31", True), ("2024-12-31", "2024-01-01", False),
     ("2024-01-01", "2024-01-01", True), ("today-1y", "today", True),
     ("today+1m", "today+2w", False), ("today+4w", "today+1m", True),
     ("2999-01-01", "today", True), ("today", "1900-01-01", True)],
    ids=lambda v: v if isinstance(v, str) else None,
)  # fmt: skip
def test_literals_in_order(low, high, in_order):
    assert literals_in_order(parse_date_literal(low), parse_date_literal(high)) is in_order
