"""Attached files: checked against their field, stored under a random name, read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.errors import InvalidAnswers, NotFound
from mentorflow.engine.records.database import Database
from mentorflow.engine.service.uploads import read_upload, safe_name, store_upload

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
    stored = list((tmp_path / "up").iterdir())
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
    assert not (tmp_path / "up").exists() or not any((tmp_path / "up").iterdir())


def test_unknown_file_is_not_found(db: Database, tmp_path: Path) -> None:
    with db.session() as session, pytest.raises(NotFound):
        read_upload(session, tmp_path, "nope")
