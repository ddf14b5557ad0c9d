"""The lifecycle as a picture: a server-drawn SVG, states in columns by distance from the start.

No script and no external library: the picture is plain SVG in the page, and the same
lifecycle is listed as text beside it for people who do not see it. A state's label is
drawn whole, wrapped onto as many lines as it needs (one `tspan` each), its box as tall
as its lines; boxes of a column stack by their heights.
"""

from __future__ import annotations

import textwrap
from collections import deque

from markupsafe import Markup, escape

from mentorflow.engine.definition.program import Lifecycle

BOX_W, BOX_H, GAP_X, GAP_Y, PAD = 150, 44, 70, 26, 16
# A line of a label: at most this many characters (about 7 px each at the diagram's
# font size leaves a margin in a box BOX_W wide), LINE px apart.
LINE_CHARS, LINE = 19, 16


def label_lines(label: str) -> list[str]:
    """A label wrapped at spaces onto lines of LINE_CHARS at most; a longer word is split
    (never dropped)."""
    return textwrap.wrap(label, LINE_CHARS, break_on_hyphens=False) or [""]


def _box_height(lines: int) -> int:
    return max(BOX_H, lines * LINE + 2 * 8)


def _columns(lifecycle: Lifecycle) -> dict[str, int]:
    depth = {lifecycle.initial: 0}
    queue = deque([lifecycle.initial])
    while queue:
        state = queue.popleft()
        for t in lifecycle.leaving(state):
            if t.dest not in depth:
                depth[t.dest] = depth[state] + 1
                queue.append(t.dest)
    last = max(depth.values(), default=0) + 1
    return {s: depth.get(s, last) for s in lifecycle.states}


def lifecycle_svg(lifecycle: Lifecycle) -> Markup:
    columns = _columns(lifecycle)
    lines = {state: label_lines(spec.label) for state, spec in lifecycle.states.items()}
    heights = {state: _box_height(len(found)) for state, found in lines.items()}
    bottom: dict[int, int] = {}  # per column, where the next box goes
    place: dict[str, tuple[int, int]] = {}
    for state in lifecycle.states:
        col = columns[state]
        y = bottom.get(col, PAD)
        place[state] = (PAD + col * (BOX_W + GAP_X), y)
        bottom[col] = y + heights[state] + GAP_Y
    width = PAD * 2 + (max(columns.values()) + 1) * (BOX_W + GAP_X) - GAP_X
    height = max(bottom.values()) - GAP_Y + PAD
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lifecycle" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="lc-{escape(lifecycle.id)}">',
        f'<title id="lc-{escape(lifecycle.id)}">Lifecycle {escape(lifecycle.id)}: '
        f"{len(lifecycle.states)} states, {len(lifecycle.transitions)} transitions</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    for t in lifecycle.transitions.values():
        for source in t.sources:
            if source not in place or t.dest not in place:
                continue
            (x1, y1), (x2, y2) = place[source], place[t.dest]
            if source == t.dest:
                continue
            h1, h2 = heights[source], heights[t.dest]
            start = (x1 + BOX_W, y1 + h1 / 2) if x2 > x1 else (x1, y1 + h1 / 2)
            end = (x2, y2 + h2 / 2) if x2 > x1 else (x2 + BOX_W, y2 + h2 / 2)
            if x1 == x2:
                start, end = (x1 + BOX_W / 2, y1 + h1), (x2 + BOX_W / 2, y2)
                if y2 < y1:
                    start, end = (x1 + BOX_W / 2, y1), (x2 + BOX_W / 2, y2 + h2)
            dashed = ' stroke-dasharray="5 3"' if x2 < x1 or t.auto else ""
            parts.append(
                f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
                f'class="edge" marker-end="url(#arrow)"{dashed}><title>{escape(t.label)}</title></line>'
            )
    for state, (x, y) in place.items():
        final = state in lifecycle.finals
        middle = x + BOX_W / 2
        top = y + (heights[state] - len(lines[state]) * LINE) / 2 + 12  # the first baseline
        spans = "".join(
            f'<tspan x="{middle:.0f}" y="{top + i * LINE:.0f}">{escape(line)}</tspan>'
            for i, line in enumerate(lines[state])
        )
        parts.append(
            f'<g class="state{" final" if final else ""}{" initial" if state == lifecycle.initial else ""}">'
            f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{heights[state]}" rx="8" '
            f'stroke-width="{3 if final else 1.5}"/>'
            f'<text text-anchor="middle">{spans}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
