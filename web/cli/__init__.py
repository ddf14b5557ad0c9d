"""The `mentorflow` command: a thin click group over the engine's service.

Engine errors become one sentence on stderr and exit code 1; click's own usage errors
exit 2. No traceback ever reaches the person at the terminal. `common` holds the group;
each other module adds its commands to it when imported here, and imports only `common`.
"""

from __future__ import annotations

from . import (  # noqa: F401  (they register)
    access_log,
    definitions,
    export,
    matching,
    records,
    remind,
    retention,
    sandbox,
    tokens,
    webhooks,
)
from .common import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
