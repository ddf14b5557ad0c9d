"""The project's import graph, read from the syntax tree: what the architecture tests check.

Kept apart from the tests so that the tests of the tests can feed it a made-up tree: a
check that could never fail would guard nothing.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Folder -> the import name it has once installed (pyproject's package-dir mapping).
PACKAGES = {
    "engine": "mentorflow.engine",
    "web": "mentorflow.web",
    "tests": "tests",
    "bench": "bench",
}


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the module imported (a project module, or an outside one's full name)
    line: int
    nested: bool  # inside a function: runs when called, not when the module loads


def module_name(path: Path, root: Path, prefix: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([prefix, *parts])


def modules(root: Path = ROOT, packages: dict[str, str] = PACKAGES) -> dict[str, Path]:
    """Every Python module of the project by import name."""
    found = {}
    for folder, prefix in packages.items():
        base = root / folder
        for path in sorted(base.rglob("*.py")):
            if ".venv" in path.parts:
                continue
            found[module_name(path, base, prefix)] = path
    return found


def _resolve(module: str, is_package: bool, level: int, name: str | None) -> str:
    """The absolute name of a relative import `from ..name import x` inside `module`."""
    if level == 0:
        return name or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, name] if name else base)


def imports(name: str, path: Path, known: Iterable[str]) -> Iterator[Import]:
    """The imports of one module; `from package import module` counts as the module."""
    known = set(known)
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    nested_lines = {
        node.lineno
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(func)
        if isinstance(node, ast.Import | ast.ImportFrom)
    }
    for node in ast.walk(tree):
        nested = getattr(node, "lineno", 0) in nested_lines
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(name, alias.name, node.lineno, nested)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(name, is_package, node.level, node.module)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield Import(name, full if full in known else base, node.lineno, nested)


def graph(found: dict[str, Path]) -> dict[str, list[Import]]:
    return {name: list(imports(name, path, found)) for name, path in found.items()}


def cycles(edges: dict[str, list[Import]]) -> list[list[str]]:
    """Every import loop between project modules (strongly connected components of more
    than one module, or a module importing itself), each as a sorted list of names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:  # Tarjan's algorithm
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for edge in edges.get(node, []):
            target = edge.target
            if target not in edges:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            loops_on_itself = any(e.target == node for e in edges.get(node, []))
            if len(component) > 1 or loops_on_itself:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def violations(edges: dict[str, list[Import]], sources: str, forbidden: Iterable[str]) -> list[str]:
    """`file:line imports target` for each import of a forbidden name (or below it) by a
    module under `sources`."""
    banned = tuple(forbidden)
    found = []
    for name, items in edges.items():
        if not (name == sources or name.startswith(sources + ".")):
            continue
        for item in items:
            if any(item.target == b or item.target.startswith(b + ".") for b in banned):
                found.append(f"{name}:{item.line} imports {item.target}")
    return found
