"""Mentorflow's engine: program definitions, lifecycles, records. Knows nothing of the web."""

from .definition.loader import load_file, load_paths, load_text
from .definition.program import Program
from .errors import DefinitionError, MentorflowError, Problem

__all__ = [
    "DefinitionError",
    "MentorflowError",
    "Problem",
    "Program",
    "load_file",
    "load_paths",
    "load_text",
]
