"""The workflow service: apply, submit, sign, match and take transitions; staff pages.

This is the engine API the web app and the command line call; its parts live in
`core` (transactions, applying, transitions), `forms` (filling and signing),
`matching` (assigning mentors) and `matching_review` (the matching page), `desk` (the
coordinator's desk and bulk moves), `outbox` (messages, reminders, mail), `monitoring`
(reports, recognition, export) and `accounts` (registering, signing in, staff).
Every call opens its own session and hands out plain, immutable values.
"""

from __future__ import annotations

from .accounts import Accounts
from .desk import Desk
from .forms import FormFilling
from .matching_review import Review
from .monitoring import Figures
from .outbox import Outbox


class Workflow(FormFilling, Review, Desk, Outbox, Figures, Accounts):
    """Everything participants, coordinators and commands do to enrollments."""


__all__ = ["Workflow"]
