"""Files attached to answers: checked, stored under MENTORFLOW_UPLOADS, described in answers.

A stored file is named by a random id, never by what the uploader called it, so a
name can neither escape the folder nor overwrite another file. The answer keeps a
small descriptor ({id, name, size, type}); the bytes stay on disk.
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from sqlalchemy.orm import Session

from ..definition.fields import FileField
from ..errors import InvalidAnswers, NotFound
from ..records.store import Attachment, new_id
from ..rules.access import Actor
from .core import WorkflowBase


def safe_name(filename: str) -> str:
    """The last part of a path from any system, without control characters."""
    name = PureWindowsPath(PurePosixPath(filename).name).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    return name.strip(". ")[:200] or "file"


def store_upload(
    session: Session,
    folder: Path,
    field: FileField,
    data: bytes,
    filename: str,
    owner_id: str | None,
) -> dict[str, Any]:
    """Check a file against its field and keep it; return the descriptor for the answer."""
    name = safe_name(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = [a.lower() for a in field.accept]
    if accepted and extension not in accepted:
        raise InvalidAnswers({field.id: f"Attach a file of type {', '.join(accepted)}."})
    if len(data) > field.max_kb * 1024:
        raise InvalidAnswers({field.id: f"The file is larger than {field.max_kb} KB."})
    if not data:
        raise InvalidAnswers({field.id: "The file is empty."})
    folder.mkdir(parents=True, exist_ok=True)
    attachment = Attachment(
        id=new_id(),
        owner_id=owner_id,
        name=name,
        size=len(data),
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=hashlib.sha256(data).hexdigest(),
        stored_as="",
    )
    attachment.stored_as = attachment.id
    (folder / attachment.stored_as).write_bytes(data)
    session.add(attachment)
    return describe(attachment)


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
    if not path.is_file():
        raise NotFound("The file is no longer stored.")
    return attachment, path.read_bytes()


class KeptFiles(WorkflowBase):
    """Files posted with a form, kept before the form is sent, so that a form sent
    back for its other answers does not ask for them again."""

    def keep_upload(
        self, field: FileField, data: bytes, filename: str, actor: Actor
    ) -> dict[str, Any]:
        """Check a posted file against its field and keep it as the actor's; the
        descriptor to put in the answers. InvalidAnswers (keyed by the field's id) when
        the file is not acceptable."""
        with self.transaction() as session:
            return store_upload(session, self.uploads, field, data, filename, actor.person_id)

    def kept_upload(self, attachment_id: str, actor: Actor) -> dict[str, Any] | None:
        """The descriptor of a file the actor kept earlier; None for anyone else's."""
        with self.reading() as session:
            attachment = session.get(Attachment, attachment_id)
            if attachment is None or attachment.owner_id != actor.person_id:
                return None
            return describe(attachment)
