"""The workflow service: apply, submit, sign, match and take transitions.

This is the engine API the web app and the command line call; its parts live in
`core` (transactions, applying, transitions), `forms` (filling and signing) and
`matching` (assigning mentors).
"""

from __future__ import annotations

from .forms import FormFilling
from .matching import Pairings


class Workflow(FormFilling, Pairings):
    """Everything participants, coordinators and commands do to enrollments."""


__all__ = ["Workflow"]
