"""The reports page reads well: headline figures first, each chart with its table one
click away, labels whole however long, totals beside the bars rather than among them,
suppressed figures as words with no bar, and a note where imports skipped a step."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from mentorflow.engine.figures.reports import Report, Row
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.web.reports import LABEL_CHARS, chart_svg
from tests.support import unique
from tests.web.conftest import World

SMALL_PROGRAM = "small-program"
SVG = "{http://www.w3.org/2000/svg}"
CHART = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', re.S)


@pytest.fixture(scope="module")
def page(world: World) -> str:
    """The small program's reports: five mentees imported straight into Matched (past
    Screened), one who applied and was declined."""
    wf = world.workflow
    lines = ["name,email,supervisor_email,years_of_service,interests,style"]
    for i in range(5):
        lines.append(f"Imported {i},{unique('imp')},{unique('boss')},1.5,Leadership,hands_on")
    wf.import_applications(
        SMALL_PROGRAM, "mentee", "\n".join(lines) + "\n", state="matched", actor=SYSTEM_ACTOR
    )
    declined = f"Declined,{unique('dec')},{unique('boss')},1.5,Leadership,hands_on"
    (one,) = wf.import_applications(
        SMALL_PROGRAM, "mentee", lines[0] + "\n" + declined + "\n", actor=SYSTEM_ACTOR
    ).enrollment_ids
    wf.take(one, "decline", world.other_coordinator)
    response = world.browser(world.other_coordinator).get(f"/p/{SMALL_PROGRAM}/reports")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, report_id: str) -> str:
    start = page.index(f'data-report="{report_id}"')
    return page[start : page.index("</section>", start)]


def chart_rows(svg: str) -> tuple[list[str], list[ET.Element], list[str]]:
    """A chart's bar labels (wrapped lines joined), its bars, and its suppressed words."""
    root = ET.fromstring(svg)
    labels = [
        " ".join(t.text or "" for t in text.iter(f"{SVG}tspan"))
        for text in root.iter(f"{SVG}text")
        if text.get("class") == "label"
    ]
    words = [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "suppressed"]
    return labels, list(root.iter(f"{SVG}rect")), words


def test_headline_figures_come_first(page: str) -> None:
    headlines = page.index('class="report-headlines"')
    assert headlines < page.index("data-report=")
    block = page[headlines : page.index("</section>", headlines)]
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd><a [^>]+>([^<]+)</a></dd>", block))
    assert figures["Mentee enrollments"] == "6"
    assert figures["Mentees matched"] == "0"
    assert figures["Completed"] == "0"
    assert "Responses: Evaluation" in figures


def test_each_chart_has_its_table_one_click_away(page: str) -> None:
    charts = CHART.findall(page)
    assert len(charts) >= 4
    for report_id in ("enrollments_by_state", "funnel"):
        block = section(page, report_id)
        assert block.index("<svg") < block.index("<details") < block.index("<table")
        assert block.count("<table") == 1  # the table once, folded away
        assert '<th scope="col">Value</th>' in block
        # the chart's text alternative names every figure
        assert "<title" in block and "<desc" in block


def test_totals_are_said_beside_the_bars_not_drawn_among_them(page: str) -> None:
    block = section(page, "enrollments_by_state")
    svg = CHART.findall(block)[0]
    labels, _, _ = chart_rows(svg)
    assert "Applied" in labels
    assert not any(label in ("all", "Mentee: all", "answered") for label in labels)
    # a group's total in its heading, as words
    headings = [
        " ".join(t.text or "" for t in text.iter(f"{SVG}tspan"))
        for text in ET.fromstring(svg).iter(f"{SVG}text")
        if text.get("class") == "group"
    ]
    assert headings == ["Mentee · all: 6", "Mentor · all: 0"]
    usefulness = section(page, "usefulness")
    labels, _, _ = chart_rows(CHART.findall(usefulness)[0])
    assert "answered" not in labels
    caption = usefulness[usefulness.index("<figcaption") : usefulness.index("</figcaption>")]
    assert "answered: <strong>0</strong> people" in caption


def test_a_suppressed_figure_is_words_and_no_bar(page: str) -> None:
    block = section(page, "enrollments_by_state")
    labels, bars, words = chart_rows(CHART.findall(block)[0])
    # Not accepted 1: hidden, and Matched 5 with it (6 - 1 would tell).
    assert words == ["fewer than 3", "fewer than 3"]
    values = [float(b.get("width") or 0) for b in bars]
    assert len(bars) + len(words) == len(labels), "a suppressed figure drawn as a bar"
    assert all(b.get("class") == "bar" for b in bars)
    assert max(values) == 0  # Applied 0, Screened 0, ...: nothing shown may have length


def test_long_labels_wrap_and_are_never_cut() -> None:
    item = (
        "Reason (What made the relationship end before its time?): "
        "Retirement, transfer or separation from the agency for any other reason"
    )
    report = Report(
        "long",
        "Long",
        "bar",
        (Row(item, "people", 7), Row("Short", "people", 3), Row("all", "people", 10, total=True)),
    )
    svg = str(chart_svg(report))
    root = ET.fromstring(svg)
    spans = [t.text or "" for t in root.iter(f"{SVG}tspan")]
    head, _, rest = item.partition(": ")
    assert " ".join(spans) == f"{head} {rest} Short"  # every word, in order
    assert len(spans) > 3
    # a bar's label within its column; a group's heading, with no bar beside it, twice that
    assert all(len(s) <= LABEL_CHARS for s in spans[2:])
    assert all(len(s) <= 2 * LABEL_CHARS for s in spans[:2])
    assert 'text-anchor="end"' not in svg  # a right-aligned label is cut at its left end
    assert all(int(t.get("x") or 0) >= 0 for t in root.iter(f"{SVG}tspan"))
    # the wrapped label's lines stay inside the drawing
    height = float(root.get("height") or 0)
    assert all(0 < float(t.get("y") or 0) < height for t in root.iter(f"{SVG}tspan"))
    labels, bars, _ = chart_rows(svg)
    assert len(bars) == 2 and "all" not in labels


def test_a_step_skipped_by_an_import_is_explained(page: str) -> None:
    block = section(page, "funnel")
    assert (
        "5 people were imported straight into “Matched”, so they skipped “Screened”: "
        "that step counts only the people who went through it."
    ) in block.replace("&#34;", '"')
    assert block.index("report-note") < block.index("<svg")
