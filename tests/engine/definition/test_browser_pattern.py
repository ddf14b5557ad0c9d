"""browser_pattern: which text-field patterns browsers (JavaScript, `v` flag) compile.

Spec: the format's `pattern` key (/work/shared/spec/definition-format.md, "Fields"), and
HTML's pattern attribute: `new RegExp(pattern, "v")`, then `^(?:pattern)$`. The checker
is cross-checked against Node (which has the `v` flag from version 20) on a fixed list
and on generated patterns; that test is skipped without `node`, and fails in CI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentorflow.engine.definition.browser_pattern import (
    PatternProblem,
    browser_pattern_problem,
    set_notation_problem,
)

# Reads one JSON list of patterns per line; answers one JSON list of verdicts per line.
_NODE_JUDGE = r"""
const rl = require("readline").createInterface({ input: process.stdin });
rl.on("line", (line) => {
  const verdicts = JSON.parse(line).map((p) => {
    try {
      new RegExp(p, "v");
      new RegExp("^(?:" + p + ")$", "v");
      return true;
    } catch (e) {
      return false;
    }
  });
  process.stdout.write(JSON.stringify(verdicts) + "\n");
});
"""

Judge = Callable[[list[str]], list[bool]]


@pytest.fixture(scope="module")
def node() -> Iterator[Judge]:
    exe = shutil.which("node")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed to cross-check browser patterns in CI")
        pytest.skip("node is not installed")
    proc = subprocess.Popen(
        [exe, "-e", _NODE_JUDGE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdin is not None and proc.stdout is not None
    stdin, stdout = proc.stdin, proc.stdout

    def judge(patterns: list[str]) -> list[bool]:
        stdin.write(json.dumps(patterns) + "\n")
        stdin.flush()
        verdicts: list[bool] = json.loads(stdout.readline())
        return verdicts

    try:
        yield judge
    finally:
        stdin.close()
        proc.wait(timeout=10)
        stdout.close()


def compiles(pattern: str) -> bool:
    return browser_pattern_problem(pattern) is None


# Patterns browsers compile: what definitions write, and the v-mode corners.
VALID = [
    "[0-9]{6}", "[A-Z]{2}-[0-9]{4}", r"\d{3}[ .\-]?\d{4}", r"[^@\s]+@[^@\s]+\.[a-z]{2,}",
    r"(\+|00)[1-9][0-9 ]{6,14}", "a{2,}", "a{0,3}?", "a*?b+?c??", "(?:ab|cd)+", "(a)\\1",
    "(?=a)a", "(?!b)a", "(?<=a)b", "(?<!a)b", r"\bword\B", "^$", "", ".", "a|", "|",
    "()", "[]", "[^]", r"[\-\]\[\{\}\(\)\/\|]", r"\{\}\]\)\(\[", "/", r"\/", "[a&b]",
    "[a!b]", r"[\&\&]", r"\x41\u0042\u{1F600}\0", r"\cJ", "[\\b]", "[[a-z]--[aeiou]]",
    r"[\w&&\d]", "[a--b]", r"\q", "é+", "[é-ü]", "a,b", "a:b", "<>", "#", "@", "\\.",
    r"\uD83D\uDE00", r"[\uD83D\uDE00]", "(?<year>[0-9]{4})-\\k<year>", r"[\q{ab|c}]",
    "[^\\q{a|b}]", r"\p{L}+", "a{1}{", "[-]", "x{99999999999}",
]  # fmt: skip
VALID.remove("a{1}{")  # a lone brace after a count is refused; kept below
VALID.remove("[-]")
VALID.remove(r"\q")

# (pattern, where the problem is, words of the message)
INVALID = [
    ("a{", 1, "'{' is not a repeat count"),
    ("{", 0, "a lone '{'"),
    ("a}", 1, "a lone '}'"),
    ("a]", 1, "a lone ']'"),
    ("a{,3}", 1, "'{,3}' is not a repeat count"),
    ("a{1,2", 1, "'{' is not a repeat count"),
    ("a{3,2}", 1, "counts down"),
    ("a{1}{2}", 4, "a quantifier cannot repeat a quantifier"),
    ("a**", 2, "a quantifier cannot repeat a quantifier"),
    ("a++", 2, "possessive quantifiers are Python's only"),
    ("a*+", 2, "possessive quantifiers are Python's only"),
    ("a???", 3, "a quantifier cannot repeat"),
    ("*a", 0, "'*' repeats nothing"),
    ("(?P<id>[0-9]+)", 0, "'(?P...' is Python's only"),
    ("(?P=id)", 0, "'(?P...' is Python's only"),
    ("(?>ab)", 0, "atomic groups"),
    ("(?#note)a", 0, "comments"),
    ("(?i)abc", 0, "inline flags"),
    ("(?i:abc)", 0, "inline flags"),
    (r"abc\Z", 3, "write '$' for the end"),
    (r"\Aabc", 0, "write '^' for the start"),
    (r"a\-b", 1, "write it without the backslash"),
    (r"a\ b", 1, "write it without the backslash"),
    (r"\#", 0, "not an escape the browser knows outside [...]"),
    (r"\e", 0, "not an escape the browser knows"),
    (r"[\e]", 1, "inside [...]"),
    (r"[\_]", 1, "inside [...]"),
    ("[(]", 1, "'(' inside [...] must be escaped"),
    ("[)]", 1, "')' inside [...] must be escaped"),
    ("[{]", 1, "'{' inside [...]"),
    ("[}]", 1, "'}' inside [...]"),
    ("[/]", 1, "'/' inside [...]"),
    ("[a|b]", 2, "'|' inside [...]"),
    ("[a-]", 2, "'-' in a class must be escaped"),
    ("[-a]", 1, "'-' inside [...] must be escaped"),
    ("[a-z-0]", 4, "'-' inside [...]"),
    ("[[]", 0, "'[' is never closed"),
    ("[a", 0, "'[' is never closed"),
    ("[a&&]", 4, "']' inside [...]"),
    ("[&&a]", 1, "'&&' is reserved"),
    ("[a&&&b]", 4, "'&&&'"),
    ("[a-z&&b]", 4, "'&&' needs a single operand on each side"),
    ("[a&&b--c]", 5, "cannot be mixed"),
    ("[ab&&c]", 3, "'&&' needs a single operand"),
    ("[z-a]", 2, "the range runs backwards"),
    (r"[\d-z]", 3, "'-' inside [...]"),
    *[(f"[a{p}b]", 2, f"'{p}' is reserved inside [...]")
      for p in ("!!", "##", "$$", "%%", "**", "++", ",,", "..", "::", ";;", "<<", "==",
                ">>", "??", "@@", "^^", "``", "~~")],
    ("[^^^]", 2, "'^^' is reserved"),
    (r"\1", 0, "refers to group 1 but the pattern has 0 groups"),
    (r"(a)\2", 3, "refers to group 2"),
    (r"\101", 0, "octal escapes do not exist"),
    (r"\01", 0, "octal escapes"),
    (r"\x4", 0, "two hex digits"),
    (r"\u12", 0, "four hex digits"),
    (r"\u{110000}", 0, "up to 10FFFF"),
    (r"\c1", 0, "'\\c' must be followed by a letter"),
    ("a\\", 1, "lone '\\'"),
    ("(a", 0, "'(' is never closed"),
    ("a)", 1, "')' closes no group"),
    ("(?=a)*", 0, "repeats an assertion"),
    ("^*", 0, "repeats an assertion"),
    (r"\b+", 0, "repeats an assertion"),
    ("(?<a>x)(?<a>y)", 7, "two groups are named 'a'"),
    ("(?<1a>x)", 0, "must be an identifier"),
    (r"\k<b>(?<a>x)", 0, "refers to no group named 'b'"),
    (r"\k", 0, "'\\k' must name a group"),
    (r"[^\q{ab}]", 0, "cannot hold strings"),
    ("a{1}{", 4, "a quantifier cannot repeat"),
    ("[-]", 1, "'-' inside [...]"),
    (r"\q", 0, "not an escape the browser knows"),
]  # fmt: skip


@pytest.mark.parametrize("pattern", VALID)
def test_browsers_compile(pattern):
    assert browser_pattern_problem(pattern) is None


@pytest.mark.parametrize(("pattern", "index", "words"), INVALID, ids=[c[0] for c in INVALID])
def test_browsers_refuse_with_a_position_and_a_hint(pattern, index, words):
    problem = browser_pattern_problem(pattern)
    assert problem is not None
    assert words in problem.message
    assert problem.index == index
    assert str(problem).startswith(f"at character {index + 1}: ")


@pytest.mark.parametrize(
    ("pattern", "index", "what"),
    [("[[a]]", 1, "'[' inside [...]"), ("[a&&b]", 2, "'&&' inside [...]"),
     ("x[\\w--\\d]", 4, "'--' inside [...]"), ("[^[a]b]", 2, "'[' inside [...]")],
)  # fmt: skip
def test_set_notation_is_named_where_python_reads_plain_characters(pattern, index, what):
    problem = set_notation_problem(pattern)
    assert problem is not None
    assert (problem.index, problem.message.split(" means")[0]) == (index, what)


@pytest.mark.parametrize("pattern", ["[a-z]", r"[\[\]&]", "[a&b-c]", "a--b&&c", "[a-", ""])
def test_no_set_notation_in_plain_classes_or_broken_patterns(pattern):
    assert set_notation_problem(pattern) is None


def test_the_problem_reads_as_a_sentence():
    assert str(PatternProblem(0, "a lone '{'")) == "at character 1: a lone '{'"


def test_the_fixed_lists_agree_with_node(node):
    patterns = VALID + [case[0] for case in INVALID]
    verdicts = node(patterns)
    disagreements = [p for p, ok in zip(patterns, verdicts, strict=True) if ok != compiles(p)]
    assert disagreements == []
    assert verdicts.count(True) == len(VALID)


# Pieces that meet at the grammar's corners: escapes, classes, groups, braces, doubles.
_PIECES = [
    "a", "b", "z", "0", "1", "2", "é", " ", "-", ",", "&", "!", "^", "$", ".", "|", "/",
    "(", ")", "[", "]", "{", "}", "*", "+", "?", ":", "=", "<", ">", "#", "~", "_",
    "\\", "\\d", "\\w", "\\b", "\\B", "\\-", "\\.", "\\{", "\\]", "\\Z", "\\x4", "\\u00e9",
    "\\1", "\\0", "\\c", "(?:", "(?=", "(?<=", "(?<!", "(?P<n>", "(?<n>", "(?>", "(?i)",
    "{2}", "{2,}", "{1,3}", "{3,1}", "{,2}", "[^", "&&", "--", "[a-z]", "\\q{ab}",
]  # fmt: skip
_patterns = st.lists(st.sampled_from(_PIECES), max_size=8).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_patterns, min_size=20, max_size=40))
def test_generated_patterns_agree_with_node(node, patterns):
    verdicts = node(patterns)
    assert [p for p, ok in zip(patterns, verdicts, strict=True) if ok != compiles(p)] == []
