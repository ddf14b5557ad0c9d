"""A synthetic definition of any size, for benchmarks: `forms` forms of `fields` fields."""

from __future__ import annotations

_TYPES = [
    "{{id: f{i}, label: Field {i}, type: text, max_length: 120}}",
    "{{id: f{i}, label: Field {i}, type: number, min: 0, max: 100}}",
    "{{id: f{i}, label: Field {i}, type: choice, choices: areas}}",
    "{{id: f{i}, label: Field {i}, type: multichoice, choices: areas}}",
    "{{id: f{i}, label: Field {i}, type: date, max: today}}",
    "{{id: f{i}, label: Field {i}, type: boolean}}",
    "{{id: f{i}, label: Field {i}, type: textarea, show_if: {{field: f{prev}, is_set: true}}}}",
]


def synthetic_definition(
    forms: int = 50, fields_per_form: int = 10, questions: bool = False
) -> str:
    """`questions`: labels end in '?' inside flow mappings, as people write them; valid
    YAML 1.2 that libyaml (YAML 1.1) refuses, so the pure-Python parser reads it."""
    lines = [
        "format: 1",
        "program: {id: synthetic, title: Synthetic, agency: Bench, revision: 1,",
        "          contact: {name: A, email: a@example.gov}}",
        "choices:",
        "  areas: [Leadership, Budgeting, Writing, Policy, Engineering]",
        "roles:",
        "  mentee: {label: Mentee, apply_form: form0, lifecycle: mentee}",
        "  mentor: {label: Mentor, apply_form: form1, lifecycle: mentor}",
        "forms:",
    ]
    for n in range(forms):
        filled_by = {0: "mentee", 1: "mentor"}.get(n, "pair")
        lines += [
            f"  form{n}:",
            f"    title: Form {n}",
            f"    filled_by: {filled_by}",
            "    open_in: [applied]" if n < 2 else "    open_in: [active]",
            "    sections:",
            "      - fields:",
        ]
        for i in range(fields_per_form):
            line = _TYPES[i % len(_TYPES)].format(i=i, prev=i - 1)
            if questions:
                line = line.replace(f"label: Field {i},", f"label: Field {i}?,")
            lines.append("          - " + line)
    lines += [
        "lifecycles:",
        "  mentee:",
        "    initial: applied",
        "    states:",
        "      applied: {label: Applied}",
        "      active: {label: Active}",
        "      closed: {label: Closed, final: true, outcome: completed}",
        "    transitions:",
        "      - {id: start, label: Start, from: applied, to: active, by: [coordinator]}",
        "      - {id: close, label: Close, from: active, to: closed, by: [coordinator]}",
        "  mentor:",
        "    initial: applied",
        "    states:",
        "      applied: {label: Applied}",
        "      left: {label: Left, final: true}",
        "    transitions:",
        "      - {id: leave, label: Leave, from: applied, to: left, by: [mentor]}",
    ]
    return "\n".join(lines) + "\n"
