"""The records: SQLAlchemy 2 models of people, enrollments, submissions and events.

One database holds every program. Records name their program by id and keep the
revision of the definition they were made under, so a new revision never breaks or
hides older records. The schema is created and upgraded by Alembic migrations
(`engine/records/migrations`), never by `create_all` outside tests of the migrations.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def new_id() -> str:
    """Record ids are random, so a URL reveals nothing about how many records exist."""
    return secrets.token_hex(8)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC timestamps on both databases: SQLite keeps no zone, so we store UTC
    there and give it back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON}


class Person(Base):
    """Someone known by e-mail; an account once they have a password (or have signed in
    through single sign-on). Only a verified address gives an account any role."""

    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(256), default=None)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # When they proved the address is theirs (a link mailed to it, an invitation, single
    # sign-on, or an operator vouching on the command line); None until then.
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Admin because the identity provider's roles claim said so: it goes when the claim
    # stops saying it (an admin made by invitation stays one).
    admin_by_provider: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def display_name(self) -> str:
        """How pages and mail name them: their name, or their e-mail while they have none."""
        return self.name or self.email


class StaffRole(Base):
    """A coordinator of one program."""

    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("person_id", "program_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    program_id: Mapped[str] = mapped_column(String(63))
    role: Mapped[str] = mapped_column(String(20), default="coordinator")
    # "staff": an invitation or an operator; "provider": the identity provider's roles
    # claim, which takes it away again when it no longer names it.
    granted_by: Mapped[str] = mapped_column(String(20), default="staff")


class Enrollment(Base):
    """One person in one role of one program; a mentee's also carries the relationship."""

    __tablename__ = "enrollments"
    __table_args__ = (
        Index("ix_enrollments_program_state", "program_id", "role", "state"),
        Index("ix_enrollments_person", "person_id", "program_id"),
        # One open enrollment per person, program and role, held by the database itself:
        # two presses of "Apply" at the same moment cannot both write one.
        Index(
            "uq_enrollments_open",
            "person_id",
            "program_id",
            "role",
            unique=True,
            sqlite_where=text("is_final = 0"),
            postgresql_where=text("NOT is_final"),
        ),
    )
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    program_id: Mapped[str] = mapped_column(String(63))
    role: Mapped[str] = mapped_column(String(10))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    state: Mapped[str] = mapped_column(String(64))
    state_since: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revision: Mapped[int] = mapped_column(Integer)
    # Changes on every write; a write based on an older version is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    supervisor_email: Mapped[str | None] = mapped_column(String(320), default=None)
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)  # mentors
    # The current pairing (mentees and, for convenience, nothing on mentors). Not a
    # foreign key: pairings point back at enrollments, and a cycle would complicate
    # migrations on SQLite for no gain.
    pairing_id: Mapped[str | None] = mapped_column(String(16), default=None)
    is_final: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)  # every write sets it

    person: Mapped[Person] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


class Pairing(Base):
    """A mentee with a mentor, from the match until the mentee returns to the pool or ends."""

    __tablename__ = "pairings"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    program_id: Mapped[str] = mapped_column(String(63))
    mentee_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    mentor_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    __table_args__ = (Index("ix_pairings_mentor_open", "mentor_id", "ended_at"),)


class Submission(Base):
    """One filling of a form on an enrollment (one entry of a repeatable form)."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_enrollment_form", "enrollment_id", "form_id"),)
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    form_id: Mapped[str] = mapped_column(String(64))
    pairing_id: Mapped[str | None] = mapped_column(ForeignKey("pairings.id"), default=None)
    author_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    revision: Mapped[int] = mapped_column(Integer)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    signatures: Mapped[list[Signature]] = relationship(
        cascade="all, delete-orphan", order_by="Signature.signed_at"
    )


class Signature(Base):
    __tablename__ = "signatures"
    __table_args__ = (UniqueConstraint("submission_id", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    role: Mapped[str] = mapped_column(String(20))  # mentor, mentee, supervisor, coordinator
    # Who signed; None when a coordinator recorded the paper signature of a supervisor
    # who has no account yet.
    signer_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    # Set when a coordinator recorded a signature given on paper by someone else.
    recorded_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    signed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # The full name the signer typed to sign (None: a paper signature, or one given
    # before names were asked for).
    typed_name: Mapped[str | None] = mapped_column(String(200), default=None)
    # SHA-256 (hex) of the text signed: the form's answers as rendered, in canonical JSON
    # (`rules.signatures.signed_text`). None on signatures older than the fingerprint.
    text_sha256: Mapped[str | None] = mapped_column(String(64), default=None)


class Draft(Base):
    """Answers to a form saved unfinished, by one person, to come back to: one per
    person, form and enrollment (`enrollment_id` "" for an application, which has no
    enrollment yet: its form names the program's role). Not checked for completeness;
    never holds files. Sending the form deletes it."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("person_id", "program_id", "form_id", "enrollment_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    program_id: Mapped[str] = mapped_column(String(63))
    form_id: Mapped[str] = mapped_column(String(64))
    # Not a foreign key: "" stands for "no enrollment yet" (an application).
    enrollment_id: Mapped[str] = mapped_column(String(16), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    saved_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Attachment(Base):
    """A file attached to a form answer, stored under MENTORFLOW_UPLOADS."""

    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    sha256: Mapped[str] = mapped_column(String(64))
    stored_as: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Event(Base):
    """The append-only history: every application, transition and import."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_enrollment", "enrollment_id", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    program_id: Mapped[str] = mapped_column(String(63))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    actor_role: Mapped[str] = mapped_column(String(20))  # as whom; 'system' for auto
    kind: Mapped[str] = mapped_column(String(20))  # apply, transition, import, match
    transition: Mapped[str | None] = mapped_column(String(64), default=None)
    from_state: Mapped[str | None] = mapped_column(String(64), default=None)
    to_state: Mapped[str] = mapped_column(String(64))
    answers: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    revision: Mapped[int] = mapped_column(Integer)
    pairing_id: Mapped[str | None] = mapped_column(ForeignKey("pairings.id"), default=None)


class OpenItem(Base):
    """Something on the coordinator's desk until resolved: a form alert, for now."""

    __tablename__ = "open_items"
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    program_id: Mapped[str] = mapped_column(String(63))
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"), default=None)
    text: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    resolved_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)


class OutboxMessage(Base):
    """Mail to send: written in the same transaction as what caused it.

    A message the mailer cannot send is tried again after a wait that grows
    (`next_try_at`) and set aside after a few tries, its error kept for the outbox page.
    `dedupe_key` is set only by messages that must be queued once per recipient (a
    reminder's occurrence); its unique index lets two runs at once write one."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ux_outbox_dedupe", "to_email", "dedupe_key", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_id: Mapped[str | None] = mapped_column(String(63), default=None)
    enrollment_id: Mapped[str | None] = mapped_column(ForeignKey("enrollments.id"), default=None)
    to_email: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(100))  # what caused it, to send nothing twice
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    set_aside_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    dedupe_key: Mapped[str | None] = mapped_column(String(100), default=None)


class LoginAttempt(Base):
    """Password checks, kept in the database so a throttle holds across app servers.
    A row is written before the password is checked (`succeeded` None while it is), so
    simultaneous tries count against each other."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_email_at", "email", "at"),
        Index("ix_login_attempts_client_at", "client", "at"),
        Index("ix_login_attempts_at", "at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320))
    client: Mapped[str] = mapped_column(String(64), default="")  # the client's address
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool | None] = mapped_column(Boolean, default=None)


class AccountSession(Base):
    """A signed-in browser. The cookie holds only a random token; its hash is kept here,
    so signing out, a new password or "sign out everywhere" ends it on the server."""

    __tablename__ = "account_sessions"
    __table_args__ = (Index("ix_account_sessions_person", "person_id", "ended_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    client: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AccountToken(Base):
    """A one-use, expiring link mailed to a person: `verify` proves their address,
    `invite` lets them set a password and binds the staff role in `grant`. Only the
    token's hash is kept."""

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_person", "person_id", "purpose"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    purpose: Mapped[str] = mapped_column(String(20))
    # For invitations: {"admin": true} or {"program_id": "..."}.
    grant: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class FormPress(Base):
    """One press of a form, by the hash of its one-time key and who pressed it: where it
    led (None while it is being worked on), so a second press of the same form is sent
    there instead of doing the work again. Kept a day."""

    __tablename__ = "form_presses"
    __table_args__ = (Index("ix_form_presses_created", "created_at"),)
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    location: Mapped[str | None] = mapped_column(String(2000), default=None)


class MatchingRun(Base):
    """One run of matching, kept so a decision can be explained later: who was in the
    pool with which answers, the settings, and what was proposed and confirmed."""

    __tablename__ = "matching_runs"
    __table_args__ = (Index("ix_matching_runs_program", "program_id", "created_at"),)
    id: Mapped[str] = mapped_column(String(16), primary_key=True, default=new_id)
    program_id: Mapped[str] = mapped_column(String(63))
    revision: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    strategy: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    confirmed: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ApiToken(Base):
    """A personal access token for the JSON API: it acts as its person, with their roles
    as they are when it is used. Only the token's SHA-256 is kept (the token is shown
    once, when made); `prefix`, its first characters, lets its owner recognise it."""

    __tablename__ = "api_tokens"
    __table_args__ = (Index("ix_api_tokens_person", "person_id", "created_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # None: never
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AccessRead(Base):
    """One read of someone's records by someone else: who read, whose enrollment, what
    (the enrollment, a submission, a file, a printed document) and through which door
    (page, api, csv, export, command). Never any answer. No foreign keys: the log must
    outlive what it names, and stay writable while records are erased."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_subject", "subject_person_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reader_id: Mapped[str | None] = mapped_column(String(16), default=None)  # None: a command
    reader: Mapped[str] = mapped_column(String(320))  # their address then, or the command line
    subject_person_id: Mapped[str] = mapped_column(String(16))
    program_id: Mapped[str] = mapped_column(String(63))
    enrollment_id: Mapped[str] = mapped_column(String(16))
    form_id: Mapped[str | None] = mapped_column(String(64), default=None)
    submission_id: Mapped[str | None] = mapped_column(String(16), default=None)
    attachment_id: Mapped[str | None] = mapped_column(String(16), default=None)
    what: Mapped[str] = mapped_column(String(20))
    door: Mapped[str] = mapped_column(String(20))


class Webhook(Base):
    """An address outside told of a program's feed entries (all kinds, or those in
    `events`), each POST signed with `secret`. Removing one keeps it and its deliveries
    for the record; nothing is queued for it after."""

    __tablename__ = "webhooks"
    __table_args__ = (Index("ix_webhooks_program", "program_id", "removed_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_id: Mapped[str] = mapped_column(String(63))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str] | None] = mapped_column(JSON, default=None)  # None: every kind
    secret: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class WebhookDelivery(Base):
    """The durable queue: one feed entry (or a test, `ping`) to send to one webhook,
    written in the transaction that wrote the entry and sent after it commits. Sent in
    id order per webhook; `claimed_until` marks the one a sender is sending right now,
    so two servers never send it twice."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_waiting", "webhook_id", "delivered_at", "dead_at", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id"))
    feed_entry_id: Mapped[int | None] = mapped_column(Integer, default=None)  # None: a ping
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_try_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    dead_at: Mapped[dt.datetime | None] = mapped_column(default=None)  # a dead letter
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)
    last_error: Mapped[str | None] = mapped_column(String(1000), default=None)


class LegalHold(Base):
    """A legal hold on one enrollment: while it is on (`lifted_at` None), retention and
    erasure leave the enrollment and everything on it alone. Lifted holds are kept, so
    the page can say who held it and why. Who placed or lifted it is not a foreign key:
    removing a person never has to wait for the holds they placed."""

    __tablename__ = "legal_holds"
    __table_args__ = (Index("ix_legal_holds_enrollment", "enrollment_id", "lifted_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[str] = mapped_column(ForeignKey("enrollments.id"))
    program_id: Mapped[str] = mapped_column(String(63))
    reason: Mapped[str] = mapped_column(Text)
    placed_by_id: Mapped[str | None] = mapped_column(String(16), default=None)
    placed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lifted_by_id: Mapped[str | None] = mapped_column(String(16), default=None)
    lifted_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PurgeLogEntry(Base):
    """One action of a purge or an erasure: what rule removed how much from which
    enrollment, and when; never what was removed (the enrollment id of a deleted
    enrollment points at nothing any more, on purpose)."""

    __tablename__ = "purge_log"
    __table_args__ = (Index("ix_purge_log_program", "program_id", "at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    program_id: Mapped[str] = mapped_column(String(63))
    enrollment_id: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(100))  # 'role mentee', 'form x', 'erasure'
    action: Mapped[str] = mapped_column(String(20))  # anonymise, delete
    rows: Mapped[int] = mapped_column(Integer, default=0)
    files: Mapped[int] = mapped_column(Integer, default=0)
