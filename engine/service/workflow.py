"""The workflow service: the one door into the engine, for pages, commands and the API.

Its parts live in
- `session`: one session per call, failures made domain errors, the staff right;
- `core`: applying, transitions, automatic steps; `forms`: filling and signing;
- `enrollment_pages` and `views`: what participants' pages show; `uploads`: files posted
  with a form; `drafts`: forms saved unfinished; `documents`: a form with its signatures,
  to print; `presses`: a form pressed twice does its work once;
- `matching` (assigning mentors) and `matching_review` (the matching page);
- `desk`: the coordinator's desk and bulk moves; `importer`: applications in bulk;
  `answer_tables`: one form's answers as a table;
- `outbox`: messages, reminders, mail; `monitoring`: reports, recognition, export;
- `accounts` (signing in, single sign-on, staff), `verification` (registering, proving
  an address), `invitations` (staff roles bound through a mailed link), `sessions` (kept
  on the server), `links` (the one-use links mailed for those), `api_tokens` (personal
  access tokens for the API);
- `events_feed`: the program feed (records/feed.py) read with a cursor;
- `access_log`: who read whose records, through which door, and that log read back;
- `webhooks` (admins' webhooks, their deliveries) and `webhook_sender` (sending the
  queue after the commit, signed, in order);
- `retention` (the definitions' schedules, legal holds, purging) and `person_records`
  (a person's export and erasure);
- `personas`: the sandbox's made-up people.
Every call opens its own session and hands out plain, immutable values (`snapshots` for
what a write returns).
"""

from __future__ import annotations

from ..rules.access import SYSTEM_ACTOR, Actor
from .access_log import AccessLog
from .accounts import Accounts
from .answer_tables import AnswerTables
from .api_tokens import ApiTokens
from .desk import Desk
from .documents import Documents
from .enrollment_pages import EnrollmentPages
from .events_feed import EventsFeed
from .importer import Importing
from .matching_review import Review
from .monitoring import Figures
from .outbox import Outbox
from .person_records import PersonRecords
from .personas import Personas
from .presses import Presses
from .retention import Retention
from .uploads import KeptFiles
from .webhooks import Webhooks


class Workflow(
    EnrollmentPages,
    Review,
    Desk,
    Outbox,
    Figures,
    Accounts,
    KeptFiles,
    Importing,
    Presses,
    AnswerTables,
    Documents,  # and `drafts`, which it builds on
    Personas,
    EventsFeed,
    ApiTokens,
    AccessLog,
    Webhooks,
    Retention,
    PersonRecords,
):
    """Everything participants, coordinators and commands do to enrollments."""


# Who acts is passed to every call; callers name it from here, not from the rules.
__all__ = ["SYSTEM_ACTOR", "Actor", "Workflow"]
