"""What a write hands back: the changed records as plain, frozen values.

`apply`, `take`, `match`, `submit` and `sign` answer with these rather than with ORM
objects, so no caller can read a record after its session closed, or change one
behind the engine's back. The attribute names are the records' own.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

from ..records.store import Enrollment, Signature, Submission


@dataclass(frozen=True)
class EnrollmentSnapshot:
    """An enrollment as it stood when the call that changed it committed."""

    id: str
    program_id: str
    role: str
    person_id: str
    state: str
    state_since: dt.datetime
    version: int
    pairing_id: str | None
    supervisor_email: str | None
    capacity: int | None
    is_final: bool
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, enrollment: Enrollment) -> EnrollmentSnapshot:
        return cls(**_columns(cls, enrollment))


@dataclass(frozen=True)
class SignatureSnapshot:
    role: str
    signer_id: str | None
    recorded_by_id: str | None  # set when staff recorded a signature given on paper
    signed_at: dt.datetime
    typed_name: str | None = None  # the full name typed to sign
    text_sha256: str | None = None  # of the text signed (`rules.signatures.fingerprint`)

    @classmethod
    def of(cls, signature: Signature) -> SignatureSnapshot:
        return cls(**_columns(cls, signature))


@dataclass(frozen=True)
class SubmissionSnapshot:
    """One stored form: its answers (a copy) and the signatures it carries."""

    id: str
    enrollment_id: str
    form_id: str
    pairing_id: str | None
    author_id: str | None
    revision: int
    answers: dict[str, Any]
    signatures: tuple[SignatureSnapshot, ...]
    created_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, submission: Submission) -> SubmissionSnapshot:
        return cls(
            **{
                **_columns(cls, submission),
                "answers": copy.deepcopy(submission.answers),
                "signatures": tuple(SignatureSnapshot.of(s) for s in submission.signatures),
            }
        )


def _columns(snapshot: type, record: object) -> dict[str, Any]:
    """The record's values under the snapshot's field names (the records' own names)."""
    return {f.name: getattr(record, f.name) for f in fields(snapshot)}
