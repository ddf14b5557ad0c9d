"""Mutation testing of the rule modules: does some test fail when a rule is changed?

    python -m bench.mutation [--module NAME ...] [--hand-only | --no-hand]
                             [--json PATH] [--list]

Needs the `mutation` extra (`pip install -e .[mutation]`: cosmic-ray). Not part of
.ci/run: the full run takes about 50 minutes on two shared cores (`--module` runs one). docs/testing.md says what
it found and how to read it.

Two kinds of mutant, each run against only the tests that matter for its module
(`TARGETS`, `HAND`), on SQLite, with `-x -q -p no:randomly`:

* Generated: cosmic-ray's operators (a curated set, `OPERATORS`: comparisons moved by
  one step or negated, `and`/`or` swapped, `not` added or removed, True/False and
  numbers changed, set `&`/`|` swapped, loops run zero times...) applied one at a time
  to the functions named for each module. Mutations inside type annotations are left
  out: with `from __future__ import annotations` they never run, so no test could kill
  them.
* Hand-written (`HAND`): named mutants for rules an attacker would go for or that a
  earlier run found untested (issue 11, point 10): a blueprint exempted from CSRF,
  the `min_days_in_state` boundary moved by a day, the closed-program check dropped,
  the version check dropped, paper signatures recorded by anyone...

Each mutant is written into the working tree (as cosmic-ray does), its tests run in a
fresh interpreter that writes no bytecode, and the file is put back whatever happens:
run it from a clean checkout and never two at once. An unmutated run of each test
selection comes first; it must pass, and its time sets the mutant's timeout (twice it,
plus 20 seconds). A mutant is killed when its tests fail, survived when they pass, and
timed out when they run past the timeout (a mutant that loops: caught, but counted
apart).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# cosmic-ray's operators worth a test each here. Left out: arithmetic and bit operators
# swapped for every other one (`a | b` to `a ** b`: a crash any test catches), comparisons
# moved to unrelated ones (`==` to `>`), and removed decorators (frozen dataclasses).
OPERATORS = (
    "core/ReplaceComparisonOperator_Eq_NotEq",
    "core/ReplaceComparisonOperator_NotEq_Eq",
    "core/ReplaceComparisonOperator_Lt_LtE",
    "core/ReplaceComparisonOperator_LtE_Lt",
    "core/ReplaceComparisonOperator_Gt_GtE",
    "core/ReplaceComparisonOperator_GtE_Gt",
    "core/ReplaceComparisonOperator_Is_IsNot",
    "core/ReplaceComparisonOperator_IsNot_Is",
    # (cosmic-ray has no operator for `in` / `not in`.)
    "core/ReplaceAndWithOr",
    "core/ReplaceOrWithAnd",
    "core/ReplaceUnaryOperator_Delete_Not",
    "core/AddNot",
    "core/ReplaceTrueWithFalse",
    "core/ReplaceFalseWithTrue",
    "core/NumberReplacer",
    "core/ZeroIterationForLoop",
    "core/ReplaceContinueWithBreak",
    "core/ReplaceBreakWithContinue",
    "core/ReplaceBinaryOperator_BitAnd_BitOr",
    "core/ReplaceBinaryOperator_BitOr_BitAnd",
    "core/ReplaceBinaryOperator_Add_Sub",
    "core/ReplaceBinaryOperator_Sub_Add",
)

_SERVICE = "tests/engine/service"


@dataclass(frozen=True)
class Part:
    """Functions of one file to mutate (`None`: every function of it)."""

    path: str
    functions: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Target:
    parts: tuple[Part, ...]
    tests: tuple[str, ...]  # quickest killers first: -x stops at the first failure
    skip: tuple[str, ...] = ()  # operators not worth a test here (docs/testing.md says why)


# `AddNot` turns a whole `if` round: in the rules an attacker would target (access,
# signatures, versions) it is the only mutant of a bare `if flag:`, so it stays there;
# elsewhere it repeats what the comparison and `and`/`or` mutants already ask, at a third
# of the run's time.
_COARSE = ("core/AddNot",)

# In the order they run: the rules an attacker would target first. Each module's tests
# are those that exercise its functions, the quickest killers first (-x stops at the first
# failure; a survivor runs them all, so every file listed costs its full time once per
# survivor).
TARGETS: dict[str, Target] = {
    "access": Target(
        (Part("engine/rules/access.py"),),
        ("tests/engine/rules/test_access.py", "tests/web/test_routes.py"),
    ),
    "signatures": Target(
        (
            Part("engine/service/forms.py", ("sign", "_signer_for", "signed_by_all")),
            Part("engine/records/enrollment.py", ("missing_signatures",)),
        ),
        (f"{_SERVICE}/test_signatures.py", f"{_SERVICE}/test_forms.py"),
    ),
    "versions": Target(
        (
            Part("engine/service/session.py", ("_check_version", "_touch")),
            Part("engine/service/forms.py", ("submit",)),
            Part("engine/service/core.py", ("transition_for", "open_for_applications")),
        ),
        (
            f"{_SERVICE}/test_concurrency.py",
            f"{_SERVICE}/test_applications_closed.py",
            f"{_SERVICE}/test_forms.py",
        ),
    ),
    "guards": Target(
        (
            Part("engine/rules/guards.py", ("blocked_reasons", "_signers")),
            Part("engine/records/enrollment.py", ("days_in_state",)),
        ),
        (f"{_SERVICE}/test_time_guards.py", f"{_SERVICE}/test_lifecycle_walk.py"),
        # The numbers there only join the names of missing signers into a sentence.
        skip=(*_COARSE, "core/NumberReplacer"),
    ),
    "answers": Target(
        (Part("engine/rules/answers.py"),),
        ("tests/engine/rules/test_answers.py", f"{_SERVICE}/test_forms.py"),
        skip=_COARSE,
    ),
    "conditions": Target(
        (Part("engine/definition/conditions.py", ("evaluate", "_same", "_ordered", "_compare")),),
        ("tests/engine/definition/test_conditions.py", "tests/engine/rules/test_answers.py"),
        skip=_COARSE,
    ),
    "matching": Target(
        (
            Part("engine/rules/scoring.py", ("agreement", "score", "_columns", "_optimal")),
            Part("engine/service/matching.py", ("_check_mentor",)),
        ),
        ("tests/engine/rules/test_scoring.py", f"{_SERVICE}/test_matching_runs.py"),
        # The numbers there are array axes, slices and rounding digits, not thresholds.
        skip=(*_COARSE, "core/NumberReplacer"),
    ),
    "suppression": Target(
        (
            Part(
                "engine/figures/reports.py",
                ("shown", "_apply_threshold", "_protect", "_finish", "_rate", "_summary"),
            ),
        ),
        ("tests/engine/figures/test_reports.py",),
        skip=_COARSE,
    ),
}


@dataclass(frozen=True)
class Hand:
    """A named mutant: `old` (found exactly once in `path`) replaced by `new`."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    why: str


_REGISTER = "        app.register_blueprint(module.bp)\n"


def _exempt(blueprint: str) -> str:
    return _REGISTER + f"        if module is {blueprint}:\n            csrf.exempt(module.bp)\n"


HAND: tuple[Hand, ...] = (
    Hand(
        "csrf-exempt-admin",
        "web/__init__.py",
        _REGISTER,
        _exempt("admin"),
        ("tests/web/test_csrf_routes.py",),
        "issue 11 point 10: the admin blueprint exempted from CSRF",
    ),
    Hand(
        "csrf-exempt-coordinator",
        "web/__init__.py",
        _REGISTER,
        _exempt("coordinator"),
        ("tests/web/test_csrf_routes.py",),
        "issue 11 point 10: the coordinator blueprint exempted from CSRF",
    ),
    Hand(
        "csrf-exempt-matching",
        "web/__init__.py",
        _REGISTER,
        _exempt("matching"),
        ("tests/web/test_csrf_routes.py",),
        "the matching blueprint exempted from CSRF",
    ),
    Hand(
        "csrf-off",
        "web/__init__.py",
        "    csrf.init_app(app)\n",
        "",
        ("tests/web/test_csrf_routes.py",),
        "no CSRF protection at all",
    ),
    Hand(
        "time-guard-a-day-late",
        "engine/rules/guards.py",
        "record.days_in_state() < days:",
        "record.days_in_state() <= days:",
        (f"{_SERVICE}/test_time_guards.py",),
        "issue 11 point 10: `min_days_in_state` boundary one day later",
    ),
    Hand(
        "time-guard-a-day-early",
        "engine/rules/guards.py",
        "record.days_in_state() < days:",
        "record.days_in_state() < days - 1:",
        (f"{_SERVICE}/test_time_guards.py",),
        "`min_days_in_state` boundary one day earlier",
    ),
    Hand(
        "days-in-state-plus-one",
        "engine/records/enrollment.py",
        "return (self.now - self.enrollment.state_since).days",
        "return (self.now - self.enrollment.state_since).days + 1",
        (f"{_SERVICE}/test_time_guards.py",),
        "days in a state counted from 1 instead of 0",
    ),
    Hand(
        "apply-to-closed-program",
        "engine/service/core.py",
        "if not program.info.accepting_applications:",
        "if False:",
        (f"{_SERVICE}/test_applications_closed.py", "tests/web/test_closed_program_pages.py"),
        "issue 11 point 10: the closed-program check dropped from `apply`",
    ),
    Hand(
        "closed-program-listed",
        "web/public.py",
        "if p.info.accepting_applications",
        "if True",
        ("tests/web/test_closed_program_pages.py",),
        "a closed program still listed on the index",
    ),
    Hand(
        "no-version-check",
        "engine/service/session.py",
        "if expected is not None and expected != enrollment.version:",
        "if False:",
        (f"{_SERVICE}/test_concurrency.py", f"{_SERVICE}/test_forms.py"),
        "a write from an old page accepted",
    ),
    Hand(
        "anyone-records-paper-signatures",
        "engine/service/forms.py",
        "if not may_record_signatures(roles):",
        "if False:",
        (f"{_SERVICE}/test_forms.py", f"{_SERVICE}/test_signatures.py"),
        "a participant records someone else's signature 'on paper'",
    ),
    Hand(
        "unverified-has-roles",
        "engine/rules/access.py",
        "    if not actor.verified:\n        return frozenset()\n",
        "",
        ("tests/engine/rules/test_access.py", "tests/web/test_routes.py"),
        "an account whose address is not proved acts in its roles",
    ),
)


# ---------------------------------------------------------------- generated mutants


@dataclass
class Outcome:
    module: str
    name: str  # operator@line:col, or the hand mutant's name
    path: str
    line: int
    status: str  # killed, survived, timeout, baseline-failed
    seconds: float
    diff: str = ""
    why: str = ""


@dataclass
class Mutant:
    path: str
    operator: str
    occurrence: int
    line: int
    col: int
    function: str


def _spans(tree: ast.Module, wanted: tuple[str, ...] | None) -> list[tuple[str, int, int]]:
    """(name, first line, last line) of each function to mutate, methods included."""
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if wanted is None or node.name in wanted:
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                spans.append((node.name, first, node.end_lineno or node.lineno))
    if wanted is not None:
        missing = set(wanted) - {name for name, *_ in spans}
        if missing:
            raise SystemExit(f"no function {sorted(missing)} to mutate")
    return spans


def _annotation_ranges(tree: ast.Module) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where annotations are: never evaluated (postponed), so mutants there cannot die."""
    found: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            args = node.args
            every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
            found += [a.annotation for a in every if a is not None and a.annotation]
            if node.returns is not None:
                found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [
        ((a.lineno, a.col_offset), (a.end_lineno or a.lineno, a.end_col_offset or 0)) for a in found
    ]


def generated(part: Part, skip: tuple[str, ...] = ()) -> list[Mutant]:
    import cosmic_ray.plugins
    from cosmic_ray.ast import ast_nodes, get_ast_from_path

    path = ROOT / part.path
    tree = ast.parse(path.read_text(encoding="utf-8"))
    spans = _spans(tree, part.functions)
    annotations = _annotation_ranges(tree)
    module_ast = get_ast_from_path(path)
    mutants = []
    for name in OPERATORS:
        if name in skip:
            continue
        operator = cosmic_ray.plugins.get_operator(name)()
        positions = (
            start
            for node in ast_nodes(module_ast)
            for start, _ in operator.mutation_positions(node)
        )
        for occurrence, (line, col) in enumerate(positions):
            if any(first <= (line, col) < last for first, last in annotations):
                continue
            inside = [fn for fn, first, last in spans if first <= line <= last]
            if inside:
                mutants.append(Mutant(part.path, name, occurrence, line, col, inside[-1]))
    return mutants


# ---------------------------------------------------------------- running


def _pytest(tests: Sequence[str], timeout: float) -> tuple[str, float, str]:
    env = {k: v for k, v in os.environ.items() if k != "MENTORFLOW_TEST_POSTGRES_URL"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # a mutant's bytecode must never be reused
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:randomly"]
    command += ["-p", "no:cacheprovider", *[t for t in tests if (ROOT / t).exists()]]
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a timeout kills the whole group
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "timeout", time.monotonic() - started, ""
    seconds = time.monotonic() - started
    text = out.decode(errors="replace")
    return ("survived" if proc.returncode == 0 else "killed"), seconds, text


@contextmanager
def _written(path: Path, text: str) -> Iterator[None]:
    """`text` in `path` for the block, the original back afterwards, even on Ctrl-C."""
    original = path.read_bytes()
    try:
        path.write_text(text, encoding="utf-8")
        yield
    finally:
        path.write_bytes(original)


def _diff(before: str, after: str, path: str) -> str:
    import difflib

    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), f"a/{path}", f"b/{path}", lineterm="", n=0
    )
    return "\n".join(line for line in lines if not line.startswith(("---", "+++", "@@")))


def _timeout(baseline: float) -> float:
    return 2 * baseline + 20


_BASELINES: dict[tuple[str, ...], float | None] = {}


def _baseline(label: str, tests: Sequence[str]) -> float | None:
    if tuple(tests) in _BASELINES:
        return _BASELINES[tuple(tests)]
    _BASELINES[tuple(tests)] = _measure(label, tests)
    return _BASELINES[tuple(tests)]


def _measure(label: str, tests: Sequence[str]) -> float | None:
    status, seconds, out = _pytest(tests, timeout=1800)
    if status != "survived":
        print(f"  {label}: the unmutated code fails its tests:\n{out[-3000:]}", flush=True)
        return None
    print(f"  {label}: baseline {seconds:.1f}s over {len(tests)} test files", flush=True)
    return seconds


def _label(m: Mutant) -> str:
    return f"{m.operator.removeprefix('core/')}@{m.path}:{m.line}:{m.col}"


def run_target(name: str, target: Target, only: str | None = None) -> list[Outcome]:
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    mutants = [m for part in target.parts for m in generated(part, target.skip)]
    if only:
        mutants = [m for m in mutants if only in _label(m)]
    print(f"{name}: {len(mutants)} mutants", flush=True)
    baseline = _baseline(name, target.tests)
    if baseline is None:
        return [Outcome(name, "baseline", "", 0, "baseline-failed", 0.0)]
    outcomes = []
    for number, m in enumerate(mutants, 1):
        path = ROOT / m.path
        before = path.read_text(encoding="utf-8")
        after = mutate_code(before, get_operator(m.operator)(), m.occurrence)
        label = _label(m)
        if after is None:  # pragma: no cover - positions come from the same tree
            raise SystemExit(f"{label}: cosmic-ray made no mutation")
        with _written(path, after):
            status, seconds, _ = _pytest(target.tests, _timeout(baseline))
        outcome = Outcome(
            name, label, m.path, m.line, status, seconds, _diff(before, after, m.path)
        )
        outcome.why = m.function
        outcomes.append(outcome)
        mark = "" if status == "killed" else f"  <-- {status.upper()}\n{outcome.diff}"
        print(f"  [{number}/{len(mutants)}] {status:8} {seconds:5.1f}s {label}{mark}", flush=True)
    return outcomes


def run_hand(mutant: Hand) -> Outcome:
    path = ROOT / mutant.path
    before = path.read_text(encoding="utf-8")
    if before.count(mutant.old) != 1:
        raise SystemExit(f"{mutant.name}: {mutant.old!r} is not found once in {mutant.path}")
    after = before.replace(mutant.old, mutant.new)
    baseline = _baseline(mutant.name, mutant.tests)
    if baseline is None:
        return Outcome("hand", mutant.name, mutant.path, 0, "baseline-failed", 0.0)
    with _written(path, after):
        status, seconds, out = _pytest(mutant.tests, _timeout(baseline))
    line = before[: before.index(mutant.old)].count("\n") + 1
    outcome = Outcome("hand", mutant.name, mutant.path, line, status, seconds, why=mutant.why)
    outcome.diff = _diff(before, after, mutant.path)
    failed = [ln for ln in out.splitlines() if ln.startswith("FAILED")][:1]
    print(f"  {status:8} {seconds:5.1f}s {mutant.name} {' '.join(failed)}", flush=True)
    return outcome


def summary(outcomes: Sequence[Outcome], seconds: dict[str, float]) -> str:
    """The figures as a Markdown table, one row per module."""
    rows = [
        "| module | mutants | killed | survived | timeout | minutes |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for module in dict.fromkeys(o.module for o in outcomes):
        mine = [o for o in outcomes if o.module == module]
        count = {s: sum(o.status == s for o in mine) for s in ("killed", "survived", "timeout")}
        rows.append(
            f"| {module} | {len(mine)} | {count['killed']} | {count['survived']} "
            f"| {count['timeout']} | {seconds.get(module, 0) / 60:.1f} |"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(TARGETS), default=None)
    parser.add_argument("--hand-only", action="store_true", help="only the named mutants")
    parser.add_argument("--no-hand", action="store_true", help="only generated mutants")
    parser.add_argument("--json", type=Path, help="write every outcome here")
    parser.add_argument("--list", action="store_true", help="count the mutants, run nothing")
    parser.add_argument(
        "--only",
        metavar="TEXT",
        help="only mutants whose label (operator@path:line:col) or name holds TEXT,"
        " e.g. access.py:173",
    )
    args = parser.parse_args(argv)

    # SIGTERM restores the mutated file like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    names = [] if args.hand_only else (args.module or list(TARGETS))
    if args.list:
        for name in names:
            mutants = [
                m for part in TARGETS[name].parts for m in generated(part, TARGETS[name].skip)
            ]
            print(f"{name}: {len(mutants)} mutants")
        print(f"hand: {len(HAND)} mutants")
        return 0
    outcomes: list[Outcome] = []
    seconds: dict[str, float] = {}
    if not args.no_hand and not args.module:
        started = time.monotonic()
        print(f"hand: {len(HAND)} named mutants", flush=True)
        outcomes += [run_hand(m) for m in HAND if not args.only or args.only in m.name]
        seconds["hand"] = time.monotonic() - started
    try:
        for name in names:
            started = time.monotonic()
            outcomes += run_target(name, TARGETS[name], args.only)
            seconds[name] = time.monotonic() - started
            print(f"{name}: done in {seconds[name] / 60:.1f} min", flush=True)
    except KeyboardInterrupt:  # stopped (Ctrl-C, SIGTERM): the figures of what ran
        print("\nstopped: the module under way is not counted", flush=True)
    print()
    print(summary(outcomes, seconds))
    left = [o for o in outcomes if o.status not in ("killed", "timeout")]
    for o in left:
        print(f"\n{o.status}: {o.name} ({o.why})\n{o.diff}")
    if args.json:
        data = {"outcomes": [asdict(o) for o in outcomes], "seconds": seconds}
        args.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
