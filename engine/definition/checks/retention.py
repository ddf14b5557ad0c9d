"""Load-time checks of the retention schedule: each rule names one role or one form that
exists, and no role or form has two rules (which one would win is anybody's guess)."""

from __future__ import annotations

from ..yaml_source import Path
from . import Checker


def check_retention(ck: Checker) -> None:
    d = ck.definition
    seen: set[tuple[str, str]] = set()
    for i, rule in enumerate(d.retention):
        path: Path = ("retention", i)
        if rule.role is not None and rule.form is not None:
            ck.error(path, "a retention rule names a role or a form, not both")
            continue
        if rule.role is None and rule.form is None:
            ck.error(path, "a retention rule names a role or a form it applies to")
            continue
        kind, name = ("role", rule.role) if rule.role is not None else ("form", rule.form)
        assert name is not None
        if kind == "form" and name not in d.forms:
            ck.unknown((*path, "form"), "form", name, d.forms)
            continue
        if (kind, name) in seen:
            ck.error((*path, kind), f"a second retention rule for {kind} '{name}'")
        seen.add((kind, name))
