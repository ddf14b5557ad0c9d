"""Where engine errors become pages and status codes, and requests find the engine.

Engine errors are domain exceptions; each maps to one status (404, 403, 409, 400)
and a page that says what happened in words. The page carries the CSRF token like
every other page, so whatever comes next can be posted.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mentorflow.engine.definition.program import Program
from mentorflow.engine.errors import (
    Conflict,
    DatabaseFailed,
    Forbidden,
    MentorflowError,
    NotFound,
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
    return render_template(
        "error.html", status=status, title=title, message=message, **context
    ), status


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

    @app.errorhandler(DatabaseFailed)
    def database_failed(exc: DatabaseFailed) -> tuple[str, int]:
        return error_page(
            503, "Not available right now", "The records cannot be reached; try again shortly."
        )

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
