"""What a password must be (placeholder: length only; NIST SP 800-63B checks to come)."""

from __future__ import annotations

MIN_PASSWORD = 8


def password_problem(password: str, email: str = "") -> str | None:
    """Why this password may not be chosen, in one sentence; None when it may."""
    if len(password.strip()) < MIN_PASSWORD:
        return f"Choose a password of at least {MIN_PASSWORD} characters."
    return None
