"""A form as a document to print: its answers and its signatures, to those who may read it.

What the PDF of a learning contract (or any form) shows, assembled with the same rule as
the enrollment page (`readable_entries`: the form's `visible_to`), so a printout never
shows more than the page. Each signature comes with who signed, the name they typed, when,
and the fingerprint of the text they signed, beside the fingerprint of the text printed:
the two are equal unless the answers changed after signing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..errors import NotFound
from ..records.store import Person
from ..rules.access import Actor
from ..rules.answers import ShownAnswer, shown_answers
from ..rules.signatures import FINGERPRINT_SHOWN, fingerprint
from .access_log import log_reads, read_of
from .drafts import Drafts
from .forms import form_on
from .views import readable_entries

__all__ = ["FINGERPRINT_SHOWN", "DocumentEntry", "Documents", "FormDocument", "SignedBy"]


@dataclass(frozen=True)
class SignedBy:
    role: str
    name: str  # the name typed to sign; else the signer's account name; else ""
    typed: bool  # `name` is what the signer typed
    on_paper: bool  # recorded by a coordinator from a paper signature
    signed_at: dt.datetime
    text_sha256: str | None  # of the text signed; None on signatures older than hashes


@dataclass(frozen=True)
class DocumentEntry:
    created_at: dt.datetime
    updated_at: dt.datetime
    shown: tuple[ShownAnswer, ...]
    text_sha256: str  # of the text as printed now
    signatures: tuple[SignedBy, ...]


@dataclass(frozen=True)
class FormDocument:
    program_title: str
    agency: str
    form_title: str
    repeatable: bool  # entries are dated, one after the other
    person_name: str  # whose enrollment
    role_label: str
    entries: tuple[DocumentEntry, ...]
    missing_signatures: tuple[str, ...]
    printed_at: dt.datetime


class Documents(Drafts):
    def form_document(
        self, program_id: str, enrollment_id: str, form_id: str, actor: Actor
    ) -> FormDocument:
        """The form's answers and signatures as this viewer may read them: NotFound when
        there is nothing of it they may read (not filled, or not theirs to read: the
        two are not told apart)."""
        with self.reading() as session:
            record = self.record(session, enrollment_id, program_id)
            roles = self.roles(record, actor)
            form = form_on(record, form_id)
            entries = readable_entries(record, form, actor, roles)
            if not entries:
                raise NotFound(f"There is no {form.title} here for you to read.")
            signer_ids = {s.signer_id for e in entries for s in e.signatures if s.signer_id}
            people = session.scalars(select(Person).where(Person.id.in_(signer_ids)))
            names = {p.id: p.name for p in people}
            shown = []
            for entry in entries:
                signed = tuple(
                    SignedBy(
                        role=s.role,
                        name=s.typed_name or names.get(s.signer_id or "", ""),
                        typed=bool(s.typed_name),
                        on_paper=s.recorded_by_id is not None,
                        signed_at=s.signed_at,
                        text_sha256=s.text_sha256,
                    )
                    for s in entry.signatures
                )
                shown.append(
                    DocumentEntry(
                        created_at=entry.created_at,
                        updated_at=entry.updated_at,
                        shown=tuple(shown_answers(form, entry.answers)),
                        text_sha256=fingerprint(form, entry.answers),
                        signatures=signed,
                    )
                )
            e = record.enrollment
            reads = [
                read_of(e, "document", form_id=form.id, submission_id=entry.id) for entry in entries
            ]
            document = FormDocument(
                program_title=record.program.title,
                agency=record.program.info.agency,
                form_title=form.title,
                repeatable=form.repeatable,
                person_name=e.person.display_name,
                role_label=record.program.roles[e.role].label,
                entries=tuple(shown),
                missing_signatures=tuple(record.missing_signatures(form.id)),
                printed_at=record.now,
            )
        log_reads(self, actor, reads)
        return document
