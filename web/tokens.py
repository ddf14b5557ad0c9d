"""One's personal access tokens for the API (/me/tokens): make one, see them, revoke one.

A new token is shown once, in the page that answers the form that made it: never in an
address, a redirect or a flashed message (those end up in logs, history and cookies),
and that page is not kept by the browser's cache.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("tokens", __name__)

# Longer than any number of days the engine takes: a bound on what is even read.
DAYS_DIGITS = 9
NOT_A_NUMBER = "Enter a whole number of days, or leave it empty for a token that never expires."


def _page(errors: dict[str, str], typed: dict[str, str], new: Any = None, status: int = 200) -> Any:
    service: Workflow = workflow()
    page = render_template(
        "accounts/tokens.html",
        tokens=service.api_tokens(actor()),
        errors=errors,
        typed=typed,
        new=new,
    )
    response = Response(page, status=status, mimetype="text/html")
    # The page may hold a token: no cache, no back-button copy of it.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/me/tokens")
@login_required
def tokens() -> Any:
    return _page({}, {"name": "", "expires_days": ""})


@bp.post("/me/tokens")
@login_required
def create() -> Any:
    typed = {
        "name": request.form.get("name", "")[:1000],
        "expires_days": request.form.get("expires_days", "").strip()[:1000],
    }
    days: int | None = None
    if typed["expires_days"]:
        text = typed["expires_days"]
        if not (text.isascii() and text.isdigit()) or len(text) > DAYS_DIGITS:
            # Only whether it is a number at all; what numbers may be is the engine's.
            return _page({"expires_days": NOT_A_NUMBER}, typed, status=400)
        days = int(text)
    try:
        made = workflow().create_api_token(actor(), name=typed["name"], expires_days=days)
    except InvalidAnswers as exc:
        return _page(exc.errors, typed, status=400)
    return _page({}, {"name": "", "expires_days": ""}, new=made)


@bp.post("/me/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> Response:
    workflow().revoke_api_token(actor(), token_id)
    flash(f"Token {token_id} is revoked: it works no more.")
    return redirect(url_for("tokens.tokens"), code=303)
