"""Load-time checks of lifecycles, matching criteria and reports."""

from __future__ import annotations

from collections import deque

from ...errors import known_list, suggest
from .. import format as fmt
from ..fields import AnyField, choice_values, kind_of
from ..program import form_owner, transition_sources
from ..yaml_source import Path
from . import Checker, Resolver, check_condition


def _answers_on(ck: Checker, lifecycle_id: str) -> Resolver:
    """Resolve `form.field` against the forms filled on enrollments of this lifecycle."""
    forms = [f for f in ck.definition.forms if ck.lifecycle_of_form(f) == lifecycle_id]

    def resolve(name: str) -> AnyField | str:
        form_id, dot, field_id = name.partition(".")
        if not dot:
            return f"name the form as well: '<form>.{name}' (forms here: {', '.join(forms)})"
        d = ck.definition
        meant = ck.meant_owner(form_id)
        # A form whose open_in says it belongs here is reported there, with the fix.
        misplaced = meant is not None and getattr(d.roles, meant).lifecycle == lifecycle_id
        if form_id in d.forms and form_id not in forms and not misplaced:
            owner = form_owner(d.forms[form_id])
            role = ck.movable_to(form_id, lifecycle_id)
            if role is not None and role != owner:
                fix = f"write `on: {role}` in" if d.forms[form_id].on else f"add `on: {role}` to"
                return f"form '{form_id}' is filled on the {owner}'s enrollment, not the {role}'s: {fix} the form so it is filled on the {role}'s enrollment"
            return f"form '{form_id}' is filled on the {owner}'s enrollment, not on this one {known_list(forms)}"
        if form_id not in forms and not misplaced:
            return f"no form '{form_id}' on this enrollment{suggest(form_id, forms)} {known_list(forms)}"
        fields = ck.form_fields(form_id)
        if field_id not in fields:
            return f"no field '{field_id}' in form '{form_id}'{suggest(field_id, fields)} {known_list(fields)}"
        return fields[field_id]

    return resolve


def _elsewhere(
    ck: Checker,
    form_id: str,
    lifecycle_id: str,
    path: Path,
    on_here: list[str] | None,
    state: str | None = None,
) -> None:
    """A form named here that is filled on the other enrollment: say so, and the fix.
    `state`: the state it must be open in (a reminder's)."""
    form = ck.definition.forms[form_id]
    also = f" and add '{state}' to its open_in" if state and state not in form.open_in else ""
    meant = ck.meant_owner(form_id)
    if meant is not None and getattr(ck.definition.roles, meant).lifecycle == lifecycle_id:
        if also:
            ck.error(path, f"form '{form_id}' cannot be filled in state '{state}' ({also[5:]})")
        return  # else the form's open_in already says it belongs here, with the fix (`on:`)
    owner = form_owner(form)
    role = ck.movable_to(form_id, lifecycle_id)
    if role is not None and role != owner:
        fix = f"write `on: {role}` in" if form.on is not None else f"add `on: {role}` to"
        ck.error(
            path,
            f"form '{form_id}' is filled on the {owner}'s enrollment, not the {role}'s: {fix} the form so it is filled on the {role}'s enrollment{also}",
        )
        return
    if on_here is None:
        ck.error(
            path,
            f"form '{form_id}' cannot be filled in state '{state}' of this lifecycle (it is filled on the {owner}'s enrollment)",
        )
        return
    ck.error(
        path,
        f"form '{form_id}' is not filled on this enrollment (it is filled on the {owner}'s) {known_list(on_here)}",
    )


def _reachable(starts: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for nxt in edges.get(queue.popleft(), ()):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _check_transition(
    ck: Checker, lifecycle_id: str, lc: fmt.Lifecycle, t: fmt.Transition, path: Path
) -> None:
    d = ck.definition
    states = lc.states
    roles = ck.roles_of_lifecycle(lifecycle_id)
    names = [t.from_] if isinstance(t.from_, str) else list(t.from_)
    for i, source in enumerate(names):
        where = (*path, "from") if isinstance(t.from_, str) else (*path, "from", i)
        if source == "*":
            continue
        if source not in states:
            ck.unknown(where, "state", source, states)
        elif states[source].final:
            ck.error(where, f"'{source}' is a final state: nothing may leave it")
    if t.to not in states:
        ck.unknown((*path, "to"), "state", t.to, states)
    if not t.by and not t.auto:
        ck.error(
            (*path, "id"), "nobody may take this transition: list who in by, or make it auto: true"
        )
    if "supervisor" in t.by and not any(ck.has_supervisor_link(r) for r in roles):
        ck.error(
            (*path, "by"),
            "a supervisor can act only where the apply form has an email field with link: supervisor",
        )
    if t.auto and t.requires is None:
        ck.error(
            (*path, "auto"),
            "an auto transition needs requires: it is taken as soon as its guards hold",
        )
    if t.ask is not None and t.ask not in d.forms:
        ck.unknown((*path, "ask"), "form", t.ask, d.forms)
    requires = t.requires
    if requires is None:
        return
    on_here = [f for f in d.forms if ck.lifecycle_of_form(f) == lifecycle_id]
    for i, form_id in enumerate(requires.forms):
        if form_id not in d.forms:
            ck.unknown((*path, "requires", "forms", i), "form", form_id, d.forms)
        elif form_id not in on_here:
            _elsewhere(ck, form_id, lifecycle_id, (*path, "requires", "forms", i), on_here)
    if requires.partner and "mentee" not in roles:
        ck.error(
            (*path, "requires", "partner"),
            "partner applies to the mentee lifecycle, which carries the relationship",
        )
    if requires.when is not None:
        check_condition(
            ck, requires.when, (*path, "requires", "when"), _answers_on(ck, lifecycle_id)
        )
    _check_since_entering(ck, lifecycle_id, lc, t, (*path, "requires"))


def _check_since_entering(
    ck: Checker, lifecycle_id: str, lc: fmt.Lifecycle, t: fmt.Transition, path: Path
) -> None:
    """`fresh_forms` name forms that can be filled in a state the transition leaves from;
    `min_days_since` names a state entered before one of those states."""
    requires = t.requires
    assert requires is not None
    d = ck.definition
    sources = [s for s in transition_sources(t, lc) if s in lc.states]
    on_here = [f for f in d.forms if ck.lifecycle_of_form(f) == lifecycle_id]
    for i, form_id in enumerate(requires.fresh_forms):
        where = (*path, "fresh_forms", i)
        if form_id not in d.forms:
            ck.unknown(where, "form", form_id, d.forms)
        elif form_id not in on_here:
            _elsewhere(ck, form_id, lifecycle_id, where, on_here)
        elif sources and not set(sources) & set(d.forms[form_id].open_in):
            ck.error(
                where,
                f"form '{form_id}' cannot be filled in {', '.join(repr(s) for s in sources)}, "
                "where this transition starts: no entry could be made since entering it "
                f"(add {sources[0]!r} to its open_in)",
            )
    since = requires.min_days_since
    if since is None:
        return
    if since.state not in lc.states:
        ck.unknown((*path, "min_days_since", "state"), "state", since.state, lc.states)
        return
    edges: dict[str, set[str]] = {}
    for other in lc.transitions:
        for source in transition_sources(other, lc):
            edges.setdefault(source, set()).add(other.to)
    if sources and not set(sources) & _reachable({since.state}, edges):
        ck.error(
            (*path, "min_days_since", "state"),
            f"state '{since.state}' is never entered before this transition "
            f"(it leaves from {', '.join(sources)}), so its days could never be counted",
        )


def _check_states(ck: Checker, lifecycle_id: str, lc: fmt.Lifecycle, base: Path) -> None:
    d = ck.definition
    for name, state in lc.states.items():
        path: Path = (*base, "states", name)
        if state.outcome is not None and not state.final:
            ck.error((*path, "outcome"), "outcome belongs to final states only")
        reminder = state.reminder
        if reminder is None:
            continue
        if state.final:
            ck.error(
                (*path, "reminder"), "a final state has nothing left to remind anyone of", key=True
            )
        without = reminder.without
        if without is None:
            continue
        if without not in d.forms:
            ck.unknown((*path, "reminder", "without"), "form", without, d.forms)
        elif ck.lifecycle_of_form(without) != lifecycle_id:
            _elsewhere(ck, without, lifecycle_id, (*path, "reminder", "without"), None, name)
        elif name not in d.forms[without].open_in:
            ck.error(
                (*path, "reminder", "without"),
                f"form '{without}' cannot be filled in state '{name}' of this lifecycle (add '{name}' to its open_in)",
            )


def check_lifecycles(ck: Checker) -> None:
    for lifecycle_id, lc in ck.definition.lifecycles.items():
        base: Path = ("lifecycles", lifecycle_id)
        states = lc.states
        if lc.initial not in states:
            ck.unknown((*base, "initial"), "state", lc.initial, states)
        seen_ids: set[str] = set()
        edges: dict[str, set[str]] = {}
        back: dict[str, set[str]] = {}
        for i, t in enumerate(lc.transitions):
            path: Path = (*base, "transitions", i)
            if t.id in seen_ids:
                ck.error((*path, "id"), f"duplicate transition id '{t.id}'")
            seen_ids.add(t.id)
            _check_transition(ck, lifecycle_id, lc, t, path)
            for source in transition_sources(t, lc):
                edges.setdefault(source, set()).add(t.to)
                back.setdefault(t.to, set()).add(source)
        _check_states(ck, lifecycle_id, lc, base)
        named = {lc.initial, *(t.to for t in lc.transitions)}
        named |= {s for t in lc.transitions for s in transition_sources(t, lc)}
        if not named <= set(states):
            continue  # unknown states are reported; reachability would only echo them
        finals = {s for s, state in states.items() if state.final}
        if not finals:
            ck.error(
                (*base, "states"),
                "no final state: mark where the program ends with final: true",
                key=True,
            )
            continue
        reachable = _reachable({lc.initial}, edges)
        can_finish = _reachable(finals, back)
        for name, state in states.items():
            if name not in reachable:
                ck.error(
                    (*base, "states", name),
                    f"state '{name}' cannot be reached from the initial state '{lc.initial}'",
                    key=True,
                )
            elif not state.final and name not in can_finish:
                ck.error(
                    (*base, "states", name),
                    f"no final state can be reached from state '{name}' (a dead end)",
                    key=True,
                )


def _criterion_fits(kind: str, mentee: AnyField, mentor: AnyField) -> str | None:
    if kind in ("near", "at_least"):
        if kind_of(mentee).numeric and kind_of(mentor).numeric:
            return None
        return f"{kind} compares two number fields; got {mentee.type} and {mentor.type}"
    if not kind_of(mentee).has_choices or not kind_of(mentor).has_choices:
        return f"{kind} compares choice or multichoice fields; got {mentee.type} and {mentor.type}"
    if not choice_values(mentee) or not choice_values(mentor):
        return None  # an unknown choice list, reported where it is named
    if set(choice_values(mentee)) != set(choice_values(mentor)):
        return f"{kind} needs both fields to offer the same choices (use one shared list under choices)"
    return None


def check_matching(ck: Checker) -> None:
    d = ck.definition
    matching = d.matching
    if matching is None:
        return
    base: Path = ("matching",)
    mentee_lc = d.lifecycles.get(d.roles.mentee.lifecycle)
    mentor_lc = d.lifecycles.get(d.roles.mentor.lifecycle)
    if mentee_lc is not None:
        found = next((t for t in mentee_lc.transitions if t.id == matching.on_match), None)
        if found is None:
            ck.unknown(
                (*base, "on_match"),
                "mentee transition",
                matching.on_match,
                [t.id for t in mentee_lc.transitions],
            )
        elif found.requires is None or not found.requires.partner:
            ck.error(
                (*base, "on_match"),
                f"transition '{found.id}' must have requires: {{partner: true}}, since confirming a match assigns the mentor",
            )
    if mentor_lc is not None:
        for i, state in enumerate(matching.mentor_states or []):
            if state not in mentor_lc.states:
                ck.unknown((*base, "mentor_states", i), "mentor state", state, mentor_lc.states)
            elif mentor_lc.states[state].final:
                ck.error(
                    (*base, "mentor_states", i),
                    f"'{state}' is a final state: mentors there have left the program",
                )
    mentee_fields = ck.form_fields(d.roles.mentee.apply_form)
    mentor_fields = ck.form_fields(d.roles.mentor.apply_form)
    if not mentee_fields or not mentor_fields:
        return  # an unknown apply form, reported under roles
    seen: set[str] = set()
    for i, c in enumerate(matching.criteria):
        path: Path = (*base, "criteria", i)
        if c.id in seen:
            ck.error((*path, "id"), f"duplicate criterion id '{c.id}'")
        seen.add(c.id)
        mentee = mentee_fields.get(c.mentee)
        mentor = mentor_fields.get(c.mentor)
        if mentee is None:
            ck.unknown(
                (*path, "mentee"),
                f"field in the mentee apply form '{d.roles.mentee.apply_form}' named",
                c.mentee,
                mentee_fields,
            )
        if mentor is None:
            ck.unknown(
                (*path, "mentor"),
                f"field in the mentor apply form '{d.roles.mentor.apply_form}' named",
                c.mentor,
                mentor_fields,
            )
        if mentee is not None and mentor is not None:
            problem = _criterion_fits(c.kind, mentee, mentor)
            if problem:
                ck.error((*path, "kind"), problem)
        if c.margin is not None and c.kind not in ("near", "at_least"):
            ck.error((*path, "margin"), f"margin applies to near and at_least, not {c.kind}")


def check_reports(ck: Checker) -> None:
    d = ck.definition
    seen: set[str] = set()
    for i, report in enumerate(d.reports):
        path: Path = ("reports", i)
        if report.id in seen:
            ck.error((*path, "id"), f"duplicate report id '{report.id}'")
        seen.add(report.id)
        if report.form not in d.forms:
            ck.unknown((*path, "form"), "form", report.form, d.forms)
            continue
        fields = ck.form_fields(report.form)
        found = fields.get(report.field)
        if found is None:
            ck.unknown(
                (*path, "field"), f"field in form '{report.form}' named", report.field, fields
            )
        elif not kind_of(found).reportable:
            ck.error(
                (*path, "field"),
                f"'{report.field}' is a {found.type} field; reports count choice, multichoice, boolean, consent or number answers",
            )
        elif _never_answered(d, report.form):
            ck.error(
                (*path, "form"),
                f"nobody ever fills in '{report.form}': it is asked only by automatic steps (auto: true, no by), "
                "which take no answers, so this report would always count 0; let people take the step "
                "(by: [...]), or report on a form people fill in",
            )


def _never_answered(d: fmt.Definition, form_id: str) -> bool:
    """Whether a form is filled only as the `ask` form of steps nobody takes by hand: a
    report on it could only ever say zero (never a silent zero: refused at load)."""
    form = d.forms[form_id]
    if form.open_in or form_id in (d.roles.mentee.apply_form, d.roles.mentor.apply_form):
        return False
    asking = [t for lc in d.lifecycles.values() for t in lc.transitions if t.ask == form_id]
    return bool(asking) and all(t.auto and not t.by for t in asking)
