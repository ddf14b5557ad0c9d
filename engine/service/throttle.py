"""The sign-in throttle: how many password checks are made, per client, per account and in
all, kept in the database (`LoginAttempt`) so that it holds across app servers and workers.

Every password check is a row written *before* the password is checked (`succeeded` None
while it is, then True or False). Admitting a check is one short transaction that no other
admission runs beside (on PostgreSQL an advisory lock taken first; on SQLite the row is
inserted first, which takes the database's single write lock, so the counts that follow
see every earlier admission and none can slip in between). A check still under way counts
as a failure, so fifty simultaneous tries on one account are fifty tries, not one.

The policy never locks the owner out of an account:

- Per client address: after `CLIENT_FAILURES` failed checks in `CLIENT_WINDOW` the client
  gets no more checks until the oldest of them is that old (guessing across many accounts
  from one place is stopped). A call that names no address (a command) skips this.
- Per account: after `ACCOUNT_FREE_FAILURES` failures in `ACCOUNT_WINDOW`, each further
  check waits 2, 4, 8 ... seconds (at most `BACKOFF_CAP`) after the last failure: a slow
  trickle of guesses, never a locked door. A client that signed in to the account within
  `KNOWN_CLIENT_FOR` skips this wait (and the ceiling below), so an attacker elsewhere
  cannot keep the owner out.
- In all: at most `CHECKS_PER_SECOND` password checks a second across every worker, since
  each costs tens of milliseconds of CPU (scrypt); beyond that people are asked to try
  again in a moment.

A refusal makes no row and checks nothing. Rows of failures are kept `KEEP_FAILURES`, rows
of successes `KEEP_SUCCESSES` (they make a client known); every `PURGE_EVERY`-th check
deletes older ones, so the table never grows without end and no sign-in pays much for it.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from ..errors import SignInRefused
from ..records.store import LoginAttempt

CLIENT_FAILURES = 10
CLIENT_WINDOW = dt.timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 5
ACCOUNT_WINDOW = dt.timedelta(minutes=15)
BACKOFF_CAP = dt.timedelta(seconds=60)
KNOWN_CLIENT_FOR = dt.timedelta(days=30)
CHECKS_PER_SECOND = 20
KEEP_FAILURES = dt.timedelta(days=1)
KEEP_SUCCESSES = KNOWN_CLIENT_FOR
PURGE_EVERY = 100

# The key of the PostgreSQL advisory lock that admissions take in turn (any constant that
# nothing else in the database uses).
ADMISSION_LOCK = 0x6D66_5349_474E  # "mfSIGN"

CLIENT_LENGTH = 64  # the column's width; an IPv6 address needs at most 45

BUSY = "Signing in is busy just now: try again in a moment."


def admit(session: Session, email: str, client: str, now: dt.datetime) -> int:
    """Record that the password of `email` is about to be checked for `client`, and give
    the row's id to `settle` afterwards; SignInRefused (throttled) when the check may not
    be made now. Call in a transaction of its own, committed before the check begins."""
    client = client_key(client)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(ADMISSION_LOCK)))
    # Insert first: on SQLite the first write takes the database's write lock, so the
    # counts below read everything earlier admissions committed and none can commit
    # before this one does. Reading first would count on a snapshot that another
    # admission could still change.
    attempt = LoginAttempt(email=email, client=client, at=now, succeeded=None)
    session.add(attempt)
    session.flush()
    others = LoginAttempt.id != attempt.id
    not_succeeded = or_(LoginAttempt.succeeded.is_(False), LoginAttempt.succeeded.is_(None))

    if client:
        failures = session.scalars(
            select(LoginAttempt.at)
            .where(
                others,
                LoginAttempt.client == client,
                LoginAttempt.at > now - CLIENT_WINDOW,
                not_succeeded,
            )
            .order_by(LoginAttempt.at.desc())
            .limit(CLIENT_FAILURES)
        ).all()
        if len(failures) >= CLIENT_FAILURES:
            free_at = failures[-1] + CLIENT_WINDOW
            minutes = max(1, math.ceil((free_at - now) / dt.timedelta(minutes=1)))
            raise SignInRefused(
                f"Too many failed sign-ins from your network: wait {_count(minutes, 'minute')} "
                "and try again.",
                throttled=True,
            )

    known = _known(session, email, client, now)
    if not known:
        count, last = session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                others,
                LoginAttempt.email == email,
                LoginAttempt.at > now - ACCOUNT_WINDOW,
                not_succeeded,
            )
        ).one()
        if count >= ACCOUNT_FREE_FAILURES and last is not None:
            wait = backoff(count)
            if now < last + wait:
                seconds = max(1, math.ceil((last + wait - now).total_seconds()))
                raise SignInRefused(
                    "Too many failed sign-ins for this e-mail address: wait "
                    f"{_count(seconds, 'second')} and try again.",
                    throttled=True,
                )

    if known:  # the owner at a place they signed in from: no flood elsewhere keeps them out
        return attempt.id
    recent = session.scalar(
        select(func.count()).where(others, LoginAttempt.at > now - dt.timedelta(seconds=1))
    )
    if (recent or 0) >= CHECKS_PER_SECOND:
        raise SignInRefused(BUSY, throttled=True)
    return attempt.id


def client_key(address: str) -> str:
    """Whom the per-client limit counts: the address, or for IPv6 its /64 network, since
    one machine is usually given a whole /64 and could try from a new address each time."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:CLIENT_LENGTH]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def backoff(failures: int) -> dt.timedelta:
    """How long after the last failure an account with `failures` recent failures waits
    (from the `ACCOUNT_FREE_FAILURES`-th on): 2 s, 4 s, 8 s ... at most `BACKOFF_CAP`."""
    beyond = failures - ACCOUNT_FREE_FAILURES + 1
    if beyond <= 0:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** min(beyond, 32)), BACKOFF_CAP)


def settle(session: Session, attempt_id: int, succeeded: bool, now: dt.datetime) -> None:
    """Record how the admitted check ended; now and then, purge what is no longer needed."""
    session.execute(
        update(LoginAttempt).where(LoginAttempt.id == attempt_id).values(succeeded=succeeded)
    )
    if attempt_id % PURGE_EVERY == 0:
        purge(session, now)


def purge(session: Session, now: dt.datetime) -> None:
    """Delete the rows the throttle no longer reads: failures (and checks that never
    ended) after `KEEP_FAILURES`, successes after `KEEP_SUCCESSES`."""
    session.execute(
        delete(LoginAttempt)
        .where(
            LoginAttempt.at < now - KEEP_FAILURES,
            or_(LoginAttempt.succeeded.is_(False), LoginAttempt.succeeded.is_(None)),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(LoginAttempt)
        .where(LoginAttempt.at < now - KEEP_SUCCESSES)
        .execution_options(synchronize_session=False)
    )


def _known(session: Session, email: str, client: str, now: dt.datetime) -> bool:
    """Whether this client signed in to this account lately (no address: never)."""
    if not client:
        return False
    found = session.scalar(
        select(LoginAttempt.id)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.client == client,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.at > now - KNOWN_CLIENT_FOR,
        )
        .limit(1)
    )
    return found is not None


def _count(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"
