"""The app as gunicorn serves it: `gunicorn 'mentorflow.web.wsgi:app'`.

A server that cannot start (a database it cannot open, an uploads folder it cannot
write, a definition with errors) says why in one sentence, or one line per problem, and
stops: exit code 4 is gunicorn's "the app failed to load", on which the master stops
instead of starting new workers that fail the same way.
"""

from __future__ import annotations

import sys

from mentorflow.engine.errors import DefinitionError, MentorflowError
from mentorflow.web import create_app

APP_FAILED_TO_LOAD = 4  # gunicorn's Arbiter.APP_LOAD_ERROR

try:
    app = create_app()
except DefinitionError as exc:
    print("\n".join(str(problem) for problem in exc.problems), file=sys.stderr)
    raise SystemExit(APP_FAILED_TO_LOAD) from None
except MentorflowError as exc:
    print(f"mentorflow: {exc}", file=sys.stderr)
    raise SystemExit(APP_FAILED_TO_LOAD) from None
