"""The API's door: its blueprint, and who calls (a personal access token, nothing else).

Every call carries `Authorization: Bearer <token>`; the engine says whose it is
(`Workflow.actor_for_api_token`), and the call acts with that person's permissions, no
more. A session cookie is never looked at here, so a page open in a browser cannot
make API calls for its person, and the API needs no CSRF token. Authentication comes
before anything else of the request is read: a call without a good token is 401
whatever it carries.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request
from flask_openapi3 import APIBlueprint, Tag
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from mentorflow.engine.errors import BadToken, MentorflowError
from mentorflow.engine.service.workflow import Actor
from mentorflow.web.access import through_door
from mentorflow.web.api.problems import Problem, from_engine, from_http, problem
from mentorflow.web.boundary import workflow

PREFIX = "/api/v1"
SECURITY = [{"bearer": []}]


def problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


# What any call may answer besides its own outcomes.
COMMON = {
    "400": problem_response(
        "The request is not what this address takes (bad JSON, a parameter of the wrong type)."
    ),
    "401": problem_response("No token, or a token that is unknown, expired or revoked."),
    "403": problem_response("The token's person may not do this."),
    "404": problem_response("No such record, or none this person may see."),
}

bp = APIBlueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    abp_security=SECURITY,
    abp_responses=COMMON,
)
# What its calls read is logged as read through the API (the access log's door).
through_door(bp, "api")

TAGS = {
    "programs": Tag(name="programs", description="The programs and their definitions."),
    "enrollments": Tag(
        name="enrollments",
        description="Enrollments: reading them, taking steps, filling and signing forms.",
    ),
    "staff": Tag(name="staff", description="What a program's coordinators and the admins do."),
}


def caller() -> Actor:
    """The person the call acts for (set by `authenticate`)."""
    found: Actor = g.api_actor
    return found


@bp.before_request
def authenticate() -> Response | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return problem(
            401,
            "Send a personal access token as `Authorization: Bearer <token>`.",
            "unauthenticated",
        )
    try:
        g.api_actor = workflow().actor_for_api_token(token.strip())
    except BadToken as exc:
        return problem(
            401, str(exc) or "This token is unknown, expired or revoked.", "unauthenticated"
        )
    return None


@bp.errorhandler(MentorflowError)
def engine_error(exc: MentorflowError) -> Response:
    return from_engine(exc)


@bp.errorhandler(HTTPException)
# Flask looks for a handler by status code before it looks by blueprint, so the pages'
# own 413 handler (web/boundary.py) would answer API calls without this one.
@bp.errorhandler(RequestEntityTooLarge)
def http_error(exc: HTTPException) -> Response:
    return from_http(exc)


@bp.errorhandler(Exception)
def unexpected(exc: Exception) -> Response:
    current_app.logger.exception("API call failed: %s %s", request.method, request.path)
    return problem(500, "Something went wrong on our side, and it has been logged.")


__all__ = ["PREFIX", "Problem", "bp", "caller"]
