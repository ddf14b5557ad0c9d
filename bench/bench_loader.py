"""How long loading a large definition takes, against a plain YAML load in the same run.

    python -m bench.bench_loader [--write docs/performance.md]

The definition has 50 forms of 10 fields (500 fields). It is loaded twice over:
once written so that libyaml (the fast C parser) accepts it, once with labels such
as "Any obstacle?" inside flow mappings, which only a YAML 1.2 parser reads, so the
engine falls back to ruamel's pure-Python parser. The baseline is ruamel.yaml's own
round-trip load of the same text: the least any YAML-configured tool pays.
"""

from __future__ import annotations

import argparse
import io
import time
from collections.abc import Callable
from pathlib import Path

from ruamel.yaml import YAML

from bench.report import replace_section
from bench.synthetic import synthetic_definition
from mentorflow.engine.definition.loader import load_text


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


# The loader caches programs by text; the benchmark measures the work itself.
uncached = load_text.__wrapped__


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    rows = []
    for style, text in (
        ("libyaml path", synthetic_definition(50, 10)),
        ("YAML 1.2 path", synthetic_definition(50, 10, questions=True)),
    ):
        uncached(text)  # warm imports
        ours = best_of(lambda t=text: uncached(t))
        base = best_of(lambda t=text: YAML(typ="rt").load(io.StringIO(t)))
        rows.append((style, len(text.splitlines()), ours, base))
    lines = [
        "| parser path | lines | Mentorflow load (s) | ruamel round-trip load (s) | ratio |",
        "|---|---|---|---|---|",
    ]
    for style, n, ours, base in rows:
        lines.append(f"| {style} | {n} | {ours:.3f} | {base:.3f} | {ours / base:.2f}x |")
    table = "\n".join(lines)
    print(table)
    if args.write:
        replace_section(args.write, "loader", table)


if __name__ == "__main__":
    main()
