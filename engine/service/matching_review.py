"""The matching page's data: proposals to review, and the confirmation of the chosen.

Reviewing writes nothing: it proposes from the pool as it stands and hands out plain
rows (each proposal with its points, the mentors the mentee could have instead, ranked,
and who is left without a mentor and why). The run is saved when the coordinator
confirms: the pool and the proposals as they stand at that moment (inputs, settings and
results), then what was confirmed, changed, rejected or refused, so the decision can be
explained later.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select

from ..definition.format import Criterion
from ..definition.program import Program
from ..errors import MentorflowError
from ..records.store import Enrollment
from ..rules.access import Actor
from ..rules.scoring import MatchResult
from .desk import name_of
from .matching import MATCH_ITS_MENTEES, Pairings

INCOMPLETE = (
    "The proposals sent were incomplete (each mentee needs a mentor), so nothing was "
    "confirmed. Reload the matching page and confirm again."
)


def score_text(value: float) -> str:
    """A score or points as people read them: 10, 1.5, 0.67 (pages and commands alike)."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True)
class PoolMember:
    enrollment_id: str
    name: str


@dataclass(frozen=True)
class Choice:
    """A mentor the mentee could have, with the pair's score and rank (1 is best)."""

    mentor: PoolMember
    score: float
    rank: int
    proposed: bool  # the mentor proposed for this mentee
    full: bool  # every place of this mentor is proposed to other mentees


@dataclass(frozen=True)
class ProposalRow:
    mentee: PoolMember
    mentor: PoolMember
    score: float
    points: tuple[float, ...]  # in the order of the criteria
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class MatchingReview:
    program: Program
    strategy: str
    criteria: tuple[Criterion, ...]
    waiting: int  # mentees waiting for a mentor
    mentors_free: int  # mentors with a place free
    rows: tuple[ProposalRow, ...]
    unmatched: tuple[tuple[PoolMember, str], ...]  # the mentee and why no mentor is proposed


@dataclass(frozen=True)
class Outcome:
    mentee_id: str
    mentor_id: str | None
    status: str  # "matched", "refused" or "rejected"
    message: str = ""


@dataclass(frozen=True)
class MatchingConfirmation:
    program: Program
    run_id: str | None  # the saved run; None when nothing was sent
    outcomes: tuple[Outcome, ...]
    names: Mapping[str, str]  # enrollment id -> name, for the program's enrollments only
    counts: Mapping[str, int]  # by status


def review_rows(program: Program, result: MatchResult) -> tuple[ProposalRow, ...]:
    people = {c.enrollment_id: PoolMember(c.enrollment_id, c.name) for c in result.mentees}
    people |= {c.enrollment_id: PoolMember(c.enrollment_id, c.name) for c in result.mentors}
    places = {m.enrollment_id: m.places for m in result.mentors}
    used = Counter(p.mentor_id for p in result.proposals)
    criteria = program.matching.criteria if program.matching else []
    rows = []
    for p in result.proposals:
        choices = []
        for rank, (mentor, score) in enumerate(result.alternatives(p.mentee_id), start=1):
            mine = mentor.enrollment_id == p.mentor_id
            others = used[mentor.enrollment_id] - (1 if mine else 0)
            full = others >= places.get(mentor.enrollment_id, 1)
            choices.append(Choice(people[mentor.enrollment_id], score, rank, mine, full))
        rows.append(
            ProposalRow(
                mentee=people[p.mentee_id],
                mentor=people[p.mentor_id],
                score=p.score,
                points=tuple(p.points.get(c.id, 0.0) for c in criteria),
                choices=tuple(choices),
            )
        )
    return tuple(rows)


def explain_full_mentors(
    outcomes: Sequence[Outcome], places: Mapping[str, int], names: Mapping[str, str]
) -> tuple[Outcome, ...]:
    """A refusal because the chosen mentor's places (as the run had them) went to rows
    above says so, before the engine's own words."""
    told = []
    given: dict[str, list[str]] = {}
    for o in outcomes:
        if o.mentor_id is not None:
            before = given.setdefault(o.mentor_id, [])
            if o.status == "matched":
                before.append(names.get(o.mentee_id, o.mentee_id))
            elif before and len(before) >= places.get(o.mentor_id, 1):
                mentor = names.get(o.mentor_id, "This mentor")
                o = replace(
                    o,
                    message=f"{mentor} has no place left: "
                    f"{'it' if len(before) == 1 else 'they'} went to {', '.join(before)} "
                    f"above. {o.message}",
                )
        told.append(o)
    return tuple(told)


class Review(Pairings):
    def matching_review(self, program_id: str, actor: Actor) -> MatchingReview:
        """Proposals for everyone waiting, explained; nothing is written."""
        program = self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        _, result = self.propose_matches(program.id, actor, save=False)
        people = {c.enrollment_id: PoolMember(c.enrollment_id, c.name) for c in result.mentees}
        return MatchingReview(
            program=program,
            strategy=result.strategy,
            criteria=tuple(program.matching.criteria if program.matching else ()),
            waiting=len(result.mentees),
            mentors_free=len(result.mentors),
            rows=review_rows(program, result),
            unmatched=tuple((people[u.mentee_id], u.reason) for u in result.unmatched),
        )

    def confirm_review(
        self,
        program_id: str,
        actor: Actor,
        mentees: Sequence[str],
        mentors: Sequence[str],
        changes: Mapping[str, str] | None = None,
        rejected: Sequence[str] = (),
        progress: Callable[[int], None] | None = None,
    ) -> MatchingConfirmation:
        """Confirm the proposals as reviewed: `mentees[i]` with `mentors[i]`, or the
        mentor `changes` names for that mentee, except the `rejected` mentees. The run
        is saved first (the pool as it stands), then each pair is confirmed through the
        engine, one transaction each, and the run records the outcome."""
        program = self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        if len(mentees) != len(mentors):
            raise MentorflowError(INCOMPLETE)
        left_out = set(rejected)
        pairs = [
            (mentee, (changes or {}).get(mentee) or mentor)
            for mentee, mentor in zip(mentees, mentors, strict=True)
            if mentee not in left_out
        ]
        run_id: str | None = None
        places: dict[str, int] = {}
        confirmed: list[tuple[str, str, str | None]] = []
        if mentees:
            run_id, result = self.propose_matches(program.id, actor)
            places = {m.enrollment_id: m.places for m in result.mentors}
            confirmed = self.confirm_matches(
                program.id,
                pairs,
                actor,
                run_id,
                progress,
                rejected=[m for m in mentees if m in left_out],
            )
        outcomes = [
            Outcome(mentee, mentor, "refused" if why else "matched", why or "")
            for mentee, mentor, why in confirmed
        ]
        outcomes += [Outcome(m, None, "rejected") for m in mentees if m in left_out]
        ids = {o.mentee_id for o in outcomes} | {o.mentor_id for o in outcomes if o.mentor_id}
        names = self._names(program, ids)
        told = explain_full_mentors(outcomes, places, names)
        return MatchingConfirmation(program, run_id, told, names, Counter(o.status for o in told))

    def _names(self, program: Program, ids: set[str]) -> dict[str, str]:
        """Names of the program's enrollments among `ids` (others are left out)."""
        if not ids:
            return {}
        with self.reading() as session:
            found = session.scalars(
                select(Enrollment).where(
                    Enrollment.id.in_(sorted(ids)), Enrollment.program_id == program.id
                )
            )
            return {e.id: name_of(e) for e in found}
