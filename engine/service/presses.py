"""Exactly once per press of a form, the way payment APIs take an idempotency key.

Every form a page draws carries a random one-time key. The first press of it claims the
key here before doing its work and, when the work led somewhere (a redirect), records
where. A second press of the same key (a double click, a resend, the same page in two
tabs) is sent to that place instead of doing the work again; while the first is still
being worked on, the second waits for it. A press whose work led nowhere (a form sent
back for its answers, a refusal) gives its key back, so the same page can be sent again.

The work and its press are written together: every transaction committed while a press
is being worked on marks it done in that same transaction, so a server killed between the
work and its answer leaves a press known done (a resend is sent to where things stand),
never one a later press takes over and does a second time.

The key lives in the database, so this holds across app servers and their workers. It is
kept under the hash of who pressed it and the key, so one person's key means nothing to
anyone else, and a key never read back from a page is never stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from dataclasses import dataclass

from sqlalchemy import delete, update

from ..errors import Clashed, Conflict
from ..records.store import FormPress
from .session import PRESSING, WORK_WRITTEN, ServiceBase

KEPT = dt.timedelta(days=1)  # a press remembered this long; a resend after it is new
# A first press still unfinished after this long died with its server (a killed
# worker): a later press of its key takes the key over and does the work.
ABANDONED = dt.timedelta(minutes=1)
WAIT_SECONDS = 10.0  # how long a second press waits for the first to finish
POLL_SECONDS = 0.05
KEY_LENGTH = 200  # longer keys are cut: they are hashed, never stored as sent

STILL_SENDING = (
    "This form is still being sent from another press; wait a moment, then reload the page."
)


@dataclass(frozen=True)
class EarlierPress:
    """The same form was pressed before, and its press led here; `location` is empty when
    its work was written but its server died before saying where it led."""

    location: str

    @property
    def led_somewhere(self) -> bool:
        return self.location != WORK_WRITTEN


def press_hash(key: str, presser: str) -> str:
    return hashlib.sha256(f"{presser}\x00{key[:KEY_LENGTH]}".encode()).hexdigest()


class Presses(ServiceBase):
    def first_press(
        self, key: str, presser: str, *, wait: float = WAIT_SECONDS
    ) -> EarlierPress | None:
        """Claim a form's key for this press: None when it is the first (do the work,
        then call `press_done`), or where an earlier press of it led. Waits up to `wait`
        seconds for an earlier press that is still being worked on; Conflict (409) when it
        is not done by then."""
        hashed = press_hash(key, presser)
        PRESSING.set(None)  # whatever an earlier request on this thread left
        give_up = time.monotonic() + wait
        while True:
            try:
                with self.transaction() as session:
                    session.add(FormPress(key_hash=hashed, created_at=self.clock()))
                PRESSING.set(hashed)
                return None
            except Clashed:
                pass  # pressed before: see how far that press got
            with self.reading() as session:
                found = session.get(FormPress, hashed)
                earlier = (found.location, found.created_at) if found is not None else None
            if earlier is None:
                continue  # given back a moment ago: claim it again
            location, created_at = earlier
            abandoned = self.clock() - created_at > ABANDONED
            if location is not None and location != WORK_WRITTEN:
                return EarlierPress(location)
            if location == WORK_WRITTEN and (abandoned or time.monotonic() >= give_up):
                return EarlierPress(location)  # done; where it led died with its server
            if location is None and abandoned and self._take_over(hashed, created_at):
                PRESSING.set(hashed)
                return None
            if time.monotonic() >= give_up:
                raise Conflict(STILL_SENDING)
            time.sleep(POLL_SECONDS)

    def _take_over(self, hashed: str, created_at: dt.datetime) -> bool:
        """Claim a key whose first press died unfinished; False if another press took it
        (or the first one finished) in the meantime."""
        with self.transaction() as session:
            taken = session.execute(
                update(FormPress)
                .where(
                    FormPress.key_hash == hashed,
                    FormPress.created_at == created_at,
                    FormPress.location.is_(None),
                )
                .values(created_at=self.clock())
                .execution_options(synchronize_session=False)
            )
            return bool(getattr(taken, "rowcount", 0) == 1)

    def press_done(
        self, key: str, presser: str, location: str | None, fallback: str | None = None
    ) -> None:
        """The first press of a key is over: record where it led, or, when it led nowhere
        (`location` None), give the key back so the same form may be sent again; unless
        its work was written (a page of results, say): then a resend goes to `fallback`,
        where things stand, and nothing is done again. Presses older than a day are
        forgotten here too."""
        hashed = press_hash(key, presser)
        now = self.clock()
        PRESSING.set(None)
        with self.transaction() as session:
            found = session.get(FormPress, hashed)
            if found is not None:
                if location is None and found.location != WORK_WRITTEN:
                    session.delete(found)
                elif location is None:
                    found.location = (fallback or WORK_WRITTEN)[:2000]
                else:
                    found.location = location[:2000]
            session.execute(delete(FormPress).where(FormPress.created_at < now - KEPT))

    def pressing_over(self) -> None:
        """The request is over, however it ended: nothing it leaves behind marks a press
        (a worker's next request must not mark a press it does not do)."""
        PRESSING.set(None)
