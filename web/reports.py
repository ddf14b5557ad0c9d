"""The program's reports for its staff: charts drawn on the server, tables, CSV export."""

from __future__ import annotations

import io

from flask import Blueprint, render_template, request
from flask_login import login_required
from markupsafe import Markup, escape
from werkzeug.wrappers import Response

from mentorflow.engine.figures.csv_cells import write_rows
from mentorflow.engine.figures.reports import (
    FILTER_KEYS,
    Filters,
    Report,
    csv_rows,
    format_value,
    read_filters,
    shown,
)
from mentorflow.web.boundary import actor, workflow
from mentorflow.web.params import read_text

bp = Blueprint("reports", __name__)

BAR_H, GAP, LABEL_W, BAR_W, PAD = 22, 8, 260, 300, 8


def _filters() -> tuple[Filters, list[str], dict[str, str]]:
    """The filters of the query string; a bad one is left out and said in words."""
    raw = {k: read_text(k).strip() for k in FILTER_KEYS}
    filters, problems = read_filters(raw)
    return filters, problems, raw


def chart_svg(report: Report) -> Markup:
    """A horizontal bar chart; every bar carries its number, and a suppressed one is drawn
    as a hatched outline with the words 'fewer than N' (never colour alone)."""
    rows = [r for r in report.rows if r.measure == report.chart_measure]
    top = max((float(r.value) for r in rows if r.value is not None), default=0.0) or 1.0
    height = PAD * 2 + len(rows) * (BAR_H + GAP)
    width = LABEL_W + BAR_W + 130
    rid = escape(report.id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-{rid}">',
        f'<title id="chart-{rid}">{escape(report.title)} ({escape(report.chart_measure)})</title>',
        f'<defs><pattern id="hatch-{rid}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#71767a" '
        'stroke-width="2"/></pattern></defs>',
    ]
    for i, row in enumerate(rows):
        y = PAD + i * (BAR_H + GAP)
        text_y = y + BAR_H / 2 + 5
        parts.append(
            f'<text x="{LABEL_W - 6}" y="{text_y:.0f}" text-anchor="end" font-size="13">'
            f"{escape(row.item[:40])}</text>"
        )
        if row.suppressed:
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{BAR_W / 4:.0f}" height="{BAR_H}" '
                f'fill="url(#hatch-{rid})" stroke="#71767a" stroke-dasharray="3 2" '
                'class="suppressed"/>'
                f'<text x="{LABEL_W + BAR_W / 4 + 6:.0f}" y="{text_y:.0f}" font-size="13">'
                f"{escape(shown(row, report.min_group))}</text>"
            )
        else:
            length = BAR_W * float(row.value or 0) / top
            parts.append(
                f'<rect x="{LABEL_W}" y="{y}" width="{length:.0f}" height="{BAR_H}" '
                'fill="#005ea2" class="bar"/>'
                f'<text x="{LABEL_W + length + 6:.0f}" y="{text_y:.0f}" font-size="13">'
                f"{escape(format_value(row.value))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


@bp.get("/p/<program_id>/reports")
@login_required
def page(program_id: str) -> tuple[str, int]:
    filters, problems, raw = _filters()
    wf = workflow()
    reports = wf.reports(program_id, actor(), filters)
    charts = {r.id: chart_svg(r) for r in reports if r.chart == "bar"}
    html = render_template(
        "coordinator/reports.html",
        program=wf.program(program_id),
        reports=reports,
        charts=charts,
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
