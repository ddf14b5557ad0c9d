"""RFC 9457 problem details: every error of the API, as `application/problem+json`.

One mapping from the engine's domain exceptions (engine/errors.py) to a status and a
problem, the API's counterpart of web/boundary.py: a refusal of the engine is said in
its own words; a conflict carries its reasons, invalid answers each field's problem,
a refused import each row's. Request-shape errors (a body that is not JSON, a parameter
of the wrong type) are 400, with where each problem is.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException

from mentorflow.engine.errors import (
    Conflict,
    Forbidden,
    ImportFailed,
    InvalidAnswers,
    InvalidQuery,
    MentorflowError,
    NotFound,
    StaleVersion,
    Unavailable,
)

MEDIA_TYPE = "application/problem+json"
# Where each kind of problem is described: relative to the API's own document.
TYPES = "/api/v1/docs#problem-"


class FieldProblem(BaseModel):
    """One answer, or one part of a request, with what is wrong with it."""

    field: str = Field(
        description="The field id (a group entry's as `<group>-<n>-<field>`), or where in the request."
    )
    message: str


class RowProblem(BaseModel):
    """One row of a bulk request that cannot be taken, and why (nothing was written)."""

    row: int = Field(description="The row's position in `rows`, from 1.")
    column: str | None = None
    message: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = Field("about:blank", description="What kind of problem this is, as a URI.")
    title: str = Field(description="The kind of problem, in a few words.")
    status: int
    detail: str = Field(description="What happened, in a sentence for people.")
    instance: str | None = Field(None, description="The address that was asked for.")
    reasons: list[str] | None = Field(None, description="Why a step cannot be taken now (409).")
    errors: list[FieldProblem] | None = Field(
        None, description="Each answer's or parameter's problem (400, 422)."
    )
    rows: list[RowProblem] | None = Field(None, description="Each bad row of a bulk request (422).")


# Each `type` of problem, described on the API's page (its anchor).
KINDS = {
    "unauthenticated": "No token, or one that is unknown, expired or revoked (401).",
    "forbidden": "The token's person may not do this (403).",
    "not-found": "No such record, or none this person may see (404).",
    "invalid-request": "The path, query or body is not what the address takes (400); `errors` says where.",
    "invalid-query": "A filter or cursor that is not one this address knows (400).",
    "refused": "The engine refused the request, said in `detail` (400).",
    "stale-version": "The record changed since the `version` sent (409): read it again.",
    "conflict": "The step or form is not possible now (409); `reasons` lists why.",
    "invalid-answers": "Answers that cannot be stored (422); `errors` has each field's problem.",
    "rows-refused": "A bulk request with bad rows (422); `rows` lists each, nothing was written.",
}

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported media type",
    422: "Cannot be processed",
    500: "Server error",
    503: "Not available right now",
}


def problem(status: int, detail: str, kind: str = "", **extra: Any) -> Response:
    """The problem response: `kind` names its type (e.g. 'stale-version')."""
    body = Problem(
        type=TYPES + kind if kind else "about:blank",
        title=TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.path,
        **extra,
    )
    response = Response(
        json.dumps(body.model_dump(mode="json", exclude_none=True)),
        status=status,
        mimetype=MEDIA_TYPE,
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="mentorflow"'
    return response


def from_engine(exc: MentorflowError) -> Response:
    """The one mapping of the engine's refusals to problems."""
    if isinstance(exc, NotFound):
        return problem(404, str(exc) or "There is nothing here.", "not-found")
    if isinstance(exc, Forbidden):
        return problem(403, str(exc), "forbidden")
    if isinstance(exc, StaleVersion):
        return problem(409, str(exc), "stale-version")
    if isinstance(exc, Conflict):
        reasons = getattr(exc, "reasons", None)
        return problem(409, str(exc), "conflict", reasons=list(reasons) if reasons else None)
    if isinstance(exc, InvalidAnswers):
        errors = [FieldProblem(field=k, message=v) for k, v in exc.errors.items()]
        if exc.form_error:
            errors.append(FieldProblem(field="", message=exc.form_error))
        return problem(422, str(exc), "invalid-answers", errors=errors)
    if isinstance(exc, ImportFailed):
        rows = [RowProblem(row=line - 1, message=text) for line, text in exc.rows]
        return problem(422, str(exc), "rows-refused", rows=rows)
    if isinstance(exc, Unavailable):
        current_app.logger.error("%s %s: %s", request.method, request.path, exc)
        return problem(503, "The records cannot be reached right now, so nothing was saved.")
    if isinstance(exc, InvalidQuery):
        return problem(400, str(exc), "invalid-query")
    return problem(400, str(exc), "refused")


def from_http(exc: HTTPException) -> Response:
    """A routing or protocol error (404, 405, 413 ...) as a problem; a response already
    made (a validation problem) is passed on as it is."""
    if exc.response is not None:
        return exc.response  # type: ignore[return-value]
    status = exc.code or 500
    if status >= 500:
        return problem(status, "Something went wrong on our side, and it has been logged.")
    response = problem(status, exc.description or TITLES.get(status, "Error"))
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def invalid_request(exc: ValidationError) -> Response:
    """A path, query or body that does not fit its model (flask-openapi3 calls this)."""
    errors = [
        FieldProblem(
            field=".".join(str(part) for part in error["loc"]) or "body",
            message=error["msg"],
        )
        for error in exc.errors(include_url=False)
    ]
    return problem(
        400, "The request is not what this address takes.", "invalid-request", errors=errors
    )
