"""`clean_name`: what a chosen name is kept as, so it cannot break a header or a page."""

from __future__ import annotations

import pytest

from mentorflow.engine.service.people import clean_name


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("Carl\r\nBcc: x@evil.example", "Carl Bcc: x@evil.example"),
        ("Carl\nBcc: x@evil.example", "Carl Bcc: x@evil.example"),
        ("Carl\rBcc", "Carl Bcc"),
        ("Ada\tLovelace", "Ada Lovelace"),
        ("Ada\x00Lovelace", "Ada Lovelace"),
        ("Ada\x1b[31mRed", "Ada [31mRed"),
        ("Ada\x7fB\x85C\x9fD", "Ada B C D"),  # DEL and the C1 controls, NEL among them
        ("Ada\u2028Lovelace", "Ada Lovelace"),  # a Unicode line separator
        ("  Ada   \n\n  Lovelace  ", "Ada Lovelace"),
        ("\r\n\t\x00", ""),
        ("Zoë Ñúñez-O'Brien", "Zoë Ñúñez-O'Brien"),  # letters are left alone
    ],
)
def test_controls_become_one_space(typed: str, kept: str) -> None:
    assert clean_name(typed) == kept
