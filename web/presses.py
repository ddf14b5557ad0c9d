"""One press per form: every form a page draws carries a one-time key beside its CSRF
token (`form_keys()` in a template), and a second press of the same form is sent where
the first one led instead of doing the work again.

The engine keeps the keys (engine/service/presses.py); this module only reads the key
from the request, names who pressed, and tells the engine where the response leads.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from mentorflow.engine.errors import AlreadyEnrolled, MentorflowError, Unavailable
from mentorflow.web.boundary import workflow

ONCE = "once"  # the hidden input's name
VISITOR = "visitor"  # the session key naming a browser nobody is signed in on
# Where each press counts on its own: a second sign-in is simply a sign-in, and only its
# own response carries the new session's cookie to the browser.
EVERY_PRESS_COUNTS = frozenset({"accounts.login"})


def form_keys() -> Markup:
    """The hidden inputs every POST form carries: the CSRF token and a new one-time key."""
    if not current_user.is_authenticated:
        session.setdefault(VISITOR, secrets.token_urlsafe(16))
    return Markup(
        '<input type="hidden" name="csrf_token" value="{}">'
        '<input type="hidden" name="' + ONCE + '" value="{}">'
    ).format(generate_csrf(), secrets.token_urlsafe(16))


def _presser() -> str:
    if current_user.is_authenticated:
        return f"person:{current_user.actor.person_id}"
    return f"visitor:{session.get(VISITOR, '')}"


def _where_it_stands() -> str:
    """For a press done whose answer was lost: the enrollment the form belongs to (its
    address begins with the enrollment's; an application's is the one it made), else the
    person's own enrollments."""
    parts = request.path.split("/")
    if len(parts) > 4 and parts[1] == "p" and parts[3] == "enrollments":
        return "/".join(parts[:5])
    if (
        len(parts) == 5
        and parts[1] == "p"
        and parts[3] == "apply"
        and current_user.is_authenticated
    ):
        try:
            workflow().apply_page(parts[2], parts[4], current_user.actor)
        except AlreadyEnrolled as exc:
            return url_for(
                "participant.enrollment", program_id=parts[2], enrollment_id=exc.enrollment_id
            )
        except MentorflowError:
            pass
    if request.path.startswith("/me/tokens"):  # a token made: the list, never the token
        return url_for("tokens.tokens")
    if len(parts) > 2 and parts[1] == "p" and current_user.is_authenticated:
        if parts[2] in current_user.actor.coordinator_of:  # a staff page: their desk
            return url_for("coordinator.desk", program_id=parts[2])
    return url_for("participant.me")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["form_keys"] = form_keys

    @app.before_request
    def pressed_before() -> Any:
        if request.method != "POST" or request.endpoint in EVERY_PRESS_COUNTS:
            return None
        key = request.form.get(ONCE)
        if not key:
            return None
        presser = _presser()
        earlier = workflow().first_press(key, presser)
        if earlier is not None and earlier.led_somewhere:
            return redirect(earlier.location, code=303)
        if earlier is not None:  # done, but its server died before saying where it led
            flash("This form was sent already; here is where things stand.")
            return redirect(_where_it_stands(), code=303)
        g.press = (key, presser)
        return None

    @app.after_request
    def press_over(response: Any) -> Any:
        press = g.pop("press", None)
        if press is not None:
            # Only a 303 is a done deed (every successful POST here answers one); any
            # other answer gives the key back, so the page may be sent again.
            location = response.location if response.status_code == 303 else None
            try:
                workflow().press_done(*press, location, _where_it_stands())
            except Unavailable as exc:  # the key is taken over after a minute
                current_app.logger.error("The press of %s was not recorded: %s", request.path, exc)
        return response

    @app.teardown_request
    def pressing_over(_: BaseException | None) -> None:
        # However the request ended (an unhandled error skips after_request), nothing
        # it set may mark a press that a later request on this thread does not do.
        workflow().pressing_over()
