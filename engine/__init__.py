"""Mentorflow's engine: program definitions, lifecycles, records. Knows nothing of the web."""

from engine.errors import DefinitionError, MentorflowError, Problem
from engine.loader import load_file, load_paths, load_text
from engine.program import Program

__all__ = [
    "DefinitionError",
    "MentorflowError",
    "Problem",
    "Program",
    "load_file",
    "load_paths",
    "load_text",
]
