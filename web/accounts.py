"""Register, verify an address, accept an invitation, sign in and out, the account page.

The engine keeps the sessions (see engine/service/sessions.py): Flask-Login's user id
is the session's token, and each request asks the engine who that token signs in, so a
session ended on the server signs nobody in, whatever cookie is sent.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    flash,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)
from werkzeug.wrappers import Response

from mentorflow.engine.errors import InvalidAnswers
from mentorflow.engine.service.accounts import SignInRefused
from mentorflow.engine.service.workflow import Actor
from mentorflow.web.boundary import actor, workflow

bp = Blueprint("accounts", __name__)
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Sign in to continue."

# What an account that has not verified its address may still open: these pages, the
# public ones and the assets. Everything else sends it to /verify.
OPEN_BEFORE_VERIFYING = frozenset({"accounts", "public", "single_sign_on"})


class Account(UserMixin):  # type: ignore[misc]
    def __init__(self, token: str, actor: Actor):
        self.actor = actor
        self.id = token  # what Flask-Login keeps in the session: the engine's token


@login_manager.user_loader
def _load(token: str) -> Account | None:
    found = workflow().resume_session(token)
    return Account(token, found) if found else None


def begin_session(who: Actor) -> None:
    """Sign `who` in: a new session on the server, its token in the cookie."""
    if current_user.is_authenticated:  # whoever was signed in here before is signed out
        workflow().end_session(_session_token())
    session.clear()  # nothing from before signing in carries over
    token = workflow().start_session(who, client=request.remote_addr or "")
    login_user(Account(token, who))


def _session_token() -> str:
    return str(current_user.id)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)

    @app.before_request
    def verified_first() -> Response | None:
        if (
            current_user.is_authenticated
            and not current_user.actor.verified
            and request.blueprint not in OPEN_BEFORE_VERIFYING
            and request.endpoint != "static"
        ):
            return redirect(url_for("accounts.verify_wait"))
        return None


def requested_next() -> str | None:
    """The page asked for before signing in: only a path on this site, never an open
    redirect."""
    target = request.args.get("next") or request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return None


def home() -> str:
    """Where the person signed in starts: a coordinator at the desk (of the first program
    they coordinate), an admin who coordinates nothing at the admin page, everyone else
    at their enrollments."""
    who: Actor = current_user.actor
    if who.coordinator_of:
        return url_for("coordinator.desk", program_id=sorted(who.coordinator_of)[0])
    if who.is_admin:
        return url_for("admin.index")
    return url_for("participant.me")


def next_url() -> str:
    """After signing in: the page asked for, else the person's home."""
    return requested_next() or home()


@bp.route("/register", methods=["GET", "POST"])
def register_page() -> Any:
    errors: dict[str, str] = {}
    form = {"name": request.form.get("name", ""), "email": request.form.get("email", "")}
    if request.method == "POST":
        try:
            workflow().register(form["email"], form["name"], request.form.get("password", ""))
        except InvalidAnswers as exc:
            errors = exc.errors
        else:
            # The same answer whether or not the address had an account.
            session["registered"] = form["email"].strip()
            return redirect(url_for("accounts.verify_wait"), code=303)
    status = 400 if errors else 200
    return render_template("accounts/register.html", form=form, errors=errors), status


@bp.get("/verify")
def verify_wait() -> Any:
    """What to do next: open the link mailed to you (and have it sent again)."""
    email = (
        current_user.actor.email if current_user.is_authenticated else session.get("registered", "")
    )
    return render_template(
        "accounts/verify_wait.html",
        email=email,
        messages=get_flashed_messages(),
        mail_logged=not workflow().identity.smtp_url,
    )


@bp.post("/verify")
@login_required
def verify_again() -> Response:
    workflow().resend_verification(current_user.actor)
    flash(f"A new link is on its way to {current_user.actor.email}.")
    return redirect(url_for("accounts.verify_wait"), code=303)


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token: str) -> Any:
    wf = workflow()
    return _link_with_password(
        token, wf.verification_link(token), wf.verify_email, "accounts/verify.html"
    )


def _link_with_password(
    token: str, link: Any, follow: Callable[[str, str], Actor], template: str
) -> Any:
    """A mailed link's page that asks a password (verify, reset): followed with it, the
    mailbox and the password together sign that browser in."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            who = follow(token, request.form.get("password", ""))
        except InvalidAnswers as exc:
            errors = exc.errors
        else:
            begin_session(who)
            return redirect(home(), code=303)
    return render_template(template, link=link, errors=errors), (400 if errors else 200)


@bp.route("/invite/<token>", methods=["GET", "POST"])
def invite(token: str) -> Any:
    invitation = workflow().invitation(token)
    errors: dict[str, str] = {}
    name = request.form.get("name", invitation.name)
    if request.method == "POST":
        try:
            who = workflow().accept_invitation(token, name, request.form.get("password", ""))
        except InvalidAnswers as exc:
            errors = exc.errors
        else:
            if invitation.needs_password:  # they just chose it: signed in with it
                begin_session(who)
                return redirect(home(), code=303)
            # Someone with a password already: the mailed link alone does not sign them in.
            flash(f"You are now {invitation.grants}. Sign in to start.")
            return redirect(url_for("accounts.login"), code=303)
    return render_template(
        "accounts/invite.html", invitation=invitation, name=name, errors=errors
    ), (400 if errors else 200)


@bp.route("/reset", methods=["GET", "POST"])
def forgot_password() -> Any:
    errors: dict[str, str] = {}
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            workflow().request_password_reset(email)
        except InvalidAnswers as exc:
            errors = exc.errors
        else:  # the same answer whether or not the address has an account
            flash(
                f"If {email.strip()} has an account, a link to choose a new password is on "
                "its way there. It works once, for an hour."
            )
            return redirect(url_for("accounts.forgot_password"), code=303)
    return render_template(
        "accounts/reset.html", email=email, errors=errors, notes=get_flashed_messages()
    ), (400 if errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> Any:
    wf = workflow()
    return _link_with_password(
        token, wf.reset_link(token), wf.reset_password, "accounts/reset_password.html"
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    message = None
    email = request.form.get("email", "")
    status = 200
    if request.method == "POST":
        try:
            who = workflow().sign_in(
                email, request.form.get("password", ""), client=request.remote_addr or ""
            )
        except SignInRefused as exc:
            message = str(exc)
            status = 429 if exc.throttled else 400
        else:
            begin_session(who)
            return redirect(next_url(), code=303)
    return render_template(
        "accounts/login.html", email=email, message=message, notes=get_flashed_messages()
    ), status


@bp.post("/logout")
@login_required
def logout() -> Response:
    workflow().end_session(_session_token())
    return _signed_out(url_for("public.index"))


def _signed_out(then: str) -> Response:
    logout_user()
    session.clear()
    return redirect(then, code=303)


@bp.get("/session/alive")
def alive() -> Response:
    """Someone is typing on a page (static/keep-alive.js): loading who they are has
    already kept their session from going idle; say whether it still stands."""
    return Response(status=204 if current_user.is_authenticated else 401)


@bp.get("/account")
@login_required
def account() -> str:
    return _account_page({}, get_flashed_messages())


def _account_page(errors: dict[str, str], notes: list[str]) -> str:
    return render_template(
        "accounts/account.html",
        errors=errors,
        notes=notes,
        sessions=workflow().open_sessions(actor(), _session_token()),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int) -> Response:
    workflow().end_open_session(actor(), session_id)
    flash("That session has ended.")
    return redirect(url_for("accounts.account"), code=303)


@bp.post("/account/password")
@login_required
def change_password() -> Any:
    try:
        workflow().change_password(
            actor(),
            request.form.get("current", ""),
            request.form.get("password", ""),
            keep=_session_token(),
            client=request.remote_addr or "",
        )
    except InvalidAnswers as exc:
        return _account_page(exc.errors, []), 400
    except SignInRefused as exc:
        return _account_page({"current": str(exc)}, []), 429
    flash("Your password is changed, and every other session of yours has ended.")
    return redirect(url_for("accounts.account"), code=303)


@bp.post("/account/sign-out-everywhere")
@login_required
def sign_out_everywhere() -> Response:
    workflow().sign_out_everywhere(actor())
    return _signed_out(url_for("accounts.login"))
