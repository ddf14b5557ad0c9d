"""The workflow service: apply, submit, sign, match and take transitions.

This is the engine API the web app and the command line call; its parts live in
`workflow_base` (transactions, applying, transitions), `workflow_forms` (filling and
signing) and `workflow_matching` (assigning mentors).
"""

from __future__ import annotations

from .forms import FormFilling
from .matching import Pairings


class Workflow(FormFilling, Pairings):
    """Everything participants, coordinators and commands do to enrollments."""


__all__ = ["Workflow"]
