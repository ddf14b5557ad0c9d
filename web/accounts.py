"""Register, sign in, sign out. Passwords are hashed by the engine; sessions by Flask-Login."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask_login import LoginManager, UserMixin, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from mentorflow.engine.errors import Conflict, InvalidAnswers
from mentorflow.engine.service.accounts import SignInRefused
from mentorflow.engine.service.workflow import Actor
from mentorflow.web.boundary import workflow

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to continue."


class Account(UserMixin):  # type: ignore[misc]
    def __init__(self, actor: Actor):
        self.actor = actor
        self.id = actor.person_id


@login_manager.user_loader
def _load(person_id: str) -> Account | None:
    found = workflow().load_actor(person_id)
    return Account(found) if found else None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


def _next_url() -> str:
    """Only a path on this site: never an open redirect."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("participant.me")


@bp.route("/register", methods=["GET", "POST"])
def register_page() -> Any:
    errors: dict[str, str] = {}
    message = None
    form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
    if request.method == "POST":
        try:
            actor = workflow().register(
                form["email"], form["name"], request.form.get("password", "")
            )
        except InvalidAnswers as exc:
            errors = exc.errors
        except Conflict as exc:
            message = str(exc)
        else:
            login_user(Account(actor))
            return redirect(_next_url(), code=303)
        status = 400
    else:
        status = 200
    return render_template(
        "accounts/register.html", form=form, errors=errors, message=message
    ), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    message = None
    email = request.form.get("email", "")
    status = 200
    if request.method == "POST":
        try:
            actor = workflow().sign_in(
                email, request.form.get("password", ""), client=request.remote_addr or ""
            )
        except SignInRefused as exc:
            message = str(exc)
            status = 429 if exc.throttled else 400
        else:
            login_user(Account(actor))
            return redirect(_next_url(), code=303)
    return render_template("accounts/login.html", email=email, message=message), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    logout_user()
    return redirect(url_for("public.index"), code=303)
