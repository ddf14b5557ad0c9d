"""A clock that can be moved forward: how the sandbox (and the tests) let days pass.

The service reads the time only through the clock it was given (`Workflow(clock=...)`),
and every date it writes (a state entered, an entry made, a reminder queued) comes from
that clock; so moving this one forward 40 days is, to the engine, 40 days passing.
"""

from __future__ import annotations

import datetime as dt


class MovableClock:
    """Now, as the sandbox wants it to be: starts at `start` and moves only forward."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.start = start or dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.now = self.start

    def __call__(self) -> dt.datetime:
        return self.now

    def today(self) -> dt.date:
        return self.now.date()

    @property
    def days_moved(self) -> int:
        """Whole days the clock has been moved since it started."""
        return (self.now - self.start).days

    def advance(self, days: float) -> None:
        """Let `days` pass (never backwards: the records would contradict each other)."""
        if days < 0:
            raise ValueError("the clock only moves forward")
        self.now += dt.timedelta(days=days)
