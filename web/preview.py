"""`mentorflow preview`: the real app on a sandbox (engine/sandbox), reloaded on every save.

`PreviewServer` is a WSGI app that, on each request, asks the sandbox whether the
definition file changed (a stat, not a read) and, when the new definition loads, builds
the app again on the sandbox's service: the same database, clock and personas, so the
author stays signed in as the persona they were acting as. While the file is broken,
every page is the list of its problems at their lines, until it is fixed. Pages poll
`/preview/version` (static/preview.js) and reload themselves when the file changes.

The `preview` blueprint is the simulator: the personas, one click to apply, fill a form
with sample answers or take a step as any of them, the clock moved forward by days (each
day's automatic steps and reminders), the messages queued, the reports, every generated
form as participants see it, and the lifecycle diagrams. Everything else is the real app,
as a persona sees it after "Act as". It is never registered on a live app.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.sandbox.samples import sample_answers
from mentorflow.engine.sandbox.sandbox import PERSONA_ROLES, Passage, Persona, Sandbox
from mentorflow.engine.service.outbox import OutboxRow

from .accounts import begin_session
from .formgen import form_class, show_if_json, stored_formdata

bp = Blueprint("preview", __name__, url_prefix="/preview")
MOVES = (1, 7, 30, 40)  # the clock's one-click moves, in days
SHOWN_MESSAGES = 30


def sandbox() -> Sandbox:
    found: Sandbox = current_app.extensions["mentorflow.sandbox"]
    return found


def _done(what: Callable[[], Any], said: str) -> Response:
    """Do one simulator action; a refusal is said in words, as the real pages say it."""
    try:
        what()
    except MentorflowError as exc:
        flash(f"Not done: {exc}")
    else:
        flash(said)
    return redirect(request.form.get("back") or url_for("preview.home"))


def _persona(key: str) -> Persona:
    try:
        return sandbox().persona(key)
    except MentorflowError:
        abort(404)


@bp.get("")
def home() -> str:
    box = sandbox()
    program = box.ready
    cards = []
    for persona in box.personas.values():
        if persona.enrollment_id is not None:
            eid = persona.enrollment_id
            cards.append((persona, box.inspect(eid), box.takers(eid, persona)))
    mentors = [p for p in box.personas.values() if p.role == "mentor" and p.enrollment_id]
    messages = box.service.outbox(program.id, box.inspector()).messages[:SHOWN_MESSAGES]
    return render_template(
        "preview/home.html",
        box=box,
        program=program,
        cards=cards,
        mentors=mentors,
        waiting_for_match=program.waiting_for_match,
        messages=messages,
        reminder=_is_reminder,
        reports=box.reports(),
        moves=MOVES,
        roles=PERSONA_ROLES,
    )


def _is_reminder(message: OutboxRow) -> bool:
    return message.reason.startswith("reminder:")


@bp.get("/version")
def version() -> Response:
    return jsonify(version=sandbox().version)


@bp.post("/cast")
def cast() -> Response:
    return _done(
        lambda: sandbox().add_cast(), "Made a mentee, a mentor, a supervisor and a coordinator."
    )


@bp.post("/personas")
def add_persona() -> Response:
    name, role = request.form.get("name", "").strip(), request.form.get("role", "")
    return _done(lambda: sandbox().add_persona(name or role.title(), role), f"Made {name or role}.")


@bp.post("/act/<key>")
def act(key: str) -> Response:
    persona = _persona(key)
    begin_session(sandbox().actor(persona))
    flash(f"You are now {persona.title}.")
    program_id = sandbox().ready.id
    if persona.role == "coordinator":
        return redirect(url_for("coordinator.desk", program_id=program_id))
    if persona.enrollment_id is None and persona.role in ("mentee", "mentor"):
        return redirect(url_for("participant.apply", program_id=program_id, role=persona.role))
    return redirect(url_for("participant.me"))


@bp.post("/apply/<key>")
def apply(key: str) -> Response:
    persona = _persona(key)
    return _done(lambda: sandbox().apply(persona), f"{persona.name} applied with sample answers.")


# What a persona does on an enrollment (`key`'s), as said afterwards.
DOINGS = {
    "fill": "{who} filled {what} on {on}'s enrollment with sample answers.",
    "sign": "{who} signed {what} on {on}'s enrollment.",
    "take": "{who} took '{what}' on {on}'s enrollment.",
}


@bp.post("/<any(fill, sign, take):action>/<key>/<what>")
def act_on(action: str, key: str, what: str) -> Response:
    """`as` fills a form, signs it or takes a step (`what`) on `key`'s enrollment."""
    on = _persona(key)
    who = _persona(request.form.get("as", ""))
    doing = getattr(sandbox(), action)
    said = DOINGS[action].format(who=who.name, what=what, on=on.name)
    return _done(lambda: doing(who, what, on), said)


@bp.post("/match/<key>")
def match(key: str) -> Response:
    mentee, mentor = _persona(key), _persona(request.form.get("mentor", ""))
    return _done(
        lambda: sandbox().match(mentee, mentor), f"Matched {mentee.name} with {mentor.name}."
    )


@bp.post("/clock")
def clock() -> Response:
    try:
        days = float(request.form.get("days", ""))
    except ValueError:
        days = 0
    if not 0 < days <= 3650:
        flash("Not done: move the clock forward by 1 to 3650 days.")
        return redirect(url_for("preview.home"))
    passed: list[Passage] = []
    response = _done(lambda: passed.append(sandbox().advance(days)), _passage_said(days))
    if passed:
        for step in passed[0].steps:
            flash(f"Automatic step: an enrollment moved from {step.before} to {step.after}.")
        for reminder in passed[0].reminders:
            flash(
                f"Reminder queued about {reminder.who} ({reminder.days} days in {reminder.state}): {reminder.text}"
            )
    return response


def _passage_said(days: float) -> str:
    return f"{days:g} day{'s' if days != 1 else ''} passed."


@bp.post("/reset")
def reset() -> Response:
    return _done(lambda: sandbox().reset(), "The sandbox started over: no records, no personas.")


@bp.get("/forms/<form_id>")
def form(form_id: str) -> str:
    """A form as participants see it, `show_if` live; with ?sample, filled with sample
    answers. Nothing is sent from here: act as a persona to fill it for real."""
    box = sandbox()
    program = box.ready
    found = program.forms.get(form_id)
    if found is None:
        abort(404)
    today = box.clock.today()
    data: dict[str, Any] = {f.id: f.default for f in found.fields.values() if f.default is not None}
    if "sample" in request.args:
        try:
            data = stored_formdata(found, sample_answers(program, found, (), today))
        except MentorflowError as exc:
            flash(f"No sample answers: {exc}")
    wtf = form_class(found, today)(data=data)
    return render_template(
        "preview/form.html",
        program=program,
        form=found,
        wtf=wtf,
        show_if=show_if_json,
        today=today.isoformat(),
        errors={},
        kept={},
    )


# -- the server -------------------------------------------------------------------------


class PreviewServer:
    """The WSGI app `mentorflow preview` serves (see the module's docstring)."""

    def __init__(
        self, path: Path, *, public_url: str = "http://127.0.0.1:5050", folder: Path | None = None
    ):
        self.sandbox = Sandbox(path, folder=folder)
        self.public_url = public_url
        self.secret_key = secrets.token_hex(32)
        self._lock = threading.Lock()
        self._built_for: object = None
        self._app: Flask | None = None
        self._problems_app = _problems_app(self.sandbox)

    def app(self) -> Flask:
        with self._lock:
            self.sandbox.refresh()
            if self.sandbox.problems or self.sandbox.workflow is None:
                return self._problems_app
            if self._built_for is not self.sandbox.workflow:
                self._app = self._build()
                self._built_for = self.sandbox.workflow
            assert self._app is not None
            return self._app

    def _build(self) -> Flask:
        from mentorflow.web import create_app

        app = create_app(
            {
                "SECRET_KEY": self.secret_key,
                "MENTORFLOW_WORKFLOW": self.sandbox.workflow,
                "MENTORFLOW_PUBLIC_URL": self.public_url,
                "MENTORFLOW_UPLOADS": str(self.sandbox.uploads),
                "MENTORFLOW_PREVIEW": True,
            }
        )
        app.extensions["mentorflow.sandbox"] = self.sandbox
        app.jinja_env.globals.update(
            preview_version=lambda: self.sandbox.version,
            preview_today=lambda: self.sandbox.clock.today().isoformat(),
        )
        app.register_blueprint(bp)
        return app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.app()(environ, start_response)

    def close(self) -> None:
        self.sandbox.close()


def _problems_app(box: Sandbox) -> Flask:
    """What every address shows while the definition is broken: its problems."""
    app = Flask(__name__)
    app.config["MENTORFLOW_PREVIEW"] = True

    @app.get("/preview/version")
    def problems_version() -> Response:
        return jsonify(version=box.version)

    @app.route("/", defaults={"anything": ""})
    @app.route("/<path:anything>")
    def problems(anything: str) -> tuple[str, int]:
        lines = _source_lines(box.path)
        return render_template("preview/problems.html", box=box, lines=lines), 200

    return app


def _source_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
