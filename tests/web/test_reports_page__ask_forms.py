"""The reports page and its CSV count the answers of a form asked by a step (`ask`), as
the engine's reports do (tests/engine/figures/test_reports__ask_forms.py has the plan)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from mentorflow.engine.records.database import Database
from tests.conftest import Clock, People
from tests.engine.figures.test_reports__ask_forms import PROGRAM, seed, variant, variant_text
from tests.web.conftest import Browser, app_on_definitions

PASSWORD = "correct horse battery"


@pytest.fixture
def page_and_csv(
    tmp_path: Path,
    db_url: str,
    db: Database,
    clock: Clock,
    people: People,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[str, list[list[str]]]]:
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    program = variant(1)
    with app_on_definitions({"variant.yaml": variant_text(1)}, tmp_path, db_url, clock) as app:
        coordinator = seed(db, clock, people, program)
        browser = Browser(app.test_client(), None).sign_in(coordinator, PASSWORD)
        page = browser.get(f"/p/{PROGRAM}/reports")
        assert page.status_code == 200
        export = browser.get(f"/p/{PROGRAM}/reports.csv")
        assert export.status_code == 200
        rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
        yield page.get_data(as_text=True), rows


def section(page: str, report_id: str) -> str:
    start = page.index(f'data-report="{report_id}"')
    return page[start : page.index("</section>", start)]


def test_the_page_shows_the_answers_given_with_a_step(
    page_and_csv: tuple[str, list[list[str]]],
) -> None:
    page, _ = page_and_csv
    endings = section(page, "endings")
    assert "Why relationships ended early" in endings
    assert "answered 0" not in endings
    assert ">Moved away<" in endings and ">2<" in endings
    holds = section(page, "holds")
    assert "entries" in holds


def test_the_csv_holds_them(page_and_csv: tuple[str, list[list[str]]]) -> None:
    _, rows = page_and_csv
    assert ["endings", "Moved away", "people", "2"] in rows
    assert ["endings", "Workload", "people", "1"] in rows
    assert ["endings", "answered", "people", "3"] in rows
    assert ["holds", "Workload", "entries", "2"] in rows
