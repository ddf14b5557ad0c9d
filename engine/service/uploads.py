"""Files attached to answers: checked, kept for their owner until the form is sent, then
stored under MENTORFLOW_UPLOADS and described in answers; the unsent ones removed.

A stored file is named by a random id, never by what the uploader called it, so a
name can neither escape the folder nor overwrite another file. The answer keeps a
small descriptor ({id, name, size, type}); the bytes stay on disk.

A file arrives with its form, before the form's other answers are checked: if the form
is sent back, the page offers the file again so nobody attaches it twice. Until a form
that refers to it is written, it waits in the temporary area (`kept/` under the uploads
folder, `stored_as` = `kept/<id>`), held to its owner's quota; writing the answers moves
it out (`claim_files`). `clean_uploads` removes, after a day, every file no answer
refers to: the refused posts' files, and files an edited answer replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ..definition.fields import FileField
from ..errors import InvalidAnswers, NotFound, StorageFailed
from ..records.store import Attachment, Event, Submission, new_id
from ..rules.access import Actor
from .session import ServiceBase

KEPT_AREA = "kept"  # the temporary area, a folder under the uploads folder
QUOTA_BYTES = 100 * 1024 * 1024  # what one person may have stored, kept and sent together
KEEP_UNSENT = dt.timedelta(days=1)  # long enough to fix a form and send it again

_ZIP = (b"PK\x03\x04",)  # Office Open XML and OpenDocument files are zip archives
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # the older Word, Excel, PowerPoint files
_STARTS: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": _ZIP,
    **dict.fromkeys(["docx", "xlsx", "pptx", "odt", "ods", "odp"], _ZIP),
    **dict.fromkeys(["doc", "xls", "ppt"], _OLE),
}
_TEXT = {"txt", "csv", "md"}
_KIND = {"jpg": "JPEG", "jpeg": "JPEG"}


def safe_name(filename: str) -> str:
    """The last part of a path from any system, without control characters."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name.strip(". ")[:200] or "file"


def content_matches(extension: str, data: bytes) -> bool:
    """Whether the bytes are what a file of this extension holds, for the types whose
    content can be told from its first bytes; any other type is judged by its name."""
    if extension in _STARTS:
        return data.startswith(_STARTS[extension])
    if extension in _TEXT:
        if b"\x00" in data:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
    return True


def _size(n: int) -> str:
    if n < 1024 * 1024:
        return f"{-(-n // 1024)} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def store_upload(
    session: Session,
    folder: Path,
    field: FileField,
    data: bytes,
    filename: str,
    owner_id: str | None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Check a file against its field and keep it in the temporary area; return the
    descriptor for the answer."""
    name = safe_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = [a.lower() for a in field.accept]
    if accepted and extension not in accepted:
        raise InvalidAnswers({field.id: f"Attach a file of type {', '.join(accepted)}."})
    if len(data) > field.max_kb * 1024:
        raise InvalidAnswers({field.id: f"The file is larger than {field.max_kb} KB."})
    if not data:
        raise InvalidAnswers({field.id: "The file is empty."})
    if not content_matches(extension, data):
        kind = _KIND.get(extension, extension.upper())
        raise InvalidAnswers(
            {field.id: f"{name} is not a real {kind} file; attach the file itself."}
        )
    if owner_id is not None:
        used = session.scalar(
            select(func.coalesce(func.sum(Attachment.size), 0)).where(
                Attachment.owner_id == owner_id
            )
        )
        if int(used or 0) + len(data) > QUOTA_BYTES:
            raise InvalidAnswers(
                {
                    field.id: f"You have {_size(int(used or 0))} of files stored here and the "
                    f"limit is {_size(QUOTA_BYTES)}: files attached to forms that were not "
                    "sent are removed after a day."
                }
            )
    attachment = Attachment(
        id=new_id(),
        owner_id=owner_id,
        name=name,
        size=len(data),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=hashlib.sha256(data).hexdigest(),
        stored_as="",
    )
    if now is not None:
        attachment.created_at = now
    attachment.stored_as = f"{KEPT_AREA}/{attachment.id}"
    with storage_told(folder):
        (folder / KEPT_AREA).mkdir(parents=True, exist_ok=True)
        (folder / attachment.stored_as).write_bytes(data)
    session.add(attachment)
    return describe(attachment)


@contextmanager
def storage_told(folder: Path) -> Iterator[None]:
    """A failing uploads folder (not writable, gone, full) as one sentence, not an OSError:
    the page keeps what was typed and says to send it again."""
    try:
        yield
    except OSError as exc:
        raise StorageFailed(
            f"Files cannot be stored right now ({exc.strerror or exc}), so nothing was saved."
        ) from None


def check_storage(folder: Path) -> None:
    """Fail at start-up, in one sentence, when the uploads folder cannot be used: made
    if missing, then written to and read back."""
    probe = folder / KEPT_AREA / f".probe-{os.getpid()}"
    try:
        probe.parent.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.read_bytes()
        probe.unlink()
    except OSError as exc:
        raise StorageFailed(
            f"The uploads folder {folder} cannot be used: {exc.strerror or exc}."
        ) from None


def describe(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "name": attachment.name,
        "size": attachment.size,
        "type": attachment.content_type,
    }


def read_upload(session: Session, folder: Path, attachment_id: str) -> tuple[Attachment, bytes]:
    """The stored bytes of an attachment. Callers check who may see the answer first."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound("There is no such file.")
    path = folder / attachment.stored_as
    with storage_told(folder):
        if not path.is_file():
            raise NotFound("The file is no longer stored.")
        return attachment, path.read_bytes()


def referred_ids(answers: Any) -> Iterator[str]:
    """The ids of the descriptors in answers, at the top level or in group entries."""
    if isinstance(answers, dict):
        found = answers.get("id")
        if isinstance(found, str) and "size" in answers:
            yield found
        for value in answers.values():
            if isinstance(value, dict | list):
                yield from referred_ids(value)
    elif isinstance(answers, list):
        for value in answers:
            yield from referred_ids(value)


def _after(session: Session, outcome: str, act: Callable[[], None]) -> None:
    def run(_: Session) -> None:
        act()

    event.listen(session, outcome, run, once=True)


def claim_files(session: Session, folder: Path, answers: Any) -> None:
    """Move the kept files that answers being written refer to out of the temporary
    area. The file is linked into place before the commit and its temporary name removed
    after it, so a write that fails leaves the file kept, as it was."""
    ids = set(referred_ids(answers))
    if not ids:
        return
    kept = session.scalars(
        select(Attachment).where(
            Attachment.id.in_(ids), Attachment.stored_as.startswith(f"{KEPT_AREA}/")
        )
    )
    for attachment in kept:
        source, target = folder / attachment.stored_as, folder / attachment.id
        if not source.is_file():
            continue  # gone from the disk: left as it is, NotFound when asked for
        if not target.exists():
            with storage_told(folder):
                try:
                    os.link(source, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(source, target)
            _after(session, "after_rollback", partial(target.unlink, missing_ok=True))
        attachment.stored_as = attachment.id
        _after(session, "after_commit", partial(source.unlink, missing_ok=True))


class KeptFiles(ServiceBase):
    """Files posted with a form, kept before the form is sent, so that a form sent
    back for its other answers does not ask for them again."""

    def check_uploads_folder(self) -> None:
        """StorageFailed, in one sentence, when the uploads folder cannot be used; the app
        calls this at start-up so a server never starts that cannot keep files."""
        check_storage(self.uploads)

    def keep_upload(
        self, field: FileField, data: bytes, filename: str, actor: Actor
    ) -> dict[str, Any]:
        """Check a posted file against its field (its type by its content too, and the
        owner's quota) and keep it as the actor's in the temporary area; the descriptor
        to put in the answers. InvalidAnswers (keyed by the field's id) when the file is
        not acceptable."""
        with self.transaction() as session:
            return store_upload(
                session, self.uploads, field, data, filename, actor.person_id, self.clock()
            )

    def kept_upload(self, attachment_id: str, actor: Actor) -> dict[str, Any] | None:
        """The descriptor of a file the actor kept earlier; None for anyone else's."""
        with self.reading() as session:
            attachment = session.get(Attachment, attachment_id)
            if attachment is None or attachment.owner_id != actor.person_id:
                return None
            return describe(attachment)

    def clean_uploads(self, older_than: dt.timedelta = KEEP_UNSENT) -> int:
        """Remove the files, and their records, that no answer refers to and that are
        older than `older_than` (a person still fixing a form keeps theirs); also files
        left in the temporary area by a write that failed. How many were removed."""
        cutoff = self.clock() - older_than
        with self.transaction() as session:
            used: set[str] = set()
            for column in (Submission.answers, Event.answers):
                for answers in session.scalars(select(column)):
                    used.update(referred_ids(answers))
            stale = session.scalars(select(Attachment).where(Attachment.created_at < cutoff))
            gone = [a for a in stale if a.id not in used]
            for attachment in gone:
                session.delete(attachment)
            known = set(session.scalars(select(Attachment.stored_as)))
        for attachment in gone:
            (self.uploads / attachment.stored_as).unlink(missing_ok=True)
        strays = 0
        kept = self.uploads / KEPT_AREA
        old = time.time() - older_than.total_seconds()
        for path in kept.iterdir() if kept.is_dir() else ():
            name = f"{KEPT_AREA}/{path.name}"
            if path.is_file() and name not in known and path.stat().st_mtime < old:
                path.unlink(missing_ok=True)
                strays += 1
        return len(gone) + strays
