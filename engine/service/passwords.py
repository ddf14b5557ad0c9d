"""What a password must be, as NIST SP 800-63B (section 5.1.1.2) asks of a chosen secret.

Length counts, composition rules do not: at least `MIN_PASSWORD` characters (blanks at
either end are not counted, and a run of blanks counts as one), and none of what an
attacker tries first: a password from the list of common and breached ones, one repeated
character or pattern, an obvious sequence (`abcdefgh`, `87654321`, `qwertyui`), the
person's e-mail address or its local part, or the name of the service, each also with
digits or marks added at either end ("derivatives" in NIST's words). Every refusal is
one sentence that says what to choose instead.

The list is the one shipped inside the `zxcvbn` package (30,000 passwords, most common
first, all lower-case), so it is versioned with the code and needs nothing at run time.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator

MIN_PASSWORD = 8
# Long passphrases are welcome (NIST: at least 64 must be allowed); beyond this a
# "password" is a pasted document, and each check would hash all of it (ASVS 2.1.2).
MAX_PASSWORD = 128
SERVICE_NAME = "mentorflow"

# Rows of a keyboard (as typed left to right) and other runs people type as "random".
_RUNS = (
    "abcdefghijklmnopqrstuvwxyz",
    "0123456789",
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qazwsxedcrfvtgbyhnujmikolp",  # the columns, top to bottom
    "!@#$%^&*()",
)
_SHORTEST_PATTERN = 4  # a part shorter than this is not judged as a sequence or repetition

TOO_SHORT = f"Choose a password of at least {MIN_PASSWORD} characters."
TOO_LONG = f"Choose a password of at most {MAX_PASSWORD} characters."
BLANK_RUNS = (
    f"Choose a password of at least {MIN_PASSWORD} characters: blanks in a row count as one."
)
COMMON = (
    "This password is one of the most common ones, which are tried first: choose a less "
    "common one (a few unrelated words make a good password)."
)
PATTERN = (
    "A password of one repeated character, a repeated pattern or a sequence such as "
    "'abcdefgh' or '12345678' is guessed at once: choose another."
)
OWN_EMAIL = "Choose a password that is not your e-mail address or part of it."
SERVICE = f"Choose a password that is not the name of this service, {SERVICE_NAME.title()}."


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password may not be chosen, in one sentence; None when it may."""
    # Each code point is one character (NIST); only the comparisons see the NFKC form,
    # so that a full-width or ligature spelling is the same password.
    text = " ".join(password.split())
    if len(text) < MIN_PASSWORD:
        return TOO_SHORT if len(password.strip()) < MIN_PASSWORD else BLANK_RUNS
    if len(password) > MAX_PASSWORD:
        return TOO_LONG
    forms = set(_forms(unicodedata.normalize("NFKC", text)))
    if forms & common_passwords():
        return COMMON
    if any(_is_pattern(form) for form in forms if len(form) >= _SHORTEST_PATTERN):
        return PATTERN
    address = email.strip().lower()
    own = {address, address.split("@")[0]} if address else set()
    own |= {_letters_and_digits(word) for word in own}
    if forms & (own - {""}):
        return OWN_EMAIL
    if SERVICE_NAME in forms:
        return SERVICE
    return None


@functools.cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's list of common and breached passwords, read once, on first use (importing
    zxcvbn costs about 40 ms: a process that never sets a password never pays it)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def _forms(text: str) -> Iterator[str]:
    """The password as it is compared: lower-cased; then without blanks and marks
    (`correct-horse` as `correcthorse`); then also without digits and marks at either end
    (`dragon2024!` as `dragon`), the way people make a refused password "new"."""
    lowered = text.lower()
    yield lowered
    flat = _letters_and_digits(lowered)
    yield flat
    core = flat.strip("0123456789")
    if core:
        yield core
    # A bare run of digits or marks ("!!!!!!!!") has no letters to keep.
    if not flat:
        yield lowered.replace(" ", "")


def _letters_and_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _is_pattern(text: str) -> bool:
    """One character or unit repeated (`aaaa`, `abab`, `passwordpassword`), a sequence
    of evenly spaced characters (`abcd`, `2468`, `zyxw`), or a run along a keyboard row."""
    if text in (text + text)[1:-1]:  # true exactly when text is a unit repeated
        return True
    steps = {ord(b) - ord(a) for a, b in zip(text, text[1:], strict=False)}
    if len(steps) == 1 and abs(next(iter(steps))) <= 2:
        return True
    return any(text in run or text in run[::-1] for run in _RUNS)
