"""Admins' webhook pages, and sending the webhook queue after each request that wrote.

/admin/webhooks lists the webhooks by program and adds one (its secret shown once, on
the page that answers the add); /admin/webhooks/<id> shows its recent deliveries, the
failures with their next try and the dead letters, with "Send again" and "Send a test
delivery". The engine refuses everyone but admins.

After a request that may have written (any POST answered below 400), the queue is sent
off the request: by one background thread at a time per app, so a slow receiver never
holds a page. `MENTORFLOW_WEBHOOK_SENDING` says how: `background` (the default),
`inline` (in the request, after the response is built: the default under TESTING, so
tests see what was sent) or `off` (cron's `mentorflow webhook send` alone).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import login_required

from mentorflow.engine.errors import InvalidAnswers, MentorflowError
from mentorflow.engine.service.webhooks import EVENT_KINDS
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.boundary import actor, programs, workflow

bp = Blueprint("webhooks", __name__)
log = logging.getLogger("mentorflow.webhooks")
SENDING = ("background", "inline", "off")


def _list_page(form: dict[str, Any], errors: dict[str, str], added: Any = None) -> tuple[str, int]:
    return render_template(
        "admin/webhooks.html",
        webhooks=workflow().webhooks(actor()),  # admins only: everyone else is refused
        programs=sorted(programs().values(), key=lambda p: p.title),
        kinds=EVENT_KINDS,
        form=form,
        errors=errors,
        added=added,
    ), (400 if errors else 200)


@bp.get("/admin/webhooks")
@login_required
def index() -> Any:
    return _list_page({"url": "", "program": "", "events": []}, {})


@bp.post("/admin/webhooks")
@login_required
def add() -> Any:
    form = {
        "url": request.form.get("url", ""),
        "program": request.form.get("program", ""),
        "events": request.form.getlist("events"),
    }
    try:
        added = workflow().add_webhook(actor(), form["program"], form["url"], form["events"])
    except InvalidAnswers as exc:
        return _list_page(form, exc.errors)
    return _list_page({"url": "", "program": "", "events": []}, {}, added)


@bp.get("/admin/webhooks/<int:webhook_id>")
@login_required
def show(webhook_id: int) -> Any:
    page = workflow().webhook_page(actor(), webhook_id)
    return render_template("admin/webhook.html", page=page, message=request.args.get("said"))


def _back(webhook_id: int, said: str) -> Any:
    return redirect(url_for("webhooks.show", webhook_id=webhook_id, said=said), 303)


@bp.post("/admin/webhooks/<int:webhook_id>/test")
@login_required
def test(webhook_id: int) -> Any:
    workflow().send_test(actor(), webhook_id)
    return _back(webhook_id, "test")


@bp.post("/admin/webhooks/<int:webhook_id>/remove")
@login_required
def remove(webhook_id: int) -> Any:
    workflow().remove_webhook(actor(), webhook_id)
    return redirect(url_for("webhooks.index"), 303)


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/resend")
@login_required
def resend(delivery_id: int) -> Any:
    webhook_id = workflow().resend(actor(), delivery_id)
    return _back(webhook_id, "resent")


class Sender:
    """Sends the queue off the request, one run at a time: a request that finds a run
    going asks it to go round once more instead of starting another."""

    def __init__(self, service: Workflow) -> None:
        self.service = service
        self.running = threading.Lock()
        self.again = threading.Event()

    def kick(self) -> None:
        self.again.set()
        if self.running.acquire(blocking=False):
            threading.Thread(target=self._run, name="webhooks", daemon=True).start()

    def _run(self) -> None:
        try:
            while self.again.is_set():
                self.again.clear()
                self.send()
        finally:
            self.running.release()
        if self.again.is_set():  # asked for while the lock was being let go
            self.kick()

    def send(self) -> None:
        try:
            self.service.send_webhooks()
        except Exception:  # a failing database or receiver must never reach a visitor
            log.exception("Sending webhooks failed; cron's run tries again")


def init_app(app: Flask) -> None:
    default = "inline" if app.testing else "background"
    mode = app.config.setdefault(
        "MENTORFLOW_WEBHOOK_SENDING", os.environ.get("MENTORFLOW_WEBHOOK_SENDING") or default
    )
    if mode not in SENDING:
        raise MentorflowError(
            f"MENTORFLOW_WEBHOOK_SENDING must be one of {', '.join(SENDING)}, not '{mode}'."
        )
    sender = Sender(app.extensions["mentorflow.workflow"])
    app.extensions["mentorflow.webhook_sender"] = sender

    @app.after_request
    def send_webhooks(response: Response) -> Response:
        mode = current_app.config["MENTORFLOW_WEBHOOK_SENDING"]
        if request.method == "POST" and response.status_code < 400:
            if mode == "inline":
                sender.send()
            elif mode == "background":
                sender.kick()
        return response
