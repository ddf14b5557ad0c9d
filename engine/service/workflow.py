"""The workflow service: apply, submit, sign, match and take transitions.

This is the engine API the web app and the command line call; its parts live in
`core` (transactions, applying, transitions), `forms` (filling and signing),
`matching` (assigning mentors), `enrollment_pages` (what participants' pages show)
and `uploads` (files posted with a form).
"""

from __future__ import annotations

from ..rules.access import Actor
from .enrollment_pages import EnrollmentPages
from .matching import Pairings
from .uploads import KeptFiles


class Workflow(EnrollmentPages, Pairings, KeptFiles):
    """Everything participants, coordinators and commands do to enrollments."""


# Who acts is passed to every call; callers name it from here, not from the rules.
__all__ = ["Actor", "Workflow"]
