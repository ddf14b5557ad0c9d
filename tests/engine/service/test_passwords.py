"""What a password must be (NIST SP 800-63B): long enough, not common, not a pattern, not
the person's own address or the service's name; no composition rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service import passwords
from mentorflow.engine.service.passwords import password_problem
from mentorflow.engine.service.workflow import Workflow

EMAIL = "ada.lovelace@agency.example.gov"

REFUSED = [
    # (password, what is said), each a way people choose a password that is guessed first
    ("password", passwords.COMMON),
    ("aaaaaaaa", passwords.PATTERN),
    (" " * 8, passwords.TOO_SHORT),
    ("", passwords.TOO_SHORT),
    ("seven c", passwords.TOO_SHORT),
    ("  short  ", passwords.TOO_SHORT),  # blanks at either end do not count
    ("a      b", passwords.BLANK_RUNS),  # nor do all but one of a run of blanks
    ("PassWord", passwords.COMMON),  # the list is compared without regard to case
    ("Password1!", passwords.COMMON),
    ("dragon2024!", passwords.COMMON),  # a listed one with digits and marks added
    ("12345678", passwords.COMMON),
    ("iloveyou", passwords.COMMON),
    ("abcdefgh", passwords.PATTERN),
    ("87654321", passwords.PATTERN),
    ("zyxwvuts", passwords.PATTERN),
    ("acegikmo", passwords.PATTERN),
    ("lkjhgfds", passwords.PATTERN),  # along a keyboard row, backwards
    ("abab abab", passwords.PATTERN),
    ("horsehorse", passwords.PATTERN),
    ("kettle orbit " * 5, passwords.PATTERN),
    ("!!!!!!!!!!", passwords.PATTERN),
    ("!@#$%^&*", passwords.PATTERN),
    ("１２３４５６７８", passwords.COMMON),  # full-width digits are the same digits
    (EMAIL, passwords.OWN_EMAIL),
    (EMAIL.upper(), passwords.OWN_EMAIL),
    ("ada.lovelace", passwords.OWN_EMAIL),
    ("Ada Lovelace 1815", passwords.OWN_EMAIL),
    ("mentorflow", passwords.SERVICE),
    ("MentorFlow 2026!", passwords.SERVICE),
    ("word salad " * 12 + "and more", passwords.TOO_LONG),  # 140: a document, not a password
]

ACCEPTED = [
    "correct horse battery staple",
    "Tr0ub4dor&3",
    "lighthouse tangerine",
    "ʕ•ᴥ•ʔ hello bear",
    "a" * 7 + "b",
    "mentor flows quietly downstream",  # the service's name inside a phrase is fine
    "x" * 63 + "y",  # long, with no upper limit below what NIST asks (64)
    # 125 characters: long, and still taken
    (
        "the kettle sang while orbiting marsh birds argued about velvet and tin, then slept "
        "under a copper moon near the quiet harbour"
    ),
    "the kettle sang while orbiting marsh birds argued about velvet and tin, then slept",
]


@pytest.mark.parametrize(("password", "said"), REFUSED)
def test_weak_passwords_are_refused_with_one_sentence(password: str, said: str) -> None:
    assert password_problem(password, EMAIL) == said
    assert said.endswith(".") and said.count(". ") == 0


@pytest.mark.parametrize("password", ACCEPTED)
def test_good_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, EMAIL) is None


def test_the_own_address_matters_only_when_given() -> None:
    assert password_problem("ada.lovelace") is None
    assert password_problem("ada.lovelace", "someone.else@example.gov") is None


def test_the_list_is_the_one_shipped_with_zxcvbn() -> None:
    listed = passwords.common_passwords()
    assert len(listed) >= 10_000
    assert {"password", "123456", "qwerty", "letmein"} <= listed
    assert passwords.common_passwords() is listed  # read once


@given(st.text(max_size=40))
def test_an_accepted_password_has_eight_characters_besides_blanks(password: str) -> None:
    if password_problem(password) is None:
        assert len(password.strip()) >= passwords.MIN_PASSWORD
        assert len(" ".join(password.split())) >= passwords.MIN_PASSWORD


@pytest.mark.parametrize("password", ["password", "aaaaaaaa", " " * 8])
def test_registering_and_granting_staff_ask_the_same(workflow: Workflow, password: str) -> None:
    said = password_problem(password, EMAIL)
    with pytest.raises(InvalidAnswers) as registered:
        workflow.register(EMAIL, "Ada Lovelace", password)
    assert registered.value.errors == {"password": said}
    with pytest.raises(InvalidAnswers) as granted:
        workflow.grant_staff(SYSTEM_ACTOR, EMAIL, "Ada Lovelace", None, password)
    assert granted.value.errors == {"password": said}
    assert workflow.find_actor(EMAIL) is None
