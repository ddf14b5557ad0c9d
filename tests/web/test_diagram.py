"""The lifecycle diagram draws every state's whole label, wrapped onto lines inside a
box that grows to hold them: never cut ("Waiting for district e")."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mentorflow import engine
from mentorflow.web.diagram import lifecycle_svg
from tests.conftest import SMALL
from tests.web.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"
LONG = "Waiting for district engineer approval before screening"  # 56 characters


def drawn(text: str) -> ET.Element:
    program = engine.load_text(text, "small.yaml")
    return ET.fromstring(str(lifecycle_svg(program.lifecycle_of("mentee"))))


def boxes(svg: ET.Element) -> dict[str, tuple[ET.Element, list[str]]]:
    """Each state's label as drawn (its lines joined) -> its box and its lines."""
    found = {}
    for group in svg.iter(f"{SVG}g"):
        rect = group.find(f"{SVG}rect")
        text = group.find(f"{SVG}text")
        assert rect is not None and text is not None
        lines = [t.text or "" for t in text.iter(f"{SVG}tspan")] or [text.text or ""]
        found[" ".join(lines)] = (rect, lines)
    return found


def test_a_long_state_label_is_wrapped_whole_and_its_box_grows() -> None:
    svg = drawn(
        SMALL.read_text().replace("applied: {label: Applied,", f"applied: {{label: {LONG},")
    )
    found = boxes(svg)
    assert LONG in found, list(found)
    rect, lines = found[LONG]
    assert len(lines) >= 3
    width = float(rect.get("width", 0))
    assert all(len(line) * 7 <= width for line in lines), lines  # each line fits its box
    short_rect, short_lines = found["Screened"]
    assert short_lines == ["Screened"]
    assert float(rect.get("height", 0)) > float(short_rect.get("height", 0))
    # Boxes of one column never overlap, and the picture is tall enough for them all.
    rects = sorted(
        (float(r.get("x", 0)), float(r.get("y", 0)), float(r.get("height", 0)))
        for r, _ in found.values()
    )
    for (x1, y1, h1), (x2, y2, _) in zip(rects, rects[1:], strict=False):
        if x1 == x2:
            assert y1 + h1 < y2
    assert all(y + h <= float(svg.get("height", 0)) for _, y, h in rects)


def test_every_label_of_the_examples_is_whole() -> None:
    for path in sorted((ROOT / "definitions").glob("*.yaml")):
        program = engine.load_file(path)
        for role in program.roles:
            lifecycle = program.lifecycle_of(role)
            found = boxes(ET.fromstring(str(lifecycle_svg(lifecycle))))
            for state in lifecycle.states.values():
                assert state.label in found, (path.name, state.label)
