"""Load-time warnings: definitions that load and run, but can trap people.

A warning never stops a file from loading; `mentorflow validate` prints each one with its
position. Today there is one: a transition whose `requires.when` reads a field of a form
that locks once signed. Signed with the wrong answer, that form can no longer be edited,
so the step waits for ever unless the coordinator reopens the form as an amendment.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...errors import Problem
from .. import format as fmt
from ..conditions import Condition
from ..program import transition_sources
from ..yaml_source import Document, Path

AMEND_HINT = "if it is wrong once signed, the coordinator must amend the form"


def _fields_read(condition: Condition, path: Path) -> Iterator[tuple[str, Path]]:
    """Every `form.field` a condition reads, with the position of its `field` key."""
    if condition.all is not None or condition.any is not None:
        key = "all" if condition.all is not None else "any"
        for i, sub in enumerate(condition.all or condition.any or []):
            yield from _fields_read(sub, (*path, key, i))
    elif condition.not_ is not None:
        yield from _fields_read(condition.not_, (*path, "not"))
    elif condition.field is not None:
        yield condition.field, (*path, "field")


def lint_definition(doc: Document, definition: fmt.Definition) -> list[Problem]:
    """The warnings of a definition that passed every check."""
    found: list[Problem] = []
    for lifecycle_id, lc in definition.lifecycles.items():
        for i, t in enumerate(lc.transitions):
            if t.requires is None or t.requires.when is None:
                continue
            path: Path = ("lifecycles", lifecycle_id, "transitions", i, "requires", "when")
            for name, at in _fields_read(t.requires.when, path):
                form_id = name.partition(".")[0]
                form = definition.forms.get(form_id)
                if form is None or not form.signatures:
                    continue
                closed = [s for s in transition_sources(t, lc) if s not in form.open_in]
                where = (
                    f" (it can be amended only where it is open: add {', '.join(closed)} to "
                    f"its open_in)"
                    if closed
                    else ""
                )
                found.append(
                    doc.problem(
                        at,
                        f"'{t.id}' reads {name}, but form '{form_id}' locks once "
                        f"signed by {', '.join(form.signatures)}: {AMEND_HINT}{where}",
                    )
                )
    return sorted(set(found))
