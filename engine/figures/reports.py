"""Reports: figures over the records of one program, with small groups suppressed.

Every report is a list of rows `(item, measure, value)`, one row per figure, exactly as
the CSV export writes them. Built in for every program:

- `enrollments_by_state`: per role, the people in each state (and the role's total).
- `funnel`: mentees who ever reached each state of the main path, the shortest way
  from the mentee lifecycle's initial state to a state whose outcome is `completed`
  (from the events, so people who moved on are still counted). Where an import placed
  people past steps of the path (an 'import' event), a note says so: those steps count
  only the people who went through them.
- `time_in_state`: per role and state, the median and mean days spent there, over the
  stays that ended (a stay in progress is not counted; a person who entered a state
  more than once contributes the sum of their stays, once).
- `matching`: mentees who waited (ever reached a state the `on_match` transition
  leaves), how many of them were matched, the match rate, and the median days from
  application to the first match.
- `outcomes`: among mentees now in a final state, how many ended with each outcome
  (`completed`, `ended_early`, `not_started`), the rates, and the reasons: the answers
  to the choice, multichoice and boolean fields of the `ask` form of the transitions
  into `ended_early` states, counted per answer.

Then each entry of the definition's `reports`: the answers to one field of one form,
counted per person (a repeatable form counts entries). A form a transition asks (`ask`)
is answered with the step, the answers stored on its event rather than as a submission:
those count as fillings too, and where a step asking it can be taken again (it does not
lead to a final state) each time is an entry. Choice and multichoice per value
(shown by label), boolean Yes/No, numbers as count, mean, min and max, anything else
as how many answered.

Rows that add up others ("all", "answered", the mentees who waited, those in a final
state) are marked `total`, so a chart says them beside its bars rather than among them;
each row has a `key` independent of the definition's labels, from which `summary.py`
picks the headline figures.

Filters: `date_from` / `date_to` (inclusive) on the application date (the day, in UTC,
the enrollment was created); `cohort`, the application's calendar quarter written
`YYYY-Qn` ("2026-Q1" is January to March 2026); `role` for the reports that have one.

Suppression. `N` is `program.report_min_group` (3 unless the definition says
otherwise). A figure drawn from fewer than N people (a count from 1 to N-1, or a
median, mean, minimum, maximum or rate computed over fewer than N people) is
suppressed: its value is None and it is shown as "fewer than N". A count of zero
names nobody and is shown. Complementary suppression: where the counts of a report
split one population into parts (people by state with the total, matched / not
matched, outcomes, the answers of a choice or boolean field), and exactly one part is
suppressed, the smallest other non-zero part is suppressed too, so the hidden figure
cannot be worked out by subtracting from the total. A rate is suppressed whenever its
count or its base is. Multichoice answers and the funnel do not partition anyone, so
they get no complementary suppression; neither are differences between funnel steps
protected beyond each step's own count.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.fields import AnyField, kind_of
from ..definition.program import Form, Lifecycle, Program
from ..records.store import Enrollment, Event, Pairing, Submission

COHORT = re.compile(r"^(\d{4})-Q([1-4])$")
OUTCOMES = (
    ("completed", "Completed"),
    ("ended_early", "Ended early"),
    ("not_started", "Not started"),
)
Value = int | float


@dataclass(frozen=True)
class Row:
    item: str
    measure: str
    value: Value | None  # None when suppressed
    suppressed: bool = False
    # A total over the report's other rows ("all", "answered"): said beside the chart,
    # never drawn as a bar among the parts it adds up.
    total: bool = False
    # What the row stands for whatever the definition's labels say, for the headline
    # figures: 'role:mentee:all', 'state:mentee:active', 'matched', 'outcome:completed'.
    key: str = ""


@dataclass(frozen=True)
class Report:
    id: str
    title: str
    chart: str  # 'bar' or 'table'
    rows: tuple[Row, ...]
    chart_measure: str = "people"  # the rows drawn as bars
    min_group: int = 3
    # What a reader needs to read the figures right, in words (a funnel step that
    # imported people skipped); figures in them are suppressed like the rows.
    notes: tuple[str, ...] = ()
    # A definition's report: its form's title and how many filled it in (people, or
    # entries of a repeatable form), suppressed like any count; None for the built-in ones.
    form_title: str = ""
    responses: Row | None = None


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cohort: str | None = None  # 'YYYY-Qn'
    role: str | None = None

    def bounds(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[start, end) in UTC of the application times the filters let through."""
        start = _midnight(self.date_from) if self.date_from else None
        end = _midnight(self.date_to + dt.timedelta(days=1)) if self.date_to else None
        if self.cohort:
            first, last = cohort_dates(self.cohort)
            cstart, cend = _midnight(first), _midnight(last + dt.timedelta(days=1))
            start = max(start, cstart) if start else cstart
            end = min(end, cend) if end else cend
        return start, end


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def cohort_dates(cohort: str) -> tuple[dt.date, dt.date]:
    """First and last day of a cohort written `YYYY-Qn`; ValueError when it is not."""
    found = COHORT.match(cohort.strip())
    if not found:
        raise ValueError(f"A cohort is written like 2026-Q1, not '{cohort}'.")
    year, quarter = int(found.group(1)), int(found.group(2))
    first = dt.date(year, 3 * quarter - 2, 1)
    after = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, after - dt.timedelta(days=1)


FILTER_KEYS = ("from", "to", "cohort", "role")


# Dates a filter may name: far enough on either side for any program, near enough that
# a day more or less is still a date.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def read_filters(raw: Mapping[str, str]) -> tuple[Filters, list[str]]:
    """Filters from the words of a query (`from`, `to`, `cohort`, `role`); a bad one is
    left out and said in words, in the returned problems."""
    problems: list[str] = []
    dates: dict[str, dt.date | None] = {"from": None, "to": None}
    for key in ("from", "to"):
        text = raw.get(key, "")
        if text:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                problems.append(f"'{text}' is not a date like 2026-03-31.")
                continue
            if not EARLIEST <= day <= LATEST:
                problems.append(f"Choose a date from {EARLIEST} to {LATEST}, not {day}.")
            else:
                dates[key] = day
    cohort = raw.get("cohort") or None
    if cohort:
        try:
            cohort_dates(cohort)
        except ValueError as exc:
            problems.append(str(exc))
            cohort = None
    role = raw.get("role") if raw.get("role") in ("mentee", "mentor") else None
    return Filters(dates["from"], dates["to"], cohort, role), problems


def cohort_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def format_value(value: Value | None) -> str:
    """A figure as written in tables and exports: whole numbers bare, others to 0.1."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.1f}"
    return str(value)


def shown(row: Row, min_group: int) -> str:
    return f"fewer than {min_group}" if row.suppressed else format_value(row.value)


# ---------------------------------------------------------------- suppression


@dataclass
class _Cell:
    """A figure being built: its value and the people it is drawn from."""

    item: str
    measure: str
    value: Value
    people: int
    suppressed: bool = False
    depends: list[_Cell] = field(default_factory=list)  # suppressed with any of these
    total: bool = False
    key: str = ""


def _count(
    item: str, measure: str, value: int, people: int | None = None, *, key: str = ""
) -> _Cell:
    return _Cell(item, measure, value, value if people is None else people, key=key)


def _total(item: str, measure: str, value: int, *, key: str = "") -> _Cell:
    return _Cell(item, measure, value, value, total=True, key=key)


def _apply_threshold(cells: Iterable[_Cell], n: int) -> None:
    for cell in cells:
        if 0 < cell.people < n:
            cell.suppressed = True


def _protect(parts: Sequence[_Cell]) -> None:
    """Complementary suppression within one partition of a population."""
    hidden = [c for c in parts if c.suppressed]
    if len(hidden) != 1:
        return
    others = [c for c in parts if not c.suppressed and c.value > 0]
    if others:
        min(others, key=lambda c: c.value).suppressed = True


def _finish(cells: Sequence[_Cell]) -> tuple[Row, ...]:
    changed = True
    while changed:  # dependants of suppressed figures, to a fixed point
        changed = False
        for cell in cells:
            if not cell.suppressed and any(d.suppressed for d in cell.depends):
                cell.suppressed = changed = True
    return tuple(_row(c) for c in cells)


def _row(c: _Cell) -> Row:
    return Row(c.item, c.measure, None if c.suppressed else c.value, c.suppressed, c.total, c.key)


def _rate(item: str, part: _Cell, base: _Cell) -> _Cell:
    value = round(100 * part.value / base.value, 1) if base.value else 0.0
    return _Cell(item, "percent", value, base.people, depends=[part, base])


def _summary(values: Sequence[float], item: str, kind: str) -> _Cell:
    if not values:
        return _Cell(item, kind, 0, 0, suppressed=True)
    figure = statistics.median(values) if kind.startswith("median") else statistics.fmean(values)
    return _Cell(item, kind, round(float(figure), 1), len(values))


# ---------------------------------------------------------------- the records


@dataclass
class _Records:
    enrollments: list[Enrollment]
    events: dict[str, list[Event]]  # by enrollment, in order

    def of(self, role: str) -> list[Enrollment]:
        return [e for e in self.enrollments if e.role == role]


def _records(session: Session, program: Program, filters: Filters) -> _Records:
    query = select(Enrollment).where(Enrollment.program_id == program.id)
    start, end = filters.bounds()
    if start is not None:
        query = query.where(Enrollment.created_at >= start)
    if end is not None:
        query = query.where(Enrollment.created_at < end)
    enrollments = list(session.scalars(query.order_by(Enrollment.created_at, Enrollment.id)))
    ids = {e.id for e in enrollments}
    events: dict[str, list[Event]] = defaultdict(list)
    found = session.scalars(
        select(Event).where(Event.program_id == program.id).order_by(Event.at, Event.id)
    )
    for event in found:
        if event.enrollment_id in ids:
            events[event.enrollment_id].append(event)
    return _Records(enrollments, events)


def _roles(program: Program, filters: Filters) -> list[str]:
    return [r for r in ("mentee", "mentor") if r in program.roles and filters.role in (None, r)]


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


# ---------------------------------------------------------------- built-in reports


def enrollments_by_state(program: Program, records: _Records, filters: Filters) -> Report:
    n = program.info.report_min_group
    cells: list[_Cell] = []
    for role in _roles(program, filters):
        lifecycle = program.lifecycle_of(role)
        label = program.roles[role].label
        counts: dict[str, int] = defaultdict(int)
        for e in records.of(role):
            counts[e.state] += 1
        states = list(lifecycle.states) + sorted(s for s in counts if s not in lifecycle.states)
        parts = [
            _count(f"{label}: {lifecycle.label(s)}", "people", counts[s], key=f"state:{role}:{s}")
            for s in states
        ]
        total = _total(f"{label}: all", "people", sum(counts.values()), key=f"role:{role}:all")
        _apply_threshold([*parts, total], n)
        _protect(parts)
        cells += [*parts, total]
    return Report(
        "enrollments_by_state", "People in each state", "bar", _finish(cells), min_group=n
    )


def main_path(lifecycle: Lifecycle) -> list[str]:
    """The shortest way from the initial state to a state whose outcome is `completed`
    (to any final state when none is)."""
    completed = [s for s, spec in lifecycle.states.items() if spec.outcome == "completed"]
    targets = set(completed or lifecycle.finals)
    previous: dict[str, str | None] = {lifecycle.initial: None}
    queue = [lifecycle.initial]
    while queue:
        state = queue.pop(0)
        if state in targets:
            path = [state]
            while (before := previous[path[-1]]) is not None:
                path.append(before)
            return path[::-1]
        for t in lifecycle.leaving(state):
            if t.dest not in previous:
                previous[t.dest] = state
                queue.append(t.dest)
    return [lifecycle.initial]


def funnel(program: Program, records: _Records, filters: Filters) -> Report:
    n = program.info.report_min_group
    lifecycle = program.lifecycle_of("mentee")
    reached: dict[str, int] = defaultdict(int)
    for e in records.of("mentee"):
        for state in {ev.to_state for ev in records.events.get(e.id, [])}:
            reached[state] += 1
    path = main_path(lifecycle)
    cells = [_count(lifecycle.label(s), "people", reached[s], key=f"step:{s}") for s in path]
    _apply_threshold(cells, n)
    notes = _import_notes(lifecycle, path, records, n)
    return Report(
        "funnel",
        "Mentees who reached each step",
        "bar",
        _finish(cells),
        min_group=n,
        notes=notes,
    )


def _import_notes(
    lifecycle: Lifecycle, path: list[str], records: _Records, n: int
) -> tuple[str, ...]:
    """One note per state of the main path that imports placed people in, past steps
    of the path they so never reached: without it a step counting "fewer than 3" before
    one counting 62 reads as an error. An import is recorded as an 'import' event from
    the initial state to the state chosen (`mentorflow import --state`)."""
    placed: dict[str, set[str]] = defaultdict(set)  # state -> enrollments placed there
    skipped: dict[str, set[str]] = defaultdict(set)  # state -> the steps they skipped
    for e in records.of("mentee"):
        for ev in records.events.get(e.id, []):
            if ev.kind != "import" or ev.to_state not in path or ev.from_state not in path:
                continue
            between = path[path.index(ev.from_state) + 1 : path.index(ev.to_state)]
            if between:
                placed[ev.to_state].add(e.id)
                skipped[ev.to_state].update(between)
    notes = []
    for state in path:
        count = len(placed[state])
        if not count:
            continue
        if count < n:
            who = f"Fewer than {n} people were"
        else:
            who = "1 person was" if count == 1 else f"{count} people were"
        steps = [s for s in path if s in skipped[state]]
        names = _and(f"“{lifecycle.label(s)}”" for s in steps)
        counts = "that step counts" if len(steps) == 1 else "those steps count"
        through = "it" if len(steps) == 1 else "them"
        notes.append(
            f"{who} imported straight into “{lifecycle.label(state)}”, so they skipped "
            f"{names}: {counts} only the people who went through {through}."
        )
    return tuple(notes)


def _and(words: Iterable[str]) -> str:
    found = list(words)
    return found[0] if len(found) == 1 else ", ".join(found[:-1]) + " and " + found[-1]


def time_in_state(program: Program, records: _Records, filters: Filters) -> Report:
    n = program.info.report_min_group
    cells: list[_Cell] = []
    for role in _roles(program, filters):
        lifecycle = program.lifecycle_of(role)
        label = program.roles[role].label
        spent: dict[str, list[float]] = defaultdict(list)
        for e in records.of(role):
            mine: dict[str, float] = defaultdict(float)
            events = records.events.get(e.id, [])
            for this, after in zip(events, events[1:], strict=False):
                mine[this.to_state] += _days(after.at - this.at)
            for state, days in mine.items():
                spent[state].append(days)
        for state in lifecycle.states:
            if state in lifecycle.finals:
                continue
            item = f"{label}: {lifecycle.label(state)}"
            median = _summary(spent[state], item, "median days")
            mean = _summary(spent[state], item, "mean days")
            cells += [median, mean]
    _apply_threshold(cells, n)
    return Report(
        "time_in_state",
        "Days spent in each state",
        "bar",
        _finish(cells),
        chart_measure="median days",
        min_group=n,
    )


def matching(session: Session, program: Program, records: _Records) -> Report:
    n = program.info.report_min_group
    mentees = records.of("mentee")
    first_match: dict[str, dt.datetime] = {}
    ids = {e.id for e in mentees}
    for pairing in session.scalars(
        select(Pairing).where(Pairing.program_id == program.id).order_by(Pairing.started_at)
    ):
        if pairing.mentee_id in ids:
            first_match.setdefault(pairing.mentee_id, pairing.started_at)
    waited_ids = {
        e.id
        for e in mentees
        if e.id in first_match
        or any(program.waiting_for_match(ev.to_state) for ev in records.events.get(e.id, []))
    }
    matched_ids = waited_ids & set(first_match)
    waited = _total("Mentees who waited for a match", "people", len(waited_ids))
    matched = _count("Matched", "people", len(matched_ids), key="matched")
    unmatched = _count("Not matched", "people", len(waited_ids) - len(matched_ids))
    _apply_threshold([waited, matched, unmatched], n)
    _protect([matched, unmatched])
    rate = _rate("Match rate", matched, waited)
    rate.depends.append(unmatched)
    by_id = {e.id: e for e in mentees}
    days = [_days(first_match[i] - by_id[i].created_at) for i in sorted(matched_ids)]
    median = _summary(days, "Time from application to first match", "median days")
    _apply_threshold([rate, median], n)
    cells = [waited, matched, unmatched, rate, median]
    return Report("matching", "Matching", "bar", _finish(cells), min_group=n)


def _ended_early_reasons(program: Program, lifecycle: Lifecycle) -> list[tuple[str, str, AnyField]]:
    """(transition id, destination, field) for each choice-like field asked on the way
    into an ended_early state."""
    found: list[tuple[str, str, AnyField]] = []
    for t in lifecycle.transitions.values():
        if lifecycle.states[t.dest].outcome != "ended_early" or not t.ask:
            continue
        form = program.forms.get(t.ask)
        if form is None:
            continue
        for f in form.fields.values():
            if kind_of(f).categorical:
                found.append((t.id, t.dest, f))
    return found


def outcomes(program: Program, records: _Records) -> Report:
    n = program.info.report_min_group
    lifecycle = program.lifecycle_of("mentee")
    counts: dict[str | None, int] = defaultdict(int)
    ended = [e for e in records.of("mentee") if e.state in lifecycle.finals]
    for e in ended:
        counts[lifecycle.states[e.state].outcome] += 1
    parts = [_count(label, "people", counts[key], key=f"outcome:{key}") for key, label in OUTCOMES]
    if counts[None]:
        parts.append(_count("No outcome recorded", "people", counts[None]))
    total = _total("Reached a final state", "people", len(ended), key="final")
    _apply_threshold([*parts, total], n)
    _protect(parts)
    rates = [_rate(f"{p.item} rate", p, total) for p in parts[: len(OUTCOMES)]]
    cells = [total, *parts, *rates]
    early = {e.id for e in ended if lifecycle.states[e.state].outcome == "ended_early"}
    for transition_id, dest, f in _ended_early_reasons(program, lifecycle):
        answers: list[tuple[Any, str]] = []
        for eid in sorted(early):
            taken = [
                ev
                for ev in records.events.get(eid, [])
                if ev.transition == transition_id and ev.to_state == dest
            ]
            if taken and taken[-1].answers is not None:
                answers.append((taken[-1].answers.get(f.id), eid))
        cells += _answer_cells(f, answers, f"Reason ({f.label})", "people", n)
    return Report(
        "outcomes", "Completion and premature closure", "bar", _finish(cells), min_group=n
    )


# ---------------------------------------------------------------- the definition's reports


def _answer_cells(
    f: AnyField, answers: Sequence[tuple[Any, Any]], prefix: str, measure: str, n: int
) -> list[_Cell]:
    """Counts of `answers` ((value, who) pairs: who is a person, so entries by the same
    person make one person) of field `f`, each item prefixed."""

    def cell(item: str, whos: list[Any]) -> _Cell:
        value = len(whos) if measure == "entries" else len(set(whos))
        return _Cell(f"{prefix}: {item}" if prefix else item, measure, value, len(set(whos)))

    given = [(v, who) for v, who in answers if v is not None and v != "" and v != []]
    answered = cell("answered", [who for _, who in given])
    answered.total, answered.key = True, "answered"
    tally = kind_of(f).tally(f, given)  # what the field's type counts
    parts = [cell(item, list(whos)) for item, whos in tally.parts]
    stats: list[_Cell] = []
    if tally.numbers:
        people = len({who for _, who in given})
        label = f"{prefix}: {f.label}" if prefix else f.label
        stats = [
            _Cell(label, "mean", round(statistics.fmean(tally.numbers), 1), people),
            _Cell(label, "min", _whole(min(tally.numbers)), people),
            _Cell(label, "max", _whole(max(tally.numbers)), people),
        ]
    cells = [*parts, answered, *stats]
    _apply_threshold(cells, n)
    if tally.partition:
        _protect(parts)
    return cells


def form_figures(
    form: Form, answers: Sequence[tuple[Mapping[str, Any], Any]], n: int
) -> tuple[Row, ...]:
    """The figures of every counted field of `form` (choice, multichoice, boolean,
    number) over `answers` ((answers of one filling, who) pairs, one filling per
    person), each item prefixed with its field's label, small groups suppressed as in
    every report. Free text gives no figure, not even how many wrote some."""
    cells: list[_Cell] = []
    for f in form.fields.values():
        given = [(a.get(f.id), who) for a, who in answers]
        tally = kind_of(f).tally(f, [(v, w) for v, w in given if v not in (None, "", [])])
        if tally.parts or tally.numbers:
            cells += _answer_cells(f, given, f.label, "people", n)
    return _finish(cells)


def _whole(number: float) -> Value:
    return int(number) if number.is_integer() else number


def definition_report(
    session: Session, program: Program, records: _Records, spec: Any
) -> Report | None:
    n = program.info.report_min_group
    form = program.forms.get(spec.form)
    f = form.fields.get(spec.field) if form else None
    if form is None or f is None:
        return None
    fillings = _fillings(session, program, records, form)
    measure = "people" if _once_per_person(program, form) else "entries"
    if measure == "people":  # the latest filling per enrollment
        fillings = list({who: (a, who) for a, who in fillings}.values())
    answers = [(a.get(f.id), who) for a, who in fillings]
    cells = _answer_cells(f, answers, "", measure, n)
    people = len({who for _, who in fillings})
    responses = _Cell("Responses", measure, len(fillings), people, total=True, key="responses")
    _apply_threshold([responses], n)
    return Report(
        spec.id,
        spec.title,
        spec.chart,
        _finish(cells),
        measure,
        min_group=n,
        form_title=form.title,
        responses=_finish([responses])[0],
    )


def _asked_by(program: Program, form: Form) -> dict[str, set[str]]:
    """role -> the transitions of its lifecycle whose `ask` form is `form`."""
    found: dict[str, set[str]] = {}
    for role in program.roles:
        ids = {t.id for t in program.lifecycle_of(role).transitions.values() if t.ask == form.id}
        if ids:
            found[role] = ids
    return found


def _once_per_person(program: Program, form: Form) -> bool:
    """Whether each enrollment fills `form` at most once, so the report counts people:
    a form that is not repeatable and is either never asked by a step, or only asked by
    steps into final states (taken once at most) and never filled as a form too. A step
    that can be taken again (put on hold, resume, put on hold) gives one entry each time,
    counted like a repeatable form's entries."""
    if form.repeatable:
        return False
    asked = _asked_by(program, form)
    if not asked:
        return True
    if form.open_in or form.apply_for is not None:
        return False
    for role, ids in asked.items():
        lifecycle = program.lifecycle_of(role)
        if any(lifecycle.transitions[t].dest not in lifecycle.finals for t in ids):
            return False
    return True


def _fillings(
    session: Session, program: Program, records: _Records, form: Form
) -> list[tuple[Mapping[str, Any], str]]:
    """Every filling of `form` on the enrollments of `records`, oldest first, as (answers,
    enrollment id): its submissions, and the answers given with each step that asks it
    (stored on the step's event, not as a submission)."""
    dated: list[tuple[dt.datetime, int, Mapping[str, Any], str]] = []
    ids = {e.id for e in records.enrollments if e.role == form.owner}
    found = session.scalars(
        select(Submission)
        .where(Submission.form_id == form.id)
        .order_by(Submission.created_at, Submission.id)
    )
    dated += [
        (s.created_at, 0, s.answers, s.enrollment_id) for s in found if s.enrollment_id in ids
    ]
    asked = _asked_by(program, form)
    for e in records.enrollments:
        for ev in records.events.get(e.id, []):
            if ev.answers is not None and ev.transition in asked.get(e.role, ()):
                dated.append((ev.at, 1, ev.answers, e.id))
    dated.sort(key=lambda d: (_aware(d[0]), d[1]))
    return [(answers, who) for _, _, answers, who in dated]


def _aware(when: dt.datetime) -> dt.datetime:
    """SQLite hands back naive UTC times, PostgreSQL aware ones: compare them alike."""
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def program_reports(
    session: Session, program: Program, filters: Filters | None = None
) -> list[Report]:
    """Every report of the program, built-in first, then the definition's own."""
    filters = filters or Filters()
    records = _records(session, program, filters)
    found = [
        enrollments_by_state(program, records, filters),
        funnel(program, records, filters),
        time_in_state(program, records, filters),
        matching(session, program, records),
        outcomes(program, records),
    ]
    for spec in program.reports:
        report = definition_report(session, program, records, spec)
        if report is not None:
            found.append(report)
    return found


def csv_rows(reports: Iterable[Report]) -> Iterable[tuple[str, str, str, Decimal | str]]:
    """The export: `report, item, measure, value`, a suppressed value left empty. Values
    are numbers written as the tables show them; as numbers (not text) they are never
    taken for formulas, negative ones included (see csv_cells)."""
    yield ("report", "item", "measure", "value")
    for report in reports:
        for row in report.rows:
            text = format_value(row.value)
            yield (report.id, row.item, row.measure, Decimal(text) if text else "")


def by_id(reports: Iterable[Report]) -> Mapping[str, Report]:
    return {r.id: r for r in reports}
