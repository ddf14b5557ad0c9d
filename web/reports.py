"""The program's reports for its staff: charts drawn on the server, tables, CSV export."""

from __future__ import annotations

import io
import textwrap

from flask import Blueprint, render_template, request
from flask_login import login_required
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.figures.reports import (
    FILTER_KEYS,
    Filters,
    Report,
    Row,
    csv_rows,
    format_value,
    read_filters,
    shown,
)
from mentorflow.engine.figures.summary import headlines
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_text

bp = Blueprint("reports", __name__)

# Sized to sit two to a row at desktop widths and nearly at the text's own size on a
# phone (it scales down to fit, and its text with it).
BAR_H, GAP, LINE_H, LABEL_W, BAR_W, PAD = 18, 6, 15, 172, 150, 4
# Characters of a label's line: 22 characters of mixed-case text at 13 px fit the label
# column, so a label wraps onto more lines and is never cut at either end.
LABEL_CHARS = 22


def _filters() -> tuple[Filters, list[str], dict[str, str]]:
    """The filters of the query string; a bad one is left out and said in words."""
    raw = {k: read_text(k).strip() for k in FILTER_KEYS}
    filters, problems = read_filters(raw)
    return filters, problems, raw


def bars(report: Report) -> list[Row]:
    """The rows drawn as bars: the chart's measure, totals left out (said beside it)."""
    return [r for r in report.rows if r.measure == report.chart_measure and not r.total]


def _groups(report: Report) -> set[str]:
    """The prefixes the bars are drawn under ("Mentee" of "Mentee: Applied")."""
    return {head for head, sep, rest in (r.item.partition(": ") for r in bars(report)) if rest}


def _group_totals(report: Report) -> dict[str, Row]:
    """Totals of a group of bars ("Mentee: all"), said in the group's heading."""
    groups = _groups(report)
    found: dict[str, Row] = {}
    for row in report.rows:
        head, _, rest = row.item.partition(": ")
        if row.total and row.measure == report.chart_measure and rest and head in groups:
            found.setdefault(head, row)
    return found


def totals(report: Report) -> list[Row]:
    """The totals of the chart's measure ("all", "answered") that no group heading of
    the chart says: said under the chart."""
    in_headings = set(_group_totals(report).values())
    return [
        r
        for r in report.rows
        if r.measure == report.chart_measure and r.total and r not in in_headings
    ]


def label_lines(label: str, chars: int = LABEL_CHARS) -> list[str]:
    return textwrap.wrap(label, chars, break_long_words=True) or [""]


def chart_svg(report: Report) -> Markup:
    """A horizontal bar chart of the parts; every bar carries its number. A suppressed
    figure is no bar at all, only the words 'fewer than N': a bar would have a length, and
    a length is a figure. Labels wrap onto as many lines as they need."""
    rows = bars(report)
    top = max((float(r.value) for r in rows if r.value is not None), default=0.0) or 1.0
    # Rows that share a prefix ("Mentee: Applied", "Mentee: Screened") are drawn under it,
    # once, so each bar's own label is short and the chart short with it.
    lines: list[tuple[str, Row | None, list[str]]] = []  # (kind, row, label lines)
    group = None
    sums = _group_totals(report)
    for row in rows:
        head, sep, rest = row.item.partition(": ")
        if sep and rest:
            if head != group:
                total = sums.get(head)
                heading = head
                if total is not None:
                    said = shown(total, report.min_group)
                    heading = f"{head} · {total.item.partition(': ')[2]}: {said}"
                # a heading has the whole width: no bar beside it
                lines.append(("group", None, label_lines(heading, 2 * LABEL_CHARS)))
            group, label = head, rest
        else:
            group, label = None, row.item
        lines.append(("bar", row, label_lines(label)))
    heights = [
        LINE_H * len(words) + 6 if kind == "group" else max(BAR_H, LINE_H * len(words) + 4)
        for kind, _, words in lines
    ]
    height = PAD * 2 + sum(h + GAP for h in heights)
    width = LABEL_W + BAR_W + 80
    rid = escape(report.id)
    described = "; ".join(
        f"{r.item}: {shown(r, report.min_group)}" for r in [*rows, *sums.values()]
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="chart-{rid} chart-{rid}-desc">',
        f'<title id="chart-{rid}">{escape(report.title)} ({escape(report.chart_measure)})</title>',
        f'<desc id="chart-{rid}-desc">{escape(described)}</desc>',
    ]
    y = PAD
    for (kind, found, words), row_h in zip(lines, heights, strict=True):
        first = y + (row_h - LINE_H * len(words)) / 2 + 11
        spans = "".join(
            f'<tspan x="4" y="{first + i * LINE_H:.0f}">{escape(line)}</tspan>'
            for i, line in enumerate(words)
        )
        if kind == "group" or found is None:
            parts.append(f'<text font-size="13" font-weight="700" class="group">{spans}</text>')
            y += row_h + GAP
            continue
        row = found
        parts.append(f'<text font-size="13" class="label">{spans}</text>')
        bar_y = y + (row_h - BAR_H) / 2
        text_y = bar_y + BAR_H / 2 + 4
        if row.suppressed:
            parts.append(
                f'<text x="{LABEL_W}" y="{text_y:.0f}" font-size="13" font-style="italic" '
                f'fill="#3d4551" class="suppressed">{escape(shown(row, report.min_group))}</text>'
            )
        else:
            length = BAR_W * float(row.value or 0) / top
            parts.append(
                f'<rect x="{LABEL_W}" y="{bar_y:.0f}" width="{length:.0f}" height="{BAR_H}" '
                'fill="#005ea2" class="bar"/>'
                f'<text x="{LABEL_W + length + 6:.0f}" y="{text_y:.0f}" font-size="13">'
                f"{escape(format_value(row.value))}</text>"
            )
        y += row_h + GAP
    parts.append("</svg>")
    return Markup("".join(parts))


@bp.get("/p/<program_id>/reports")
@login_required
def page(program_id: str) -> tuple[str, int]:
    filters, problems, raw = _filters()
    wf = workflow()
    reports = wf.reports(program_id, actor(), filters)
    program = wf.program(program_id)
    # A chart with no bar to draw (every figure a total) is no chart: its table says it.
    charts = {r.id: chart_svg(r) for r in reports if r.chart == "bar" and bars(r)}
    html = render_template(
        "coordinator/reports.html",
        program=program,
        headlines=headlines(program, reports),
        reports=reports,
        charts=charts,
        totals=totals,
        problems=problems,
        raw=raw,
        shown=shown,
        query=request.query_string.decode(),
    )
    return html, 400 if problems else 200


@bp.get("/p/<program_id>/reports.csv")
@login_required
def export(program_id: str) -> Response:
    filters, problems, _ = _filters()
    reports = workflow().reports(program_id, actor(), filters)  # refusals come first
    if problems:
        return Response(" ".join(problems) + "\n", status=400, mimetype="text/plain")
    out = io.StringIO()
    write_rows(out, None, csv_rows(reports), lineterminator="\r\n")
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{program_id}-reports.csv"'
    return response
