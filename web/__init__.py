"""Mentorflow's web app: a thin layer that turns requests into engine calls.

`create_app()` loads and checks every definition once, at start-up (a definition
with errors stops the app from starting, with every problem listed), opens the
database (applying pending migrations) and wires the blueprints. The app keeps no
state of its own between requests, so several can run behind one PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from mentorflow.engine.definition.fields import kind_of
from mentorflow.engine.definition.loader import load_paths
from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Identity, Settings

csrf = CSRFProtect()


def create_app(config: dict[str, Any] | None = None) -> Flask:
    settings = Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance.resolve()))
    app.config.update(
        SECRET_KEY=settings.secret_key(),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MENTORFLOW_DEFINITIONS=str(settings.definitions),
        MENTORFLOW_DATABASE_URL=settings.database_url,
        MENTORFLOW_UPLOADS=str(settings.uploads),
        **_single_sign_on_config(settings),
    )
    app.config.update(config or {})
    identity = replace(_identity(app.config, settings), mail_in_background=True)
    sso = bool(app.config["MENTORFLOW_OIDC_ISSUER"])
    if not sso and not identity.password_login:
        raise MentorflowError("Without passwords, single sign-on is the only way in: configure it.")
    if identity.secure:
        # Served over TLS behind one proxy: cookies only over TLS, browsers told to keep
        # to it, and the proxy's X-Forwarded-For and -Proto (one hop, no more) trusted for
        # the client's address and the scheme. Not -Host: no absolute link is ever built
        # from the request (mail and single sign-on use MENTORFLOW_PUBLIC_URL).
        # `__Host-`: browsers keep such a cookie only if it is Secure, for this host alone
        # and the whole path, so no sibling subdomain can plant or read it.
        app.config.update(
            SESSION_COOKIE_SECURE=True,
            SESSION_COOKIE_NAME="__Host-session",
            REMEMBER_COOKIE_SECURE=True,
        )
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]
    app.config["MENTORFLOW_HSTS"] = identity.secure
    given: Workflow | None = app.config.get("MENTORFLOW_WORKFLOW")
    if given is not None:
        # The sandbox's own service (web/preview.py): its program, database and clock.
        given.identity = identity
        programs = dict(given.programs)
        app.extensions["mentorflow.workflow"] = given
    else:
        programs = load_paths([app.config["MENTORFLOW_DEFINITIONS"]])
        app.extensions["mentorflow.workflow"] = Workflow.open(
            programs,
            app.config["MENTORFLOW_DATABASE_URL"],
            uploads=Path(app.config["MENTORFLOW_UPLOADS"]),
            identity=identity,
            **(
                {"clock": app.config["MENTORFLOW_CLOCK"]}
                if "MENTORFLOW_CLOCK" in app.config
                else {}
            ),
        )
    app.extensions["mentorflow.programs"] = programs
    app.extensions["mentorflow.workflow"].check_uploads_folder()
    csrf.init_app(app)

    from mentorflow.web import (
        access,
        accounts,
        admin,
        answers,
        api,
        boundary,
        coordinator,
        importing,
        matching,
        monitoring,
        participant,
        presses,
        public,
        reports,
        retention,
        single_sign_on,
        tokens,
        webhooks,
    )
    from mentorflow.web.diagram import lifecycle_svg
    from mentorflow.web.wording import count_of, in_sentence, people_of

    # A label or title inside a sentence: its first letter lowered, acronyms kept.
    app.jinja_env.filters["in_sentence"] = in_sentence
    app.jinja_env.globals.update(
        lifecycle_svg=lifecycle_svg,
        # Role labels in running text, never pluralised by adding "s" (web/wording.py).
        people_of=people_of,
        count_of=count_of,
        # How a field is drawn and marked is its type's to say (engine/definition/fields).
        widget_kind=lambda f: kind_of(f).widget_kind(f),
        demands_answer=lambda f: kind_of(f).demands_answer(f),
        # A field's rules in words, shown before an answer breaks them.
        field_hint=lambda f: kind_of(f).hint(
            f, app.extensions["mentorflow.workflow"].clock().date()
        ),
        # What the sign-in and register links offer.
        single_sign_on=sso,
        password_login=app.config["MENTORFLOW_PASSWORD_LOGIN"],
        # The nav names a coordinator's programs by title, not by id.
        program_title=lambda program_id: (
            programs[program_id].title if program_id in programs else program_id
        ),
    )
    access.init_app(app)
    accounts.init_app(app)
    boundary.init_app(app)
    presses.init_app(app)
    for module in (
        public,
        accounts,
        participant,
        coordinator,
        matching,
        reports,
        monitoring,
        admin,
        answers,
        importing,
        retention,
        tokens,
        access,
        webhooks,
    ):
        app.register_blueprint(module.bp)
    webhooks.init_app(app)
    api.init_app(app)
    if sso:
        single_sign_on.init_app(app)
        app.register_blueprint(single_sign_on.bp)
    return app


# The parts of `Identity` that may also be set one by one, as config keys.
IDENTITY_KEYS = {
    "MENTORFLOW_PUBLIC_URL": "public_url",
    "MENTORFLOW_PASSWORD_LOGIN": "password_login",
    "MENTORFLOW_OIDC_ROLES_CLAIM": "roles_claim",
}


def _identity(config: dict[str, Any], settings: Settings) -> Identity:
    """The environment's `Identity`, or the one a test passes as MENTORFLOW_IDENTITY, with
    any of IDENTITY_KEYS given in the config overriding it; the keys then say what it is,
    so the pages and the engine never disagree."""
    identity: Identity = config.get("MENTORFLOW_IDENTITY") or settings.identity
    identity = replace(
        identity, **{field: config[key] for key, field in IDENTITY_KEYS.items() if key in config}
    )
    config.update({key: getattr(identity, field) for key, field in IDENTITY_KEYS.items()})
    return identity


def _single_sign_on_config(settings: Settings) -> dict[str, str | None]:
    found = settings.single_sign_on
    return {
        "MENTORFLOW_OIDC_ISSUER": found.issuer if found else None,
        "MENTORFLOW_OIDC_CLIENT_ID": found.client_id if found else None,
        "MENTORFLOW_OIDC_CLIENT_SECRET": found.client_secret if found else None,
    }
