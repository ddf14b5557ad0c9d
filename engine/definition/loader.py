"""Loading definitions: YAML, then the schema, then the cross-checks, then compiling.

Each phase reports every problem it finds, positioned in the file. A file with any
problem is never half-loaded: `load_*` either returns compiled programs or raises
`DefinitionError` carrying all problems of all files.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from ..errors import DefinitionError, Problem
from .checks import Checker
from .checks.forms import check_forms, check_roles
from .checks.lifecycles import check_lifecycles, check_matching, check_reports
from .checks.lint import lint_definition
from .checks.retention import check_retention
from .format import Definition
from .program import Program, compile_program
from .schema_errors import problems_from
from .yaml_source import MAX_FILE_BYTES, Document, read_yaml

DEFINITION_SUFFIXES = (".yaml", ".yml")


def check_definition(doc: Document) -> tuple[Definition | None, list[Problem]]:
    """The schema phase, then (only on a well-formed definition) the cross-checks."""
    try:
        definition = Definition.model_validate(doc.data)
    except ValidationError as exc:
        return None, problems_from(exc, doc, Definition)
    ck = Checker(doc, definition)
    for check in (
        check_forms,
        check_roles,
        check_lifecycles,
        check_matching,
        check_reports,
        check_retention,
    ):
        check(ck)
    return definition, sorted(set(ck.problems))


@functools.lru_cache(maxsize=64)
def load_text(text: str, file: str = "<definition>") -> Program:
    """Compile one definition given as text; raise DefinitionError listing every problem.

    Programs are immutable, so the same text under the same name compiles once per
    process (app factories and the command line may ask again for the same files).
    """
    doc, problems = read_yaml(text, file)
    if doc is None or problems:
        raise DefinitionError(problems)
    definition, problems = check_definition(doc)
    if definition is None or problems:
        raise DefinitionError(problems)
    pos = doc.position(("program", "id"))
    positions = {}
    for lifecycle_id in definition.lifecycles:
        at = doc.position(("lifecycles", lifecycle_id, "states"), key=True)
        positions[f"lifecycles.{lifecycle_id}.states"] = (at.line, at.col)
    program = compile_program(definition, file, (pos.line, pos.col), positions)
    return dataclasses.replace(program, warnings=tuple(lint_definition(doc, definition)))


def _read(path: Path, shown: str) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise DefinitionError(
            [Problem(shown, 1, 1, "", f"the file is larger than {MAX_FILE_BYTES // 1024} KiB")]
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DefinitionError([Problem(shown, 1, 1, "", "the file is not UTF-8 text")]) from None


def load_file(path: str | Path) -> Program:
    path = Path(path)
    return load_text(_read(path, str(path)), str(path))


def definition_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, and the definition files directly inside the folders named."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in DEFINITION_SUFFIXES))
        else:
            found.append(path)
    return found


def load_paths(paths: Iterable[str | Path]) -> dict[str, Program]:
    """Load every definition named (files or folders) as one installation.

    Raises DefinitionError with the problems of every file, including two files
    that claim the same program id.
    """
    programs: dict[str, Program] = {}
    problems: list[Problem] = []
    for path in definition_files(paths):
        if not path.is_file():
            problems.append(Problem(str(path), 1, 1, "", "no such file or folder"))
            continue
        try:
            program = load_file(path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
            continue
        other = programs.get(program.id)
        if other is not None:
            problems.append(
                Problem(
                    str(path),
                    *program.id_position,
                    "program.id",
                    f"program id '{program.id}' is already used by {other.source}",
                )
            )
            continue
        programs[program.id] = program
    if problems:
        raise DefinitionError(problems)
    return programs
