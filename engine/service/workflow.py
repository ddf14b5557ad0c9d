"""The workflow service: apply, submit, sign, match and take transitions.

This is the engine API the web app and the command line call; its parts live in
`core` (transactions, applying, transitions), `forms` (filling and signing),
`matching` (assigning mentors) and `importer` (applications in bulk).
"""

from __future__ import annotations

from .forms import FormFilling
from .importer import Importing
from .matching import Pairings


class Workflow(FormFilling, Pairings, Importing):
    """Everything participants, coordinators and commands do to enrollments."""


__all__ = ["Workflow"]
