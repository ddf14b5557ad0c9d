"""The matching page's data: proposals to review, and the confirmation of the chosen.

Reviewing writes nothing: it proposes from the pool as it stands and hands out plain
values, a page at a time: the whole run summed up (proposed, left without a mentor, the
average score, mentors used and places left), one page of the proposals a filter lets
through (each with its points explained in words and the best mentors the mentee could
have instead, ranked, with their places), who is left without a mentor grouped by why,
and each mentor's places. One pair can be scored on its own (`matching_pair`), by the
rule that scored the pool. The run is saved when the coordinator
confirms: the pool and the proposals as they stand at that moment (inputs, settings and
results), then what was confirmed, changed, rejected or refused, so the decision can be
explained later.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select

from ..definition.format import Criterion
from ..definition.program import Program
from ..errors import Conflict, MentorflowError
from ..records.store import Enrollment
from ..rules.access import Actor
from ..rules.scoring import (
    Candidate,
    MatchResult,
    Proposal,
    Scores,
    explain,
    pair_score,
    propose,
)
from .desk import name_of
from .matching import MATCH_ITS_MENTEES, Pairings, matching_pool, pair_candidates

INCOMPLETE = (
    "The proposals sent were incomplete (each mentee needs a mentor), so nothing was "
    "confirmed. Reload the matching page and confirm again."
)

CHANGED = (
    "The proposals are no longer those you reviewed: someone applied, withdrew or was "
    "matched since. Nothing was confirmed. Review the proposals again, then confirm."
)


def score_text(value: float) -> str:
    """A score or points as people read them: 10, 1.5, 0.67 (pages and commands alike)."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


PER_PAGE = 50
# The mentors a row's select offers: the best this many for that mentee (and the one
# proposed). Every mentor in a select of every row made a 5,000-mentee run 23 MB.
CHOICES = 20
# Names listed under one reason for mentees left without a mentor; the rest are counted.
NAMES_PER_REASON = 20


@dataclass(frozen=True)
class PoolMember:
    enrollment_id: str
    name: str
    email: str = ""


@dataclass(frozen=True)
class Choice:
    """A mentor the mentee could have, with the pair's score and rank (1 is best)."""

    mentor: PoolMember
    score: float
    rank: int
    proposed: bool  # the mentor proposed for this mentee
    full: bool  # every place of this mentor is proposed to other mentees
    places_left: int = 0  # places not proposed to other mentees


@dataclass(frozen=True)
class Points:
    """One criterion's points for a pair, and why, in words."""

    criterion: Criterion
    points: float
    why: str


@dataclass(frozen=True)
class PairReview:
    """A mentee with a mentor: the score and each criterion's points, explained."""

    mentee: PoolMember
    mentor: PoolMember
    score: float
    points: tuple[Points, ...]
    allowed: bool  # passes every required criterion
    places_left: int  # the mentor's places not taken by a confirmed match

    @property
    def warnings(self) -> tuple[str, ...]:
        return warnings_of(self.points)


@dataclass(frozen=True)
class ProposalRow:
    mentee: PoolMember
    mentor: PoolMember
    score: float
    points: tuple[float, ...]  # in the order of the criteria
    choices: tuple[Choice, ...]
    explained: tuple[Points, ...] = ()
    warnings: tuple[str, ...] = ()
    more_choices: int = 0  # mentors who could take them beyond those in `choices`


@dataclass(frozen=True)
class MentorPlaces:
    mentor: PoolMember
    places: int  # free before this run
    proposed: int  # of those, proposed in this run

    @property
    def left(self) -> int:
        return max(self.places - self.proposed, 0)


@dataclass(frozen=True)
class UnmatchedGroup:
    reason: str
    count: int
    mentees: tuple[PoolMember, ...]  # the first NAMES_PER_REASON, in application order


@dataclass(frozen=True)
class ReviewFilter:
    """Which proposals a page shows; the summary and "confirm all" cover the whole run."""

    text: str = ""  # in the mentee's name or e-mail, or the proposed mentor's name
    low: float | None = None  # score at least
    high: float | None = None  # score at most
    warned: bool = False  # only proposals with a warning

    @property
    def active(self) -> bool:
        return (
            bool(self.text.strip()) or self.low is not None or self.high is not None or self.warned
        )


@dataclass(frozen=True)
class MatchingReview:
    program: Program
    strategy: str
    criteria: tuple[Criterion, ...]
    waiting: int  # mentees waiting for a mentor
    mentors_free: int  # mentors with a place free
    rows: tuple[ProposalRow, ...]  # this page's
    proposed: int = 0  # proposals in the whole run
    average: float = 0.0  # their average score
    places_free: int = 0  # places free before the run
    mentors: tuple[MentorPlaces, ...] = ()
    unmatched_groups: tuple[UnmatchedGroup, ...] = ()
    unmatched_count: int = 0
    page: int = 1
    pages: int = 1
    per_page: int = PER_PAGE
    matching: int = 0  # proposals the filter lets through
    filter: ReviewFilter = ReviewFilter()
    digest: str = ""  # names the run's proposals, for "confirm all"

    @property
    def mentors_used(self) -> int:
        return sum(1 for m in self.mentors if m.proposed)

    @property
    def places_left(self) -> int:
        return sum(m.left for m in self.mentors)

    @property
    def first(self) -> int:
        """The number of this page's first proposal among those the filter shows."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0


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


def member(c: Candidate) -> PoolMember:
    return PoolMember(c.enrollment_id, c.name, c.email)


def explained(
    program: Program, mentee: Candidate, mentor: Candidate, points: Sequence[float]
) -> tuple[Points, ...]:
    """Each criterion's points for the pair, with the reason in words."""
    criteria = program.matching.criteria if program.matching else []
    return tuple(
        Points(c, p, explain(program, c, mentee, mentor))
        for c, p in zip(criteria, points, strict=True)
    )


def warnings_of(points: Sequence[Points]) -> tuple[str, ...]:
    """What a reviewer should look at twice: a criterion the pair gets nothing on."""
    missed = [p.criterion.label for p in points if p.points <= 0]
    return (f"no points for {', '.join(missed)}",) if missed else ()


def run_digest(result: MatchResult) -> str:
    """A short name for a run's proposals: equal when the same pairs are proposed."""
    pairs = ";".join(f"{p.mentee_id}>{p.mentor_id}" for p in result.proposals)
    return hashlib.sha256(f"{result.strategy}|{pairs}".encode()).hexdigest()[:20]


def _missed(program: Program, proposal: Proposal) -> bool:
    criteria = program.matching.criteria if program.matching else []
    return any(proposal.points.get(c.id, 0.0) <= 0 for c in criteria)


def _passes(
    only: ReviewFilter, program: Program, proposal: Proposal, people: Mapping[str, PoolMember]
) -> bool:
    if only.low is not None and proposal.score < only.low:
        return False
    if only.high is not None and proposal.score > only.high:
        return False
    if only.warned and not _missed(program, proposal):
        return False
    text = only.text.strip().casefold()
    if text:
        mentee, mentor = people[proposal.mentee_id], people[proposal.mentor_id]
        seen = f"{mentee.name}\n{mentee.email}\n{mentor.name}".casefold()
        return text in seen
    return True


def review_of(
    program: Program,
    result: MatchResult,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    only: ReviewFilter | None = None,
) -> MatchingReview:
    """The review of a run: the whole run summed up, one page of proposals explained.
    Only the page's rows are explained and given choices, so a page costs the same
    whatever the size of the run (past the proposing itself)."""
    only = only or ReviewFilter()
    per_page = max(per_page, 1)
    people = {c.enrollment_id: member(c) for c in result.mentees}
    people |= {c.enrollment_id: member(c) for c in result.mentors}
    used = Counter(p.mentor_id for p in result.proposals)
    places = {m.enrollment_id: m.places for m in result.mentors}
    shown = [p for p in result.proposals if _passes(only, program, p, people)]
    pages = max((len(shown) + per_page - 1) // per_page, 1)
    page = min(max(page, 1), pages)
    rows = tuple(
        _row(program, result, p, people, used, places)
        for p in shown[(page - 1) * per_page : page * per_page]
    )
    groups: dict[str, list[PoolMember]] = {}
    counts: Counter[str] = Counter()
    for u in result.unmatched:
        counts[u.reason] += 1
        named = groups.setdefault(u.reason, [])
        if len(named) < NAMES_PER_REASON:
            named.append(people[u.mentee_id])
    proposed = len(result.proposals)
    return MatchingReview(
        program=program,
        strategy=result.strategy,
        criteria=tuple(program.matching.criteria if program.matching else ()),
        waiting=len(result.mentees),
        mentors_free=len(result.mentors),
        rows=rows,
        proposed=proposed,
        average=result.total_score / proposed if proposed else 0.0,
        places_free=sum(max(m.places, 0) for m in result.mentors),
        mentors=tuple(
            MentorPlaces(people[m.enrollment_id], m.places, used[m.enrollment_id])
            for m in result.mentors
        ),
        unmatched_groups=tuple(
            UnmatchedGroup(reason, counts[reason], tuple(named))
            for reason, named in sorted(groups.items(), key=lambda g: -counts[g[0]])
        ),
        unmatched_count=len(result.unmatched),
        page=page,
        pages=pages,
        per_page=per_page,
        matching=len(shown),
        filter=only,
        digest=run_digest(result),
    )


def _row(
    program: Program,
    result: MatchResult,
    p: Proposal,
    people: Mapping[str, PoolMember],
    used: Counter[str],
    places: Mapping[str, int],
) -> ProposalRow:
    criteria = program.matching.criteria if program.matching else []
    choices = []
    alternatives = result.alternatives(p.mentee_id)
    for rank, (mentor, score) in enumerate(alternatives, start=1):
        mine = mentor.enrollment_id == p.mentor_id
        if rank > CHOICES and not mine:
            continue
        others = used[mentor.enrollment_id] - (1 if mine else 0)
        room = places.get(mentor.enrollment_id, 1) - others
        choices.append(
            Choice(people[mentor.enrollment_id], score, rank, mine, room <= 0, max(room, 0))
        )
    mentee = result.mentees[result.row_of(p.mentee_id)]
    mentor = next(m for m, _ in alternatives if m.enrollment_id == p.mentor_id)
    points = tuple(p.points.get(c.id, 0.0) for c in criteria)
    why = explained(program, mentee, mentor, points)
    return ProposalRow(
        mentee=people[p.mentee_id],
        mentor=people[p.mentor_id],
        score=p.score,
        points=points,
        choices=tuple(choices),
        explained=why,
        warnings=warnings_of(why),
        more_choices=len(alternatives) - len(choices),
    )


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


class ProposalMemo:
    """The proposals of the last few pools reviewed, by the pool's content.

    Proposing is a pure function of the program (its revision), the strategy and the
    pool (who waits, in which order, their answers, each mentor's places), so a review
    paged through, or read again, reuses the proposals of an unchanged pool instead of
    solving it again (seconds at 5,000 mentees). A changed pool has another key. Only
    what a review reads is kept (the totals and the feasibility mask, not each
    criterion's points), so an entry is about one float64 matrix of the pool's size."""

    def __init__(self, size: int = 2):
        self.size = size
        self._found: OrderedDict[str, MatchResult] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(program: Program, mentees: Sequence[Candidate], mentors: Sequence[Candidate]) -> str:
        people = [
            [c.enrollment_id, c.name, c.email, c.places, c.answers] for c in (*mentees, *mentors)
        ]
        # The matching settings too: a definition edited in place keeps its revision.
        settings = program.matching.model_dump() if program.matching else None
        text = json.dumps(
            [program.id, program.revision, settings, len(mentees), people],
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def of(
        self, program: Program, mentees: Sequence[Candidate], mentors: Sequence[Candidate]
    ) -> MatchResult:
        key = self.key(program, mentees, mentors)
        with self._lock:
            found = self._found.get(key)
            if found is not None:
                self._found.move_to_end(key)
                return found
        result = propose(program, mentees, mentors)
        slim = Scores(result.scores.total, {}, result.scores.feasible, {})
        kept = MatchResult(
            result.strategy,
            result.proposals,
            result.unmatched,
            slim,
            result.mentees,
            result.mentors,
        )
        with self._lock:
            self._found[key] = kept
            while len(self._found) > self.size:
                self._found.popitem(last=False)
        return kept


_proposals = ProposalMemo()


class Review(Pairings):
    def matching_review(
        self,
        program_id: str,
        actor: Actor,
        *,
        page: int = 1,
        per_page: int = PER_PAGE,
        only: ReviewFilter | None = None,
    ) -> MatchingReview:
        """Proposals for everyone waiting, explained, a page at a time: the summary of
        the whole run, this page's proposals among those `only` lets through, the
        mentees left without a mentor grouped by reason. Nothing is written."""
        program = self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        with self.reading() as session:
            mentees, mentors = matching_pool(session, program)
        result = _proposals.of(program, mentees, mentors)
        return review_of(program, result, page=page, per_page=per_page, only=only)

    def matching_pair(
        self, program_id: str, actor: Actor, mentee_id: str, mentor_id: str
    ) -> PairReview:
        """The score of `mentee_id` with `mentor_id` and each criterion's points,
        explained, by the rule that scored the proposals. Nothing is written."""
        program = self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        with self.reading() as session:
            mentee, mentor = pair_candidates(session, program, mentee_id, mentor_id)
        found = pair_score(program, mentee, mentor)
        return PairReview(
            mentee=member(mentee),
            mentor=member(mentor),
            score=found.score,
            points=explained(program, mentee, mentor, found.points),
            allowed=found.allowed,
            places_left=max(mentor.places, 0),
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
        *,
        reviewed: str | None = None,
    ) -> MatchingConfirmation:
        """Confirm the proposals as reviewed: `mentees[i]` with `mentors[i]`, or the
        mentor `changes` names for that mentee, except the `rejected` mentees. The run
        is saved first (the pool as it stands), then each pair is confirmed through the
        engine, one transaction each, and the run records the outcome.

        With `reviewed` (the `digest` of the review the coordinator read), every
        proposal of the run is confirmed, not only `mentees`: a run reviewed a page at a
        time is confirmed with one press. Should the proposals no longer be those
        reviewed (someone applied, withdrew or was matched since), nothing is done."""
        program = self.matching_program(program_id, actor, MATCH_ITS_MENTEES)
        if len(mentees) != len(mentors):
            raise MentorflowError(INCOMPLETE)
        run_id: str | None = None
        places: dict[str, int] = {}
        if reviewed is not None:

            def as_reviewed(result: MatchResult) -> None:
                if run_digest(result) != reviewed:
                    raise Conflict(CHANGED)

            run_id, result = self.propose_matches(program.id, actor, check=as_reviewed)
            mentees = [p.mentee_id for p in result.proposals]
            mentors = [p.mentor_id for p in result.proposals]
        elif mentees:
            run_id, result = self.propose_matches(program.id, actor)
        if run_id is not None:
            places = {m.enrollment_id: m.places for m in result.mentors}
        left_out = set(rejected)
        pairs = [
            (mentee, (changes or {}).get(mentee) or mentor)
            for mentee, mentor in zip(mentees, mentors, strict=True)
            if mentee not in left_out
        ]
        confirmed: list[tuple[str, str, str | None]] = []
        if mentees:
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
