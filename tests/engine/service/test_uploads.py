"""Attached files: checked against their field, stored under a random name, read back."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.errors import InvalidAnswers, NotFound
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Attachment
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import uploads
from mentorflow.engine.service.uploads import KEPT_AREA, read_upload, safe_name, store_upload
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.support import sample_answers

RESUME = FileField(id="resume", label="Resume", type="file", accept=["pdf", "docx"], max_kb=1)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("resume.pdf", "resume.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\cv.docx", "cv.docx"),
        ("..", "file"),
        ("a\x00b.pdf", "ab.pdf"),
    ],
)
def test_safe_name(given: str, kept: str) -> None:
    assert safe_name(given) == kept


def test_store_and_read_back(db: Database, tmp_path: Path) -> None:
    with db.session() as session, session.begin():
        descriptor = store_upload(
            session, tmp_path / "up", RESUME, b"%PDF-1.4 hi", "../cv.PDF", None
        )
    assert descriptor["name"] == "cv.PDF" and descriptor["size"] == 11
    assert descriptor["type"] == "application/pdf"
    stored = [p for p in (tmp_path / "up").rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [descriptor["id"]]  # never the uploader's name
    with db.session() as session:
        attachment, data = read_upload(session, tmp_path / "up", descriptor["id"])
    assert data == b"%PDF-1.4 hi" and attachment.sha256


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        (b"x" * 1025, "cv.pdf", "larger than 1 KB"),
        (b"x", "cv.exe", "of type pdf, docx"),
        (b"", "cv.pdf", "empty"),
    ],
)
def test_refused_files_keep_nothing(
    db: Database, tmp_path: Path, data: bytes, name: str, said: str
) -> None:
    with db.session() as session, pytest.raises(InvalidAnswers) as refused:
        store_upload(session, tmp_path / "up", RESUME, data, name, None)
    assert said in refused.value.errors["resume"]
    assert _stored(tmp_path / "up") == []


def test_unknown_file_is_not_found(db: Database, tmp_path: Path) -> None:
    with db.session() as session, pytest.raises(NotFound):
        read_upload(session, tmp_path, "nope")


# ---------------------------------------------------------------- content, quota, claims


ANY = FileField(id="attachment", label="Attachment", type="file", max_kb=64)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"
ZIP = b"PK\x03\x04\x14\x00\x06\x00"
PROGRAM = "general-mentoring"


def _stored(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("cv.pdf", b"%PDF-1.7\n%%EOF\n", None),
        ("cv.PDF", b"%PDF-1.4", None),
        ("cv.pdf", b"MZ\x90\x00\x03 a program", "is not a real PDF file"),
        ("cv.pdf", b"<html>%PDF-1.4", "is not a real PDF file"),
        ("photo.png", PNG, None),
        ("photo.png", b"\xff\xd8\xff\xe0 jpeg", "is not a real PNG file"),
        ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF", None),
        ("photo.jpeg", b"\xff\xd8\xff\xdb", None),
        ("photo.jpg", PNG, "is not a real JPEG file"),
        ("photo.gif", b"GIF89a\x01\x00", None),
        ("photo.gif", b"GIF90a", "is not a real GIF file"),
        ("cv.docx", ZIP, None),
        ("cv.docx", b"%PDF-1.4", "is not a real DOCX file"),
        ("sheet.xlsx", ZIP, None),
        ("sheet.xlsx", b"a,b\n1,2\n", "is not a real XLSX file"),
        ("slides.pptx", ZIP, None),
        ("cv.odt", ZIP, None),
        ("cv.doc", OLE, None),
        ("cv.doc", b"{\\rtf1 not a word file}", "is not a real DOC file"),
        ("sheet.xls", OLE, None),
        ("notes.txt", "Notes, naïve café\n".encode(), None),
        ("notes.txt", b"text\x00with a NUL", "is not a real TXT file"),
        ("notes.txt", b"\xff\xfe\x00latin", "is not a real TXT file"),
        ("table.csv", b"name,years\nAda,3\n", None),
        ("table.csv", b"name\x00", "is not a real CSV file"),
        ("readme.md", b"# Title\n", None),
        ("archive.zip", ZIP, None),
        ("archive.zip", b"Rar!\x1a\x07", "is not a real ZIP file"),
        ("anything.xyz", b"\x00\x01 whatever", None),  # a type we do not know: its name only
        ("no-extension", b"\x00\x01", None),
    ],
)
def test_the_content_must_be_what_the_name_says(
    db: Database, tmp_path: Path, name: str, data: bytes, said: str | None
) -> None:
    with db.session() as session, session.begin():
        if said is None:
            descriptor = store_upload(session, tmp_path / "up", ANY, data, name, None)
            assert descriptor["size"] == len(data)
            return
        with pytest.raises(InvalidAnswers) as refused:
            store_upload(session, tmp_path / "up", ANY, data, name, None)
    assert said in refused.value.errors["attachment"]
    assert name in refused.value.errors["attachment"]
    assert _stored(tmp_path / "up") == []


def test_the_declared_types_are_checked_by_content_too(db: Database, tmp_path: Path) -> None:
    """An allowed extension is not enough: a 'resume.pdf' that is a program is refused."""
    with db.session() as session, pytest.raises(InvalidAnswers) as refused:
        store_upload(session, tmp_path / "up", RESUME, b"MZ\x90\x00", "resume.pdf", None)
    assert "is not a real PDF file" in refused.value.errors["resume"]


def test_a_kept_file_waits_in_the_temporary_area(db: Database, tmp_path: Path) -> None:
    with db.session() as session, session.begin():
        descriptor = store_upload(session, tmp_path / "up", RESUME, b"%PDF-1.4", "cv.pdf", None)
    assert (tmp_path / "up" / KEPT_AREA / descriptor["id"]).read_bytes() == b"%PDF-1.4"
    assert not (tmp_path / "up" / descriptor["id"]).exists()


@pytest.fixture
def keeper(workflow: Workflow, clock: Clock, tmp_path: Path) -> Workflow:
    return Workflow(workflow.programs, workflow.db, clock=clock, uploads=tmp_path / "up")


def _rows(keeper: Workflow) -> list[Attachment]:
    with keeper.db.session() as session:
        return list(session.scalars(select(Attachment)))


def _resume_field(keeper: Workflow) -> FileField:
    field = keeper.programs[PROGRAM].apply_form("mentor").fields["resume"]
    assert isinstance(field, FileField)
    return field


def _mentor_answers(keeper: Workflow, who: Actor, **changes: object) -> dict:
    program = keeper.programs[PROGRAM]
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    form = program.apply_form("mentor")
    return {**sample_answers(program, form, eligible, email=who.email), **changes}


def test_a_person_keeps_no_more_than_the_quota(
    keeper: Workflow, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "QUOTA_BYTES", 3 * 1024)
    ada, eve = people.person("ada@example.gov"), people.person("eve@example.gov")
    keeper.keep_upload(ANY, b"%PDF-" + b"x" * 2043, "one.pdf", ada)  # 2 KB
    keeper.keep_upload(ANY, b"%PDF-" + b"x" * 1019, "two.pdf", ada)  # 3 KB: at the limit
    with pytest.raises(InvalidAnswers) as refused:
        keeper.keep_upload(ANY, b"%PDF-", "three.pdf", ada)
    said = refused.value.errors["attachment"]
    assert "3 KB" in said and "limit" in said
    assert len(_rows(keeper)) == 2  # the refused one left nothing
    keeper.keep_upload(ANY, b"%PDF-" + b"x" * 2043, "hers.pdf", eve)  # Ada's use is hers alone


def test_the_quota_is_a_hundred_megabytes() -> None:
    assert uploads.QUOTA_BYTES == 100 * 1024 * 1024


def test_sending_the_form_moves_its_file_out_of_the_temporary_area(
    keeper: Workflow, people: People, tmp_path: Path
) -> None:
    max_ = people.person("max@example.gov", "Max Mentor")
    resume = keeper.keep_upload(_resume_field(keeper), b"%PDF-1.4 cv", "cv.pdf", max_)
    keeper.apply(PROGRAM, "mentor", max_, _mentor_answers(keeper, max_, resume=resume))
    assert _stored(tmp_path / "up") == [tmp_path / "up" / resume["id"]]
    [row] = _rows(keeper)
    assert row.stored_as == resume["id"]
    with keeper.db.session() as session:
        assert read_upload(session, tmp_path / "up", resume["id"])[1] == b"%PDF-1.4 cv"


def test_refused_posts_leave_nothing_after_a_day(
    keeper: Workflow, people: People, clock: Clock, tmp_path: Path
) -> None:
    """Five posts refused for another answer, each with a new file: the files wait in the
    temporary area for a day (the person may still be fixing the form), then go."""
    max_ = people.person("max@example.gov", "Max Mentor")
    for n in range(5):
        data = b"%PDF-1.4 " + b"x" * 1000
        resume = keeper.keep_upload(_resume_field(keeper), data, f"cv{n}.pdf", max_)
        answers = _mentor_answers(keeper, max_, resume=resume, qualifications="short")
        with pytest.raises(InvalidAnswers):
            keeper.apply(PROGRAM, "mentor", max_, answers)
    assert len(_rows(keeper)) == 5
    assert all(row.stored_as.startswith(f"{KEPT_AREA}/") for row in _rows(keeper))
    assert all(p.parent.name == KEPT_AREA for p in _stored(tmp_path / "up"))

    clock.advance(0.9)
    assert keeper.clean_uploads() == 0  # still being fixed
    assert len(_stored(tmp_path / "up")) == 5
    clock.advance(0.2)
    assert keeper.clean_uploads() == 5
    assert _rows(keeper) == [] and _stored(tmp_path / "up") == []
    assert keeper.clean_uploads() == 0


def test_cleaning_keeps_every_file_an_answer_refers_to(
    keeper: Workflow, people: People, clock: Clock, tmp_path: Path
) -> None:
    max_ = people.person("max@example.gov", "Max Mentor")
    field = _resume_field(keeper)
    sent = keeper.keep_upload(field, b"%PDF-1.4 sent", "sent.pdf", max_)
    enrollment = keeper.apply(PROGRAM, "mentor", max_, _mentor_answers(keeper, max_, resume=sent))
    replaced = keeper.keep_upload(field, b"%PDF-1.4 new", "new.pdf", max_)
    answers = _mentor_answers(keeper, max_, resume=replaced)
    keeper.submit(enrollment.id, "mentor_application", max_, answers)
    stray = tmp_path / "up" / KEPT_AREA / "left-by-a-failed-write"
    stray.write_bytes(b"x")
    clock.advance(3)
    os.utime(stray, (0, 0))
    assert keeper.clean_uploads() == 2  # the first resume, no longer an answer; the stray
    assert [row.id for row in _rows(keeper)] == [replaced["id"]]
    assert _stored(tmp_path / "up") == [tmp_path / "up" / replaced["id"]]
