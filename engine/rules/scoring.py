"""Matching mentors with mentees: scores for a whole pool at once, and the best pairs.

Each criterion's answers are encoded once as arrays (one row per person), so a
criterion's agreement for every pair is one NumPy expression, never a Python loop per
pair. A pair's score is the sum of weight x agreement; `required` criteria make a
feasibility mask. `optimal` gives as many mentees as possible a mentor and, among
those choices, the highest total score (one `linear_sum_assignment`, a mentor's column
repeated once per free place); `greedy` takes the best remaining pair until none is
left, ties to the earlier application. The same pool always gives the same proposals.
One pair is scored by the same rule on a pool of one each (`pair_score`), and `explain`
says in words why a pair gets its points on a criterion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linear_sum_assignment

from ..definition.fields import AnyField, choice_items, choice_values
from ..definition.fields.choice import choice_label, choice_value
from ..definition.format import Criterion
from ..definition.program import Program


@dataclass(frozen=True)
class Candidate:
    """One person in the pool, with the answers of their apply form."""

    enrollment_id: str
    name: str
    email: str
    answers: Mapping[str, Any]
    places: int = 1  # mentors: how many more mentees they can take


@dataclass(frozen=True)
class Proposal:
    mentee_id: str
    mentor_id: str
    score: float
    points: dict[str, float]  # criterion id -> weight x agreement


@dataclass(frozen=True)
class Unmatched:
    mentee_id: str
    reason: str


@dataclass
class Scores:
    """Every pair's score, each criterion's points, and which pairs are allowed."""

    total: NDArray[np.float64]  # mentees x mentors
    points: dict[str, NDArray[np.float64]]
    feasible: NDArray[np.bool_]
    failing: dict[str, NDArray[np.bool_]]  # required criterion id -> pairs it forbids


@dataclass
class MatchResult:
    strategy: str
    proposals: list[Proposal]
    unmatched: list[Unmatched]
    scores: Scores = field(repr=False)
    mentees: list[Candidate] = field(repr=False)
    mentors: list[Candidate] = field(repr=False)
    _rows: dict[str, int] | None = field(default=None, init=False, repr=False)

    @property
    def total_score(self) -> float:
        return float(sum(p.score for p in self.proposals))

    def row_of(self, mentee_id: str) -> int:
        """The mentee's row in the score arrays (one dict for the whole pool, built once:
        a page of a 5,000-mentee run looks up 50 rows, never scans the pool per row)."""
        if self._rows is None:
            self._rows = {m.enrollment_id: i for i, m in enumerate(self.mentees)}
        return self._rows[mentee_id]

    def alternatives(
        self, mentee_id: str, limit: int | None = None
    ) -> list[tuple[Candidate, float]]:
        """Every mentor this mentee could have, best first (places permitting); the
        `limit` best when given."""
        row = self.row_of(mentee_id)
        allowed = np.flatnonzero(self.scores.feasible[row])
        order = allowed[np.lexsort((allowed, -self.scores.total[row, allowed]))]
        return [(self.mentors[j], float(self.scores.total[row, j])) for j in order[:limit]]


def _field(program: Program, role: str, field_id: str) -> AnyField:
    return program.apply_form(role).fields[field_id]


def _values(f: AnyField) -> list[str]:
    return list(choice_values(f))


def _bits(people: Sequence[Candidate], field_id: str, values: list[str]) -> NDArray[np.float64]:
    """One row per person, one column per choice: 1 where the person chose it."""
    index = {v: i for i, v in enumerate(values)}
    out = np.zeros((len(people), len(values)), dtype=np.float64)
    for row, person in enumerate(people):
        answer = person.answers.get(field_id)
        for value in answer if isinstance(answer, list) else [answer]:
            column = index.get(str(value)) if value is not None else None
            if column is not None:
                out[row, column] = 1.0
    return out


def _codes(answers: Sequence[Any]) -> NDArray[np.int64]:
    """Equal answers get equal codes; a blank answer gets -1 (it agrees with nothing)."""
    seen: dict[Any, int] = {}
    out = np.full(len(answers), -1, dtype=np.int64)
    for row, answer in enumerate(answers):
        if answer is None or answer == "" or answer == []:
            continue
        key = tuple(sorted(map(str, answer))) if isinstance(answer, list) else str(answer)
        out[row] = seen.setdefault(key, len(seen))
    return out


def _numbers(people: Sequence[Candidate], field_id: str) -> NDArray[np.float64]:
    out = np.full(len(people), np.nan)
    for row, person in enumerate(people):
        answer = person.answers.get(field_id)
        if isinstance(answer, int | float) and not isinstance(answer, bool):
            out[row] = float(answer)
    return out


def agreement(
    program: Program,
    criterion: Criterion,
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
) -> NDArray[np.float64]:
    """The criterion's agreement, between 0 and 1, for every mentee x mentor pair."""
    kind = criterion.kind
    if kind == "overlap":
        values = _values(_field(program, "mentee", criterion.mentee))
        wanted = _bits(mentees, criterion.mentee, values)
        offered = _bits(mentors, criterion.mentor, values)
        counts = wanted.sum(axis=1, keepdims=True)
        share: NDArray[np.float64] = wanted @ offered.T  # shared choices, then the share
        # In place: a mentee who wants nothing has a row of zeros, which is left as it is.
        np.divide(share, counts, out=share, where=counts > 0)
        return share
    if kind in ("same", "different"):
        both = _codes(  # one code book for both sides
            [m.answers.get(criterion.mentee) for m in mentees]
            + [m.answers.get(criterion.mentor) for m in mentors]
        )
        a, b = both[: len(mentees), None], both[None, len(mentees) :]
        if kind == "same":  # equal codes, and not blank (a blank is -1 on both sides)
            hit = (a == b) & (a >= 0)
        else:
            hit = (a != b) & (a >= 0) & (b >= 0)
        same: NDArray[np.float64] = hit.astype(np.float64)
        return same
    x = _numbers(mentees, criterion.mentee)[:, None]
    y = _numbers(mentors, criterion.mentor)[None, :]
    margin = criterion.margin or 0
    with np.errstate(invalid="ignore"):
        hit = np.abs(x - y) <= margin if kind == "near" else y >= x + margin
    agrees: NDArray[np.float64] = np.asarray(hit, dtype=np.float64)  # NaN (blank): false
    return agrees


def score(program: Program, mentees: Sequence[Candidate], mentors: Sequence[Candidate]) -> Scores:
    shape = (len(mentees), len(mentors))
    total = np.zeros(shape)
    feasible = np.ones(shape, dtype=bool)
    points: dict[str, NDArray[np.float64]] = {}
    failing: dict[str, NDArray[np.bool_]] = {}
    criteria = program.matching.criteria if program.matching else []
    for criterion in criteria:
        agrees = agreement(program, criterion, mentees, mentors)  # a new array of our own
        if criterion.required:
            failing[criterion.id] = agrees <= 0
            feasible &= ~failing[criterion.id]
        if criterion.weight != 1:
            agrees *= criterion.weight  # the points, in place: no second pool-sized array
        points[criterion.id] = agrees
        total += agrees
    # Equal scores must compare equal whatever order the criteria added up in (0.1 + 0.2
    # is not 0.3 in floating point): otherwise a rounding error, not the earlier
    # application, would break greedy's ties.
    np.round(total, 9, out=total)
    return Scores(total, points, feasible, failing)


def _columns(mentors: Sequence[Candidate]) -> NDArray[np.int64]:
    """A mentor's column once per free place."""
    return np.repeat(np.arange(len(mentors)), [max(m.places, 0) for m in mentors])


def _optimal(scores: Scores, mentors: Sequence[Candidate]) -> list[tuple[int, int]]:
    columns = _columns(mentors)
    if not len(columns) or not scores.total.shape[0]:
        return []
    if np.array_equal(columns, np.arange(len(mentors))):  # one place each: no copies
        total, feasible = scores.total, scores.feasible
    else:
        total, feasible = scores.total[:, columns], scores.feasible[:, columns]
    # Forbidden pairs weigh 0, allowed ones a constant larger than any total of scores
    # plus their score: the most pairs first, then the highest total (maximised).
    largest = max(float(total.max(initial=0.0)), -float(total.min(initial=0.0)))  # max |x|
    bonus = largest * min(total.shape) + 1.0
    # `maximize=True` would have the solver minimise a negated copy of the weights: hand
    # it that matrix, -(bonus + score) or 0, built in one array instead of three.
    costs = np.subtract(-bonus, total)
    np.multiply(costs, feasible, out=costs)  # forbidden: -0.0, as the negated copy had
    rows, cols = linear_sum_assignment(costs)
    keep = feasible[rows, cols]
    return [(int(r), int(columns[c])) for r, c in zip(rows[keep], cols[keep], strict=True)]


def _greedy(scores: Scores, mentors: Sequence[Candidate]) -> list[tuple[int, int]]:
    places = np.array([max(m.places, 0) for m in mentors])
    rows, cols = np.nonzero(scores.feasible & (places[None, :] > 0))
    # Best score first; ties to the earlier application (mentees in application order).
    order = np.lexsort((cols, rows, -scores.total[rows, cols]))
    taken = np.zeros(scores.total.shape[0], dtype=bool)
    pairs = []
    for r, c in zip(rows[order], cols[order], strict=True):
        if taken[r] or places[c] == 0:
            continue
        taken[r] = True
        places[c] -= 1
        pairs.append((int(r), int(c)))
        if taken.all() or not places.any():
            break
    return pairs


def _why_unmatched(program: Program, scores: Scores, row: int, mentors: Sequence[Candidate]) -> str:
    if not mentors:
        return "no mentor has a place free"
    labels = {c.id: c.label for c in (program.matching.criteria if program.matching else [])}
    for criterion_id, fails in scores.failing.items():
        if fails[row].all():
            return f"no mentor passes the hard constraint '{labels[criterion_id]}'"
    if not scores.feasible[row].any():
        return "no mentor passes all the hard constraints together"
    return "every mentor who could take them is full"


def propose(
    program: Program,
    mentees: Sequence[Candidate],
    mentors: Sequence[Candidate],
    strategy: str | None = None,
) -> MatchResult:
    """Proposals for the pool, each explained; mentees in application order."""
    chosen = strategy or (program.matching.strategy if program.matching else "optimal")
    scores = score(program, mentees, mentors)
    pairs = _optimal(scores, mentors) if chosen == "optimal" else _greedy(scores, mentors)
    pairs.sort()
    proposals = [
        Proposal(
            mentee_id=mentees[r].enrollment_id,
            mentor_id=mentors[c].enrollment_id,
            score=float(scores.total[r, c]),
            points={cid: float(p[r, c]) for cid, p in scores.points.items()},
        )
        for r, c in pairs
    ]
    matched = {r for r, _ in pairs}
    unmatched = [
        Unmatched(mentees[r].enrollment_id, _why_unmatched(program, scores, r, mentors))
        for r in range(len(mentees))
        if r not in matched
    ]
    return MatchResult(chosen, proposals, unmatched, scores, list(mentees), list(mentors))


@dataclass(frozen=True)
class PairScore:
    """One mentee with one mentor: the score, each criterion's points in the order of the
    criteria, and whether the pair passes every required criterion."""

    score: float
    points: tuple[float, ...]
    allowed: bool


def pair_score(program: Program, mentee: Candidate, mentor: Candidate) -> PairScore:
    """The score of one pair, by the very rule that scores a whole pool (`score` on a
    pool of one each), so a changed mentor is scored as the proposals were."""
    scores = score(program, [mentee], [mentor])
    criteria = program.matching.criteria if program.matching else []
    return PairScore(
        score=float(scores.total[0, 0]),
        points=tuple(float(scores.points[c.id][0, 0]) for c in criteria),
        allowed=bool(scores.feasible[0, 0]),
    )


def _shown(program: Program, role: str, field_id: str, answer: Any) -> str:
    """An answer as the apply form shows it: a choice's label, a list joined."""
    items = choice_items(program.apply_form(role).fields.get(field_id))
    labels = {choice_value(i): choice_label(i) for i in items}
    if answer is None or answer == "" or answer == []:
        return "no answer"
    if isinstance(answer, list):
        return ", ".join(labels.get(str(a), str(a)) for a in answer)
    if isinstance(answer, float) and answer.is_integer():
        answer = int(answer)
    return labels.get(str(answer), str(answer))


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def explain(program: Program, criterion: Criterion, mentee: Candidate, mentor: Candidate) -> str:
    """Why the pair gets its points on `criterion`, in words, from the criterion's kind
    and the two answers it compares (what `agreement` computes, said for one pair)."""
    wanted = mentee.answers.get(criterion.mentee)
    offered = mentor.answers.get(criterion.mentor)
    kind = criterion.kind
    if kind == "overlap":
        values = _values(_field(program, "mentee", criterion.mentee))
        mine = [v for v in values if v in _as_list(wanted)]
        shared = [v for v in mine if v in _as_list(offered)]
        if not mine:
            return "the mentee chose none"
        if not shared:
            return f"shares none of the mentee's {len(mine)}"
        return (
            f"shares {len(shared)} of {len(mine)}: "
            f"{_shown(program, 'mentee', criterion.mentee, shared)}"
        )
    theirs = _shown(program, "mentee", criterion.mentee, wanted)
    ours = _shown(program, "mentor", criterion.mentor, offered)
    if kind == "same":
        if (
            theirs == "no answer"
            or ours == "no answer"
            or not _agrees(program, criterion, mentee, mentor)
        ):
            return f"not the same: mentee {theirs}, mentor {ours}"
        return f"both {theirs}"
    if kind == "different":
        if _agrees(program, criterion, mentee, mentor):
            return f"different: mentee {theirs}, mentor {ours}"
        if theirs == "no answer" or ours == "no answer":
            return f"cannot tell: mentee {theirs}, mentor {ours}"
        return f"the same: both {theirs}"
    margin = _number(criterion.margin or 0)
    if theirs == "no answer" or ours == "no answer":
        return f"cannot compare: mentee {theirs}, mentor {ours}"
    if kind == "near":
        gap = _number(
            abs(_numbers([mentee], criterion.mentee)[0] - _numbers([mentor], criterion.mentor)[0])
        )
        verdict = "within" if _agrees(program, criterion, mentee, mentor) else "more than"
        return f"mentee {theirs}, mentor {ours}: {gap} apart, {verdict} {margin}"
    verdict = "at least" if _agrees(program, criterion, mentee, mentor) else "less than"
    return f"mentor {ours}, mentee {theirs}: mentor has {verdict} {margin} more"


def _as_list(answer: Any) -> list[str]:
    if answer is None:
        return []
    return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]


def _agrees(program: Program, criterion: Criterion, mentee: Candidate, mentor: Candidate) -> bool:
    return bool(agreement(program, criterion, [mentee], [mentor])[0, 0] > 0)
