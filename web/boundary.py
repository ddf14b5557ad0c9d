"""Where engine errors become pages and status codes, and requests find the engine.

Engine errors are domain exceptions; each maps to one status (404, 403, 409, 400, 503)
and a page that says what happened in words. The page carries the CSRF token like
every other page, so whatever comes next can be posted. When what the app stands on
fails (the database, the uploads folder), the page is drawn without it and offers what
was posted to be sent again; if even that page cannot be drawn, a plain one is sent.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, render_template, request
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import (
    Conflict,
    Forbidden,
    MentorflowError,
    NotFound,
    Unavailable,
)
from mentorflow.engine.service.workflow import Actor, Workflow

ANONYMOUS = Actor(person_id="", email="")  # relations() finds nothing for it


def workflow() -> Workflow:
    found: Workflow = current_app.extensions["mentorflow.workflow"]
    return found


def programs() -> dict[str, Program]:
    found: dict[str, Program] = current_app.extensions["mentorflow.programs"]
    return found


def actor() -> Actor:
    if current_user.is_authenticated:
        found: Actor = current_user.actor
        return found
    return ANONYMOUS


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_page(status: int, title: str, message: str, **context: Any) -> tuple[str, int]:
    if wants_json():
        return {"error": message}, status  # type: ignore[return-value]
    try:
        page = render_template("error.html", status=status, title=title, message=message, **context)
    except Exception:  # the page itself needs what failed: say it plainly, never a bare 500
        current_app.logger.exception("The error page could not be drawn")
        page = PLAIN_PAGE.format(title=escape(title), message=escape(message))
    return page, status


PLAIN_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title} · Mentorflow</title></head><body><main><h1>{title}</h1>"
    '<p role="alert">{message}</p><p>Press Back and try again in a moment.</p>'
    "</main></body></html>"
)

# What a person reads when the database fails (the driver's words go to the log only).
RECORDS_UNREACHABLE = "The records cannot be reached right now, so nothing was saved."

# Posted fields never written back into a page: what was typed into them is not kept.
NOT_ECHOED = ("password", "csrf_token")


def resend_fields() -> tuple[list[tuple[str, str]], bool]:
    """What a POST carried, to send again as it was from the 503 page: every field but
    passwords (never written into a page); and whether anything could not be kept
    (a password, an attached file), so the page asks for it again."""
    if request.method != "POST":
        return [], False
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if not any(word in name for word in NOT_ECHOED)
    ]
    dropped = any("password" in name for name in request.form) or any(
        upload.filename for upload in request.files.values()
    )
    return fields, dropped


def unavailable_page() -> tuple[str, int]:
    """503 for a database or uploads folder that fails: drawn without asking the database
    who is signed in (that is what failed), with the posted answers ready to resend."""
    if "_login_user" not in g:  # Flask-Login's cache: no second try at the database
        g._login_user = AnonymousUserMixin()
    fields, dropped = resend_fields()
    message = RECORDS_UNREACHABLE
    if request.method == "POST":
        message += " Your answers are kept: send them again in a moment."
    return error_page(
        503,
        "Not available right now",
        message,
        resend=fields,
        resend_dropped=dropped,
        resend_to=request.full_path.rstrip("?") if request.method == "POST" else None,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(NotFound)
    def not_found(exc: NotFound) -> tuple[str, int]:
        return error_page(404, "Not found", str(exc) or "There is nothing here.")

    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden) -> tuple[str, int]:
        return error_page(403, "Not allowed", str(exc))

    @app.errorhandler(Conflict)
    def conflict(exc: Conflict) -> tuple[str, int]:
        return error_page(
            409, "Not possible right now", str(exc), reasons=getattr(exc, "reasons", None)
        )

    @app.errorhandler(Unavailable)
    def unavailable(exc: Unavailable) -> tuple[str, int]:
        current_app.logger.error("%s %s: %s", request.method, request.path, exc)
        return unavailable_page()

    @app.errorhandler(MentorflowError)
    def other(exc: MentorflowError) -> tuple[str, int]:
        return error_page(400, "Something is not right", str(exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError) -> tuple[str, int]:
        return error_page(
            400,
            "Please try again",
            "This form had expired or was sent from elsewhere, so nothing was saved. "
            "Go back, reload the page and send it again.",
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> tuple[str, int]:
        limit = (app.config["MAX_CONTENT_LENGTH"] or 0) // (1024 * 1024)
        return error_page(
            413, "Too large", f"What was sent is larger than {limit} MB, so nothing was saved."
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        if (exc.code or 500) >= 500:
            return error_page(
                exc.code or 500,
                "Something went wrong",
                "Something went wrong on our side, and it has been logged. Press Back and "
                "send again; if it happens again, tell the program's coordinator.",
            )
        return error_page(exc.code or 500, exc.name, exc.description or "")

    @app.after_request
    def security_headers(response: Any) -> Any:
        # Every asset is served by the app itself: no CDN, no inline script.
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        if app.config.get("MENTORFLOW_HSTS"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
