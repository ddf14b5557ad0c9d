"""What a signature is given to, and who may give it: the signed text and its fingerprint,
and the typed name a signer signs with.

The text signed is the form's answers as people read them (`shown_answers`: labels and
answers in form order), with the form's id and title, in canonical JSON (sorted keys, no
spaces, UTF-8 as is). Its SHA-256 is kept with each signature, so anyone holding a
printed or exported copy can tell whether it is the version that was signed.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from typing import Any

from ..definition.program import Form
from .answers import shown_answers

FINGERPRINT_SHOWN = 8  # hex digits of the hash that pages and the PDF show
MAX_TYPED_NAME = 200  # the column's size


def signed_text(form: Form, answers: Mapping[str, Any]) -> str:
    """The exact text a signature is given to, in canonical JSON."""
    shown = [[a.label, a.text] for a in shown_answers(form, answers)]
    document = {"form": form.id, "title": form.title, "answers": shown}
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(form: Form, answers: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of `signed_text`."""
    return hashlib.sha256(signed_text(form, answers).encode("utf-8")).hexdigest()


def comparable_name(name: str) -> str:
    """A name as two spellings of it are compared: Unicode-normalised, case folded,
    every run of spaces one space."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def typed_name_problem(typed: str, account_name: str) -> str | None:
    """Why `typed` cannot sign for an account named `account_name`, or None when it can:
    it must be the account's name, ignoring case and spaces. An account without a name
    (some identity providers send none) signs with any name typed: it is recorded as typed."""
    given = comparable_name(typed)
    if not given:
        return "Type your full name to sign."
    if len(typed.strip()) > MAX_TYPED_NAME:
        return f"Use at most {MAX_TYPED_NAME} characters."
    if account_name.strip() and given != comparable_name(account_name):
        return (
            f"Type your full name as your account gives it ({account_name.strip()}); "
            "capitals and spaces do not matter."
        )
    return None
