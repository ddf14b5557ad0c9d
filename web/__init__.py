"""Mentorflow's web app: a thin layer that turns requests into engine calls.

`create_app()` loads and checks every definition once, at start-up; a definition
with errors stops the app from starting, with every problem listed.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect

from engine.loader import load_paths
from engine.settings import Settings

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    settings = Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        MENTORFLOW_DEFINITIONS=str(settings.definitions),
    )
    app.config.update(config or {})
    programs = load_paths([app.config["MENTORFLOW_DEFINITIONS"]])
    app.extensions["mentorflow.programs"] = programs
    csrf.init_app(app)

    from web import public

    app.register_blueprint(public.bp)
    return app
