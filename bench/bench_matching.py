"""Matching a pool: Mentorflow against `mentor-match`, and against a bare solver.

    python -m bench.bench_matching [--write docs/performance.md] [--sizes N ...]
                                   [--peer-sizes N ...] [--quick]

One seeded synthetic pool per size, N mentees x N mentors (one place each, so every
size is exact), answering the apply forms of tests/engine/data/small.yaml, whose
`matching` has three criteria: areas (overlap, weight 3, required), style (same) and
seniority (at_least, margin 5).

* `--peer-sizes` (default 200 800): Mentorflow's `propose(..., "optimal")` against the
  PyPI package `mentor-match` (the bench-only extra: `pip install -e .[bench]`) driven
  through its own entry point `process.process_data`, with the same criteria written as
  its rules (see `mentor_match_rules`). Its pair scores are checked to equal Mentorflow's
  on a small pool before anything is timed.
* `--sizes` (default 1000 5000 10000): Mentorflow's `propose` against one bare
  `linear_sum_assignment` on the score matrix `mentorflow.engine.rules.scoring.score` computes for the
  same pool, negated beforehand so that only the solver call is timed (the floor). Both
  run in one process, taking turns, so that other load on the machine weighs on both.

Each size runs in its own fresh process: wall time (best of 5 runs, 2 at 10,000 per
side; mentor-match 3 at 200, 1 above) and peak memory, the growth of the process's peak
resident set during the first run (Linux: the peak is reset through /proc/self/clear_refs
just before the call).
Unlike tracemalloc this sees what C and C++ code allocates (scipy's solver) and does not
slow down the pure-Python peer.
"""

from __future__ import annotations

import argparse
import json
import operator
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
DEFINITION = ROOT / "tests" / "engine" / "data" / "small.yaml"
AREAS = ["Leadership", "Budgeting", "Writing"]
STYLES = ["hands_on", "reflective"]
SEED = 20261127
# mentor-match scores are integers (its cost is `sys.maxsize - score`, which a float
# would round to a multiple of 2048), so its rules give points in sixths: every
# Mentorflow pair score here is a multiple of 1/6 (weight 3 x a share of 1 to 3 areas).
SCALE = 6
PEER_LIMIT_S = 600.0  # do not start a mentor-match run estimated to take longer
MEASURE_TIMEOUT_S = 900.0


# --- the pool ------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str
    areas: tuple[str, ...]  # mentee: interests; mentor: expertise
    style: str
    years: int


def synthetic_pool(n: int, seed: int = SEED) -> tuple[list[Person], list[Person]]:
    """n mentees and n mentors. Mentees (under two years of service, the program's
    eligibility) want 1 to 3 areas; mentors offer 1 or 2 and have 0 to 15 years."""
    rng = random.Random(seed * 100_003 + n)
    mentees = [
        Person(
            f"mentee-{i}",
            f"Mentee {i}",
            f"mentee{i}@example.gov",
            tuple(rng.sample(AREAS, rng.randint(1, 3))),
            rng.choice(STYLES),
            rng.randint(0, 1),
        )
        for i in range(n)
    ]
    mentors = [
        Person(
            f"mentor-{i}",
            f"Mentor {i}",
            f"mentor{i}@example.gov",
            tuple(rng.sample(AREAS, rng.randint(1, 2))),
            rng.choice(STYLES),
            rng.randint(0, 15),
        )
        for i in range(n)
    ]
    return mentees, mentors


def mentorflow_pool(n: int) -> tuple[Any, list[Any], list[Any]]:
    from mentorflow.engine.definition.loader import load_file
    from mentorflow.engine.rules.scoring import Candidate

    program = load_file(DEFINITION)
    people, mentors = synthetic_pool(n)
    mentees = [
        Candidate(
            p.id,
            p.name,
            p.email,
            {"interests": list(p.areas), "style": p.style, "years_of_service": p.years},
        )
        for p in people
    ]
    offering = [
        Candidate(
            p.id,
            p.name,
            p.email,
            {
                "expertise": list(p.areas),
                "style": p.style,
                "years_of_service": p.years,
                "max_mentees": 1,
            },
            places=1,
        )
        for p in mentors
    ]
    return program, mentees, offering


# --- mentor-match, driven as its README shows ----------------------------------------


def mentor_match_rules() -> list[Any]:
    """small.yaml's criteria as mentor-match rules, in sixths of a Mentorflow point.

    needs (overlap, weight 3, required) -> a `Disqualify` when no area is shared, and a
      rule subclass (the README's way to add a rule) worth 3 x shared/wanted; the
      package's own rules only give a fixed score per true/false answer.
    style (same, weight 1) -> `Equivalent("style", {True: 1, False: 0})`.
    seniority (at_least, margin 5) -> `Grade(5, operator.ge, {True: 1, False: 0})`,
      on `grade` = years of service (mentor minus mentee >= 5).
    `Match` applies the rules from the end of the list: the `Disqualify` goes last so
    it is checked first, as the package's own built-in ones are.
    """
    from matching.rules.rule import Disqualify, Equivalent, Grade, Rule

    class SharedAreas(Rule):  # type: ignore[misc]
        def __init__(self, weight: int) -> None:
            super().__init__({True: 0, False: 0})
            self.weight = weight

        def evaluate(self, match: Any) -> bool:
            return bool(match.mentee.areas & match.mentor.areas)

        def apply(self, match: Any) -> int:
            wanted: frozenset[str] = match.mentee.areas
            points, rest = divmod(
                SCALE * self.weight * len(wanted & match.mentor.areas), len(wanted)
            )
            assert rest == 0
            return points

    return [
        SharedAreas(3),
        Equivalent("style", {True: SCALE, False: 0}),
        Grade(5, operator.ge, {True: SCALE, False: 0}),
        Disqualify(lambda match: not (match.mentee.areas & match.mentor.areas)),
    ]


def mentor_match_pool(n: int) -> tuple[list[Any], list[Any]]:
    """The same people as mentor-match objects (its Person keeps only its own fields,
    so the areas and style are set on the objects, which its rules read by name)."""
    from matching.mentee import Mentee
    from matching.mentor import Mentor

    def make(cls: Any, p: Person) -> Any:
        obj = cls(email=p.email, grade=p.years, role=p.id, **{"first name": p.name})
        obj.areas = frozenset(p.areas)
        obj.style = p.style
        return obj

    people, mentors = synthetic_pool(n)
    return [make(Mentee, p) for p in people], [make(Mentor, p) for p in mentors]


def mentor_match_total(mentors: Sequence[Any], rules: Sequence[Any]) -> tuple[int, float]:
    """Pairs made, and their total score in Mentorflow points (the package resets a
    match's score once it is marked, so the pairs are scored again by the same rules)."""
    from matching.match import Match

    pairs, points = 0, 0
    for mentor in mentors:
        for mentee in mentor.mentees:
            pairs += 1
            match = Match(mentor, mentee, [])
            points += sum(rule.apply(match) for rule in rules[:-1])  # not the Disqualify
    return pairs, points / SCALE


def check_same_scores(n: int = 60) -> None:
    """mentor-match's pair scores equal Mentorflow's, and it disallows the same pairs."""
    from matching.process import generate_match_matrix

    from mentorflow.engine.rules.scoring import score

    program, mentees, mentors = mentorflow_pool(n)
    scores = score(program, mentees, mentors)
    mm_mentees, mm_mentors = mentor_match_pool(n)
    grid = generate_match_matrix(mm_mentors, mm_mentees, mentor_match_rules())  # mentor rows
    theirs = np.array([[m.score / SCALE for m in row] for row in grid]).T
    disallowed = np.array([[m.disallowed for m in row] for row in grid]).T
    assert np.array_equal(disallowed, ~scores.feasible), "feasibility differs"
    assert np.array_equal(theirs[scores.feasible], scores.total[scores.feasible]), "scores differ"


# --- one measurement (runs in its own process) ---------------------------------------


def _status(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(key)


def peak_growth(fn: Callable[[], Any]) -> tuple[Any, float, float | None]:
    """fn's result, wall time and peak resident memory growth in MiB (None if the
    kernel does not let the peak be reset)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        before: int | None = _status("VmRSS")
    except OSError:
        before = None
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    growth = None if before is None else (_status("VmHWM") - before) / 2**20
    return result, seconds, growth


def measure(kind: str, n: int, repeat: int) -> dict[str, Any]:
    from scipy.optimize import linear_sum_assignment

    from mentorflow.engine.rules.scoring import propose, score

    out: dict[str, Any] = {"kind": kind, "n": n}
    times: list[float] = []
    if kind == "mentorflow":
        program, mentees, mentors = mentorflow_pool(n)
        for i in range(repeat):
            result, seconds, growth = peak_growth(
                lambda: propose(program, mentees, mentors, "optimal")
            )
            times.append(seconds)
            if i == 0:
                out |= {"mib": growth, "pairs": len(result.proposals), "total": result.total_score}
            del result
    elif kind == "floor":
        # Side by side in one process, turn about, so that other load on the machine
        # weighs on both alike: Mentorflow first (its first run, in a fresh process, is
        # the one whose memory is measured), then the bare solver on the negated score
        # matrix of the same pool (computed untimed); best of `repeat` each.
        program, mentees, mentors = mentorflow_pool(n)
        floor: dict[str, Any] = {}
        floor_times: list[float] = []
        costs: Any = None
        for i in range(repeat):
            result, seconds, growth = peak_growth(
                lambda: propose(program, mentees, mentors, "optimal")
            )
            times.append(seconds)
            if i == 0:
                out |= {"mib": growth, "pairs": len(result.proposals), "total": result.total_score}
            del result
            if costs is None:
                scores = score(program, mentees, mentors)
                costs = -scores.total  # the same matrix, minimised: no copy in the solver
            (rows, cols), seconds, growth = peak_growth(lambda c=costs: linear_sum_assignment(c))
            floor_times.append(seconds)
            if i == 0:
                floor |= {
                    "kind": "floor",
                    "n": n,
                    "mib": growth,
                    "pairs": int(scores.feasible[rows, cols].sum()),
                    "total": float(scores.total[rows, cols].sum()),
                    "forbidden": int((~scores.feasible[rows, cols]).sum()),
                    "seconds": min(floor_times),
                    "runs": repeat,
                }
        out["floor"] = floor | {"seconds": min(floor_times)}
    elif kind == "mentor-match":
        from matching.process import generate_match_matrix, process_data

        rules = mentor_match_rules()
        for i in range(repeat):
            mm_mentees, mm_mentors = mentor_match_pool(n)
            _, seconds, growth = peak_growth(
                lambda: process_data(mm_mentors, mm_mentees, [rules])  # noqa: B023
            )
            times.append(seconds)
            if i == 0:
                pairs, total = mentor_match_total(mm_mentors, rules)
                out |= {"mib": growth, "pairs": pairs, "total": total}
        # The scoring half alone (Match objects for every pair), to estimate larger pools.
        mm_mentees, mm_mentors = mentor_match_pool(n)
        start = time.perf_counter()
        generate_match_matrix(mm_mentors, mm_mentees, rules)
        out["scoring_seconds"] = time.perf_counter() - start
    else:
        raise ValueError(kind)
    out["seconds"] = min(times)
    out["runs"] = repeat
    return out


def run(kind: str, n: int, repeat: int) -> dict[str, Any]:
    """One measurement in a fresh interpreter, so no run inherits another's heap."""
    command = [sys.executable, "-m", "bench.bench_matching", "--measure", kind, str(n)]
    command += ["--repeat", str(repeat)]
    print(f"  {kind} at {n:,} per side ...", file=sys.stderr, flush=True)
    try:
        done = subprocess.run(
            command,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=MEASURE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"kind": kind, "n": n, "skipped": f"stopped after {MEASURE_TIMEOUT_S:.0f} s"}
    if done.returncode != 0:
        raise RuntimeError(f"{kind} at {n}: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"    {result}", file=sys.stderr, flush=True)
    return result


# --- the report ----------------------------------------------------------------------


def _mib(m: dict[str, Any]) -> str:
    if m.get("mib") is None:
        return "n/a"
    return "<1" if m["mib"] < 1 else f"{m['mib']:,.0f}"


def _row(label: str, m: dict[str, Any], ratio: str) -> str:
    if "skipped" in m:
        return f"| {m['n']:,} | {label} | not run: {m['skipped']} | | | | |"
    pairs = f"{m['pairs']:,}"
    if m.get("forbidden"):
        pairs += f" (+{m['forbidden']:,} forbidden)"
    runs = f" (best of {m['runs']})" if m["runs"] > 1 else ""
    return (
        f"| {m['n']:,} | {label} | {m['seconds']:.3f}{runs} | {_mib(m)} | {pairs} "
        f"| {m['total']:,.1f} | {ratio} |"
    )


def peer_estimate(measured: dict[str, Any], n: int) -> float:
    """mentor-match's time at n from a measured run: scoring grows as n^2 (one Python
    object per pair), the pure-Python Munkres solver as n^3 (its worst case)."""
    f = n / measured["n"]
    scoring = measured["scoring_seconds"]
    return scoring * f**2 + max(measured["seconds"] - scoring, 0.0) * f**3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--sizes", type=int, nargs="*", help="against the bare solver")
    parser.add_argument("--peer-sizes", type=int, nargs="*", help="against mentor-match")
    parser.add_argument("--quick", action="store_true", help="small sizes, one run each")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--repeat", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], int(args.measure[1]), args.repeat)))
        return
    quick = args.quick
    peer_sizes = args.peer_sizes if args.peer_sizes is not None else [200, 800]
    sizes = args.sizes if args.sizes is not None else [1000, 5000, 10000]
    if quick:
        peer_sizes, sizes = (args.peer_sizes or [50, 100]), (args.sizes or [500, 1000])

    def repeats(n: int) -> int:
        return 1 if quick else 2 if n >= 10000 else 5

    peer_lines = [
        "| per side | tool | time (s) | peak memory (MiB) | pairs | total score "
        "| mentor-match time / Mentorflow time |",
        "|---|---|---|---|---|---|---|",
    ]
    if peer_sizes:
        check_same_scores()
    smallest: dict[str, Any] | None = None
    peer_runs: list[dict[str, Any]] = []
    for n in sorted(peer_sizes):
        ours = run("mentorflow", n, repeats(n))
        estimate = peer_estimate(smallest, n) if smallest else 0.0
        if estimate > PEER_LIMIT_S:
            theirs = {"kind": "mentor-match", "n": n}
            theirs["skipped"] = (
                f"estimated {estimate / 60:.0f} min from the {smallest['n']:,} run"  # type: ignore[index]
                f" (scoring x n^2, Munkres x n^3), over the {PEER_LIMIT_S / 60:.0f} min limit"
            )
        else:
            theirs = run("mentor-match", n, 1 if n > 200 or quick else 3)
            peer_runs.append(theirs)
            smallest = smallest or theirs
        ratio = f"**{theirs['seconds'] / ours['seconds']:,.0f}x**" if "seconds" in theirs else ""
        if "skipped" in theirs and estimate:
            ratio = f"about {estimate / ours['seconds']:,.0f}x (estimated)"
        peer_lines.append(_row("Mentorflow `propose`", ours, ""))
        peer_lines.append(_row("mentor-match `process_data`", theirs, ratio))

    scoring = [
        f"{m['n']:,} per side {m['scoring_seconds']:.2f} s"
        for m in peer_runs
        if "scoring_seconds" in m
    ]
    if scoring:
        peer_lines.append(
            "\nmentor-match's scoring alone (a `Match` object per pair, no solver): "
            + ", ".join(scoring)
            + "."
        )

    floor_lines = [
        "| per side | tool | time (s) | peak memory (MiB) | pairs | total score "
        "| Mentorflow time / solver time |",
        "|---|---|---|---|---|---|---|",
    ]
    for n in sorted(sizes):
        ours = run("floor", n, repeats(n))
        floor = ours.pop("floor", None) or {"n": n, "skipped": ours.get("skipped", "")}
        ratio = (
            f"**{ours['seconds'] / floor['seconds']:.2f}x**"
            if "seconds" in ours and "seconds" in floor
            else ""
        )
        floor_lines.append(_row("Mentorflow `propose`", ours, ""))
        floor_lines.append(_row("bare `linear_sum_assignment`", floor, ratio))

    parts = []
    if peer_sizes:
        parts.append("\n".join(peer_lines))
    if sizes:
        parts.append("\n".join(floor_lines))
    table = "\n\n".join(parts)
    print(table)
    if args.write:
        from bench.report import replace_section

        replace_section(args.write, "matching", table)


if __name__ == "__main__":
    main()
