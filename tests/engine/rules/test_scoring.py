"""Matching against the spec: scores by a plain reference scorer, `optimal` against a
brute-force search over every assignment, `greedy` against a simulation of its rule,
and the reasons given to mentees left without a mentor."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from mentorflow import engine
from mentorflow.engine.definition.format import Criterion
from mentorflow.engine.rules.scoring import Candidate, MatchResult, agreement, propose, score

DEFINITION = """
format: 1
program:
  id: matching-lab
  title: Matching Lab
  agency: Test Agency
  revision: 1
  contact: {name: Pat Key, email: pat@example.gov}
  relationship_months: {default: 6, min: 3, max: 12}
choices:
  areas: [A, B, C]
  days: [mon, tue]
  styles: [x, y]
  units: [u1, u2, u3, u4]
  langs: [en, fr]
roles:
  mentee: {label: Mentee, apply_form: mentee_application, lifecycle: mentee}
  mentor:
    label: Mentor
    apply_form: mentor_application
    lifecycle: mentor
    capacity: {field: max_mentees, default: 1, max: 3}
forms:
  mentee_application:
    title: Mentee Application
    filled_by: mentee
    sections:
      - fields:
          - {id: interests, label: Interests, type: multichoice, choices: areas}
          - {id: first_wish, label: First wish, type: choice, choices: areas}
          - {id: days, label: Days, type: multichoice, choices: days}
          - {id: style, label: Style, type: choice, choices: styles}
          - {id: unit, label: Unit, type: choice, choices: units}
          - {id: langs, label: Languages, type: multichoice, choices: langs}
          - {id: years, label: Years, type: number}
          - {id: hours, label: Hours, type: number}
          - {id: level, label: Level, type: number}
  mentor_application:
    title: Mentor Application
    filled_by: mentor
    sections:
      - fields:
          - {id: expertise, label: Expertise, type: multichoice, choices: areas}
          - {id: days, label: Days, type: multichoice, choices: days}
          - {id: style, label: Style, type: choice, choices: styles}
          - {id: unit, label: Unit, type: choice, choices: units}
          - {id: langs, label: Languages, type: multichoice, choices: langs}
          - {id: years, label: Years, type: number}
          - {id: hours, label: Hours, type: number}
          - {id: level, label: Level, type: number}
          - {id: max_mentees, label: Mentees at once, type: number, integer: true, min: 1, max: 3}
lifecycles:
  mentee:
    initial: waiting
    states:
      waiting: {label: Waiting}
      matched: {label: Matched}
      closed: {label: Closed, final: true, outcome: completed}
    transitions:
      - {id: match, label: Match, from: waiting, to: matched, by: [coordinator], requires: {partner: true}}
      - {id: close, label: Close, from: matched, to: closed, by: [coordinator]}
  mentor:
    initial: applied
    states:
      applied: {label: Applied}
      available: {label: Available}
      gone: {label: Gone, final: true}
    transitions:
      - {id: accept, label: Accept, from: applied, to: available, by: [coordinator]}
      - {id: leave, label: Leave, from: "*", to: gone, by: [coordinator]}
matching:
  on_match: match
  mentor_states: [available]
  strategy: optimal
  criteria:
    - {id: needs, label: Areas, mentee: interests, mentor: expertise, kind: overlap, weight: 3}
    - {id: wish, label: First wish, mentee: first_wish, mentor: expertise, kind: overlap, weight: 0.3}
    - {id: days, label: Days, mentee: days, mentor: days, kind: overlap, weight: 2, required: true}
    - {id: style, label: Style, mentee: style, mentor: style, kind: same, weight: 0.1}
    - {id: unit, label: Another unit, mentee: unit, mentor: unit, kind: different, weight: 0.5, required: true}
    - {id: langs, label: Same languages, mentee: langs, mentor: langs, kind: same, weight: 0.2}
    - {id: seniority, label: Seniority, mentee: years, mentor: years, kind: at_least, margin: 2}
    - {id: level, label: Level, mentee: level, mentor: level, kind: at_least, weight: 0.5, required: true}
    - {id: time, label: Hours, mentee: hours, mentor: hours, kind: near, margin: 1, weight: 1.25}
    - {id: exact_time, label: Same hours, mentee: hours, mentor: hours, kind: near, weight: 0.5}
"""

PROGRAM = engine.load_text(DEFINITION, "matching-lab.yaml")
assert PROGRAM.matching is not None
CRITERIA: list[Criterion] = list(PROGRAM.matching.criteria)
LABELS = {c.id: c.label for c in CRITERIA}
CHOICES = {
    "interests": ["A", "B", "C"],
    "expertise": ["A", "B", "C"],
    "first_wish": ["A", "B", "C"],
    "days": ["mon", "tue"],
    "style": ["x", "y"],
    "unit": ["u1", "u2", "u3", "u4"],
    "langs": ["en", "fr"],
}
MULTI = {"interests", "expertise", "days", "langs"}
NUMBERS = ("years", "hours", "level")
MENTEE_FIELDS = ("interests", "first_wish", "days", "style", "unit", "langs", *NUMBERS)
MENTOR_FIELDS = ("expertise", "days", "style", "unit", "langs", *NUMBERS)

# --------------------------------------------------------------- the reference, from the spec


def blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def as_list(value: Any) -> list[Any]:
    if blank(value):
        return []
    return list(value) if isinstance(value, list) else [value]


def ref_agreement(c: Criterion, mentee: Mapping[str, Any], mentor: Mapping[str, Any]) -> Fraction:
    """One pair, one criterion, exactly as the spec's table words it."""
    a, b = mentee.get(c.mentee), mentor.get(c.mentor)
    if c.kind == "overlap":
        wanted = as_list(a)
        if not wanted:
            return Fraction(0)
        offered = as_list(b)
        return Fraction(sum(1 for v in wanted if v in offered), len(wanted))
    if c.kind in ("same", "different"):
        if blank(a) or blank(b):  # a blank answer agrees with nothing
            return Fraction(0)
        equal = set(as_list(a)) == set(as_list(b))
        return Fraction(int(equal if c.kind == "same" else not equal))
    if a is None or b is None:
        return Fraction(0)
    margin = Fraction(str(c.margin or 0))  # as written: 0.1 is a tenth
    x, y = Fraction(str(a)), Fraction(str(b))
    if c.kind == "near":
        return Fraction(int(abs(x - y) <= margin))
    assert c.kind == "at_least"
    return Fraction(int(y >= x + margin))


def ref_points(mentee: Mapping[str, Any], mentor: Mapping[str, Any]) -> dict[str, Fraction]:
    return {c.id: Fraction(str(c.weight)) * ref_agreement(c, mentee, mentor) for c in CRITERIA}


def ref_score(mentee: Mapping[str, Any], mentor: Mapping[str, Any]) -> Fraction:
    return sum(ref_points(mentee, mentor).values(), Fraction(0))


def ref_allowed(mentee: Mapping[str, Any], mentor: Mapping[str, Any]) -> bool:
    return all(ref_agreement(c, mentee, mentor) > 0 for c in CRITERIA if c.required)


class Pool:
    """A pool with its reference scores, computed pair by pair."""

    def __init__(self, mentees: list[Candidate], mentors: list[Candidate]) -> None:
        self.mentees, self.mentors = mentees, mentors
        self.score = [[ref_score(e.answers, t.answers) for t in mentors] for e in mentees]
        self.allowed = [[ref_allowed(e.answers, t.answers) for t in mentors] for e in mentees]
        self.places = [max(t.places, 0) for t in mentors]

    def __repr__(self) -> str:
        mentees = [e.answers for e in self.mentees]
        mentors = [(t.answers, t.places) for t in self.mentors]
        return f"Pool(mentees={mentees!r}, mentors={mentors!r})"

    def pair(self, mentee_id: str, mentor_id: str) -> tuple[int, int]:
        ids = [e.enrollment_id for e in self.mentees], [t.enrollment_id for t in self.mentors]
        return ids[0].index(mentee_id), ids[1].index(mentor_id)


def brute_force(pool: Pool) -> tuple[int, Fraction]:
    """The most pairs, then the highest total, over every assignment of each mentee to
    an allowed mentor with a place left, or to nobody."""
    best = (0, Fraction(0))
    left = list(pool.places)

    def walk(row: int, count: int, total: Fraction) -> None:
        nonlocal best
        if row == len(pool.mentees):
            best = max(best, (count, total))
            return
        walk(row + 1, count, total)  # nobody
        for col in range(len(pool.mentors)):
            if pool.allowed[row][col] and left[col] > 0:
                left[col] -= 1
                walk(row + 1, count + 1, total + pool.score[row][col])
                left[col] += 1

    walk(0, 0, Fraction(0))
    return best


def greedy_reference(pool: Pool) -> list[tuple[int, int]]:
    """The rule: take the best remaining allowed pair whose mentor has a place left;
    ties to the earlier mentee, then the earlier mentor; until none is left."""
    left = list(pool.places)
    taken: set[int] = set()
    pairs: list[tuple[int, int]] = []
    while True:
        remaining = [
            (-pool.score[r][c], r, c)
            for r in range(len(pool.mentees))
            for c in range(len(pool.mentors))
            if r not in taken and left[c] > 0 and pool.allowed[r][c]
        ]
        if not remaining:
            return sorted(pairs)
        _, r, c = min(remaining)
        taken.add(r)
        left[c] -= 1
        pairs.append((r, c))


def expected_reason(pool: Pool, row: int) -> str:
    if not pool.mentors:
        return "no mentor has a place free"
    mentee = pool.mentees[row].answers
    for c in CRITERIA:
        if c.required and all(ref_agreement(c, mentee, t.answers) == 0 for t in pool.mentors):
            return f"no mentor passes the hard constraint '{c.label}'"
    if not any(pool.allowed[row]):
        return "no mentor passes all the hard constraints together"
    return "every mentor who could take them is full"


# --------------------------------------------------------------- generated pools

MISSING = object()
REQUIRED_FIELDS = {"days", "unit", "level"}


def answer(rnd: random.Random, field_id: str, role: str) -> Any:
    """Mostly a real answer; sometimes missing, None, or the field type's blank (less
    often for the fields of hard constraints, so that pools have pairs to choose from)."""
    if rnd.random() < (0.05 if field_id in REQUIRED_FIELDS else 0.25):
        empty = None if field_id in NUMBERS else [] if field_id in MULTI else ""
        return rnd.choice([MISSING, None, empty])
    if field_id in NUMBERS:
        low = 0 if role == "mentee" else 1
        return rnd.choice([low, low + 1, low + 2, low + 3, low + 0.5, low + 1.5])
    choices = CHOICES[field_id]
    if field_id in MULTI:
        return rnd.sample(choices, rnd.randint(1, len(choices)))
    return rnd.choice(choices)


def answers(rnd: random.Random, fields: Sequence[str], role: str) -> dict[str, Any]:
    found = {f: answer(rnd, f, role) for f in fields}
    return {f: v for f, v in found.items() if v is not MISSING}


@st.composite
def pools(draw: st.DrawFn) -> Pool:
    """0-5 mentees, 0-4 mentors with 0-3 places; answers from a seeded random.Random."""
    n, m = draw(st.sampled_from(range(6))), draw(st.sampled_from(range(5)))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))  # uniform answers, unlike st.randoms
    mentees = [
        Candidate(
            f"e{i}", f"Mentee {i}", f"e{i}@example.gov", answers(rnd, MENTEE_FIELDS, "mentee")
        )
        for i in range(n)
    ]
    mentors = [
        Candidate(
            f"t{j}",
            f"Mentor {j}",
            f"t{j}@example.gov",
            answers(rnd, MENTOR_FIELDS, "mentor"),
            rnd.choice([0, 1, 1, 2, 3]),
        )
        for j in range(m)
    ]
    return Pool(mentees, mentors)


def check_constraints(pool: Pool, result: MatchResult) -> None:
    rows = [pool.pair(p.mentee_id, p.mentor_id) for p in result.proposals]
    assert len({r for r, _ in rows}) == len(rows), "a mentee proposed twice"
    for r, c in rows:
        assert pool.allowed[r][c], f"{pool.mentees[r].enrollment_id} breaks a hard constraint"
    for c, places in enumerate(pool.places):
        assert sum(1 for _, col in rows if col == c) <= places, "a capacity is exceeded"
    for p, (r, c) in zip(result.proposals, rows, strict=True):
        assert p.score == pytest.approx(float(pool.score[r][c]), abs=1e-9)
        points = ref_points(pool.mentees[r].answers, pool.mentors[c].answers)
        assert p.points == pytest.approx({k: float(v) for k, v in points.items()}, abs=1e-9)
    # Everyone else is unmatched, in application order, each with the right reason.
    matched = {r for r, _ in rows}
    assert [u.mentee_id for u in result.unmatched] == [
        e.enrollment_id for i, e in enumerate(pool.mentees) if i not in matched
    ]
    assert [pool.pair(p.mentee_id, p.mentor_id)[0] for p in result.proposals] == sorted(matched)
    for u in result.unmatched:
        row = [e.enrollment_id for e in pool.mentees].index(u.mentee_id)
        assert u.reason == expected_reason(pool, row)
        if u.reason == "every mentor who could take them is full":
            for c in range(len(pool.mentors)):
                if pool.allowed[row][c]:
                    assert sum(1 for _, col in rows if col == c) == pool.places[c]


@settings(max_examples=250, deadline=None)
@given(pools())
def test_scores_are_the_spec_s_scores(pool: Pool) -> None:
    scores = score(PROGRAM, pool.mentees, pool.mentors)
    shape = (len(pool.mentees), len(pool.mentors))
    assert scores.total.shape == shape and scores.feasible.shape == shape
    assert set(scores.points) == {c.id for c in CRITERIA}
    assert set(scores.failing) == {c.id for c in CRITERIA if c.required}
    for r, mentee in enumerate(pool.mentees):
        for c, mentor in enumerate(pool.mentors):
            for criterion in CRITERIA:
                expected = ref_agreement(criterion, mentee.answers, mentor.answers)
                got = scores.points[criterion.id][r, c]
                assert got == pytest.approx(float(criterion.weight * expected), abs=1e-12), (
                    criterion.id,
                    mentee.answers,
                    mentor.answers,
                )
                if criterion.required:
                    assert bool(scores.failing[criterion.id][r, c]) == (expected == 0)
            assert scores.total[r, c] == pytest.approx(float(pool.score[r][c]), abs=1e-9)
            assert bool(scores.feasible[r, c]) == pool.allowed[r][c]


@settings(max_examples=400, deadline=None)
@given(pools())
def test_optimal_is_the_brute_force_best(pool: Pool) -> None:
    result = propose(PROGRAM, pool.mentees, pool.mentors, "optimal")
    assert result.strategy == "optimal"
    check_constraints(pool, result)
    count, total = brute_force(pool)
    event(f"optimal matches {count} of {len(pool.mentees)}")
    for u in result.unmatched:
        event(f"reason: {u.reason.split(chr(39))[0]}")
    assert len(result.proposals) == count
    assert result.total_score == pytest.approx(float(total), abs=1e-9)
    # The same pool twice gives the same proposals.
    again = propose(PROGRAM, list(pool.mentees), list(pool.mentors), "optimal")
    assert again.proposals == result.proposals and again.unmatched == result.unmatched


@settings(max_examples=400, deadline=None)
@given(pools())
def test_greedy_follows_its_rule(pool: Pool) -> None:
    result = propose(PROGRAM, pool.mentees, pool.mentors, "greedy")
    assert result.strategy == "greedy"
    check_constraints(pool, result)
    got = [pool.pair(p.mentee_id, p.mentor_id) for p in result.proposals]
    assert got == greedy_reference(pool)
    event(f"greedy matches {len(got)} of {len(pool.mentees)}")
    again = propose(PROGRAM, list(pool.mentees), list(pool.mentors), "greedy")
    assert again.proposals == result.proposals and again.unmatched == result.unmatched


def test_the_definition_s_strategy_is_the_default() -> None:
    mentee = Candidate("e0", "E", "e@example.gov", {"days": ["mon"], "unit": "u1", "level": 1})
    mentor = Candidate("t0", "T", "t@example.gov", {"days": ["mon"], "unit": "u2", "level": 1})
    assert propose(PROGRAM, [mentee], [mentor]).strategy == "optimal"


# --------------------------------------------------------------- hand-computed cases


def criterion(criterion_id: str) -> Criterion:
    return next(c for c in CRITERIA if c.id == criterion_id)


def person(i: int, answers: dict[str, Any], places: int = 1) -> Candidate:
    return Candidate(f"p{i}", f"P{i}", f"p{i}@example.gov", answers, places)


# (criterion, mentee answer, mentor answer, agreement)
CASES: list[tuple[str, Any, Any, float]] = [
    ("needs", ["A", "B", "C"], ["B"], 1 / 3),
    ("needs", ["A", "B", "C"], ["C", "A"], 2 / 3),
    ("needs", ["A", "B"], ["A", "B", "C"], 1.0),
    ("needs", ["A"], ["B", "C"], 0.0),
    ("needs", [], ["A", "B"], 0.0),  # the mentee chose none
    ("needs", None, ["A"], 0.0),
    ("needs", ["A"], [], 0.0),
    ("needs", ["A"], None, 0.0),
    ("wish", "B", ["A", "B"], 1.0),  # a single choice against a multichoice
    ("wish", "C", ["A", "B"], 0.0),
    ("wish", "", ["A"], 0.0),
    ("style", "x", "x", 1.0),
    ("style", "x", "y", 0.0),
    ("style", None, None, 0.0),  # blank agrees with nothing, not even a blank
    ("style", "", "", 0.0),
    ("style", "x", None, 0.0),
    ("langs", ["en", "fr"], ["fr", "en"], 1.0),  # equal as sets
    ("langs", ["en"], ["en", "fr"], 0.0),
    ("langs", [], [], 0.0),
    ("unit", "u1", "u2", 1.0),
    ("unit", "u1", "u1", 0.0),
    ("unit", "u1", None, 0.0),  # a blank differs from nothing either
    ("unit", None, "u2", 0.0),
    ("time", 10, 11, 1.0),  # near, margin 1
    ("time", 11, 10, 1.0),
    ("time", 10, 11.5, 0.0),
    ("time", 10, None, 0.0),
    ("exact_time", 4, 4, 1.0),  # near without a margin: equal numbers
    ("exact_time", 4, 4.5, 0.0),
    ("seniority", 3, 5, 1.0),  # at_least, margin 2: mentor >= mentee + 2
    ("seniority", 3, 4.5, 0.0),
    ("seniority", 3, 9, 1.0),
    ("seniority", 5, 3, 0.0),
    ("seniority", None, 9, 0.0),
    ("level", 2, 2, 1.0),  # at_least without a margin
    ("level", 2, 1, 0.0),
    ("level", 0, 0, 1.0),
]


@pytest.mark.parametrize(("criterion_id", "mentee", "mentor", "expected"), CASES)
def test_agreement_by_hand(criterion_id: str, mentee: Any, mentor: Any, expected: float) -> None:
    c = criterion(criterion_id)
    got = agreement(PROGRAM, c, [person(0, {c.mentee: mentee})], [person(1, {c.mentor: mentor})])
    assert got.shape == (1, 1)
    assert got[0, 0] == pytest.approx(expected)
    assert float(ref_agreement(c, {c.mentee: mentee}, {c.mentor: mentor})) == pytest.approx(
        expected
    )


def test_agreement_for_a_whole_pool_at_once() -> None:
    c = criterion("needs")
    mentees = [person(0, {"interests": ["A", "B"]}), person(1, {"interests": ["C"]}), person(2, {})]
    mentors = [person(3, {"expertise": ["A"]}), person(4, {"expertise": ["B", "C"]})]
    got = agreement(PROGRAM, c, mentees, mentors)
    np.testing.assert_allclose(got, [[0.5, 0.5], [0.0, 1.0], [0.0, 0.0]])


GOOD = {"days": ["mon"], "unit": "u1", "level": 1}


def test_a_score_shows_every_criterion_s_share() -> None:
    mentee = person(0, {**GOOD, "interests": ["A", "B"], "first_wish": "A", "style": "x"})
    mentor = person(
        1, {"days": ["mon", "tue"], "unit": "u2", "level": 3, "expertise": ["A"], "style": "x"}
    )
    result = propose(PROGRAM, [mentee], [mentor])
    [p] = result.proposals
    assert p.points == {
        "needs": 1.5,  # 3 x 1/2
        "wish": 0.3,
        "days": 2.0,
        "style": 0.1,
        "unit": 0.5,
        "langs": 0.0,
        "seniority": 0.0,
        "level": 0.5,
        "time": 0.0,
        "exact_time": 0.0,
    }
    assert p.score == pytest.approx(4.9)


def test_optimal_gives_more_mentees_a_mentor_before_a_higher_score() -> None:
    # Mentor t0 suits both mentees, t1 only the first: the best pair (e0, t0) alone
    # would leave e1 without a mentor, so optimal proposes e0-t1 and e1-t0.
    e0 = person(0, {**GOOD, "interests": ["A"]})
    e1 = person(1, {**GOOD, "unit": "u3", "interests": ["B"]})
    t0 = person(2, {**GOOD, "unit": "u2", "expertise": ["A", "B"]})
    t1 = person(3, {**GOOD, "unit": "u3", "expertise": []})  # in e1's unit
    optimal = propose(PROGRAM, [e0, e1], [t0, t1], "optimal")
    assert [(p.mentee_id, p.mentor_id) for p in optimal.proposals] == [("p0", "p3"), ("p1", "p2")]
    greedy = propose(PROGRAM, [e0, e1], [t0, t1], "greedy")
    assert [(p.mentee_id, p.mentor_id) for p in greedy.proposals] == [("p0", "p2")]
    assert [(u.mentee_id, u.reason) for u in greedy.unmatched] == [
        ("p1", "every mentor who could take them is full")
    ]


def test_reasons_in_words() -> None:
    nobody = propose(PROGRAM, [person(0, GOOD)], [])
    assert [u.reason for u in nobody.unmatched] == ["no mentor has a place free"]
    same_unit = propose(PROGRAM, [person(0, GOOD)], [person(1, GOOD), person(2, GOOD)])
    assert [u.reason for u in same_unit.unmatched] == [
        "no mentor passes the hard constraint 'Another unit'"
    ]
    # Each hard constraint passed by someone, but nobody passes them all.
    apart = propose(
        PROGRAM,
        [person(0, GOOD)],
        [person(1, {**GOOD, "days": ["tue"], "unit": "u2"}), person(2, GOOD)],
    )
    assert [u.reason for u in apart.unmatched] == [
        "no mentor passes all the hard constraints together"
    ]
    full = propose(PROGRAM, [person(0, GOOD)], [person(1, {**GOOD, "unit": "u2"}, places=0)])
    assert [u.reason for u in full.unmatched] == ["every mentor who could take them is full"]


def test_alternatives_best_first_then_earlier_mentor() -> None:
    mentee = person(0, {**GOOD, "interests": ["A", "B"], "style": "x"})
    mentors = [
        person(1, {**GOOD, "unit": "u2", "expertise": ["A"]}),  # 1.5 + 2 + 0.5 + 0.5
        person(2, {**GOOD, "unit": "u1", "expertise": ["A", "B"]}),  # same unit: not allowed
        person(3, {**GOOD, "unit": "u3", "expertise": ["A", "B"], "style": "x"}),  # 3 + 0.1 + 3
        person(4, {**GOOD, "unit": "u2", "expertise": ["B"]}, places=0),  # ties with p1
        person(5, {**GOOD, "unit": "u3", "expertise": ["B", "A"]}),  # 3 + 3
    ]
    result = propose(PROGRAM, [mentee], mentors)
    alternatives = [(m.enrollment_id, s) for m, s in result.alternatives("p0")]
    assert alternatives == [("p3", 6.1), ("p5", 6.0), ("p1", 4.5), ("p4", 4.5)]
    assert [(p.mentee_id, p.mentor_id) for p in result.proposals] == [("p0", "p3")]


def test_an_empty_pool() -> None:
    result = propose(PROGRAM, [], [person(1, GOOD, places=2)])
    assert result.proposals == [] and result.unmatched == [] and result.total_score == 0.0
    assert propose(PROGRAM, [], [], "greedy").proposals == []


def test_combinations_are_enumerated_independently() -> None:
    # A check on the brute force itself: 2 mentees, a mentor with 1 place and one with 2,
    # everything allowed: 3 x 3 assignments minus the one putting both on the 1-place one.
    free = {**GOOD}
    pool = Pool(
        [person(0, free), person(1, free)],
        [person(2, {**GOOD, "unit": "u2"}), person(3, {**GOOD, "unit": "u3"}, places=2)],
    )
    assignments = [
        a
        for a in itertools.product([None, 0, 1], repeat=2)
        if all(a.count(c) <= pool.places[c] for c in (0, 1))
    ]
    assert len(assignments) == 8
    assert brute_force(pool)[0] == 2


def test_equal_scores_tie_whatever_the_order_they_added_up_in() -> None:
    # 0.3 for one mentee, 0.1 + 0.2 for the other: equal scores, though not in floating
    # point unless rounded; the tie goes to the earlier application.
    e0 = person(0, {**GOOD, "first_wish": "A"})
    e1 = person(1, {**GOOD, "style": "x", "langs": ["en"]})
    t0 = person(2, {**GOOD, "unit": "u2", "expertise": ["A"], "style": "x", "langs": ["en"]})
    result = propose(PROGRAM, [e0, e1], [t0], "greedy")
    assert result.scores.total[0, 0] == result.scores.total[1, 0]
    assert [(p.mentee_id, p.mentor_id, p.score) for p in result.proposals] == [("p0", "p2", 3.3)]
