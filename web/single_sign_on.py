"""Single sign-on: signing in through the agency's OpenID Connect provider, with Authlib.

`GET /login/oidc` sends the browser to the provider (found by issuer discovery) with a
state, a nonce and a PKCE challenge kept in the session. `GET /login/oidc/callback` checks
the state, exchanges the code and validates the ID token (signature, iss, aud, exp, nonce);
its claims go to the engine, which finds or makes the account of the verified address and
grants the roles the roles claim names. Every failure is a page in words, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
)
from joserfc.errors import JoseError

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.service.accounts import SignInRefused
from mentorflow.web.accounts import begin_session, home, requested_next
from mentorflow.web.boundary import error_page, workflow

bp = Blueprint("single_sign_on", __name__)

PROVIDER = "agency"  # the one provider's name in Authlib's registry
NEXT = "mentorflow.single_sign_on.next"  # where to go once signed in
CALLBACK = "/login/oidc/callback"
TIMEOUT = 10  # seconds for each call to the provider: a stuck provider is an error page
UNREACHABLE = (
    "Your agency's sign-in service cannot be reached right now. Try again in a few "
    "minutes; if it keeps happening, tell your program coordinator."
)
START_AGAIN = "Signing in through your agency did not finish. Start again from the sign-in page."


def init_app(app: Flask) -> None:
    """Register the provider from the app's MENTORFLOW_OIDC_* settings."""
    issuer = (app.config.get("MENTORFLOW_OIDC_ISSUER") or "").rstrip("/")
    client_id = app.config.get("MENTORFLOW_OIDC_CLIENT_ID") or ""
    client_secret = app.config.get("MENTORFLOW_OIDC_CLIENT_SECRET") or ""
    if not (issuer and client_id and client_secret):
        raise MentorflowError(
            "Single sign-on needs MENTORFLOW_OIDC_ISSUER, MENTORFLOW_OIDC_CLIENT_ID and "
            "MENTORFLOW_OIDC_CLIENT_SECRET."
        )
    oauth = OAuth(app)
    oauth.register(
        PROVIDER,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": TIMEOUT,
        },
    )
    app.extensions["mentorflow.single_sign_on"] = oauth


def _provider() -> Any:
    """Authlib's client of the provider, its discovery document loaded and checked."""
    client = current_app.extensions["mentorflow.single_sign_on"].create_client(PROVIDER)
    metadata = client.load_server_metadata()
    # OpenID Connect Discovery: the document's issuer is exactly the one asked for; any
    # other answer (a proxy's error page, another tenant) is not the agency's provider.
    if str(metadata.get("issuer", "")).rstrip("/") != _issuer():
        raise ProviderMisconfigured(
            f"The identity provider at {_issuer()} describes itself as "
            f"{metadata.get('issuer')!r}: check MENTORFLOW_OIDC_ISSUER."
        )
    return client


def _issuer() -> str:
    return str(current_app.config["MENTORFLOW_OIDC_ISSUER"]).rstrip("/")


class ProviderMisconfigured(Exception):
    """The provider's discovery document does not fit the settings."""


def _redirect_uri() -> str:
    # The address registered at the provider: the public URL, never the request's Host.
    return str(current_app.config["MENTORFLOW_PUBLIC_URL"]).rstrip("/") + CALLBACK


class SignInFailed(Exception):
    """Signing in through the provider stopped; `unavailable` when the provider could not
    be reached (503), else its answer was refused or cancelled (400)."""

    def __init__(self, message: str = START_AGAIN, *, unavailable: bool = False):
        super().__init__(message)
        self.unavailable = unavailable

    def page(self) -> tuple[str, int]:
        if self.unavailable:
            return error_page(503, "Sign-in is not available right now", str(self))
        return error_page(400, "Signing in did not finish", str(self), link="/login")


# What requests and Authlib raise when the provider cannot be reached, answers with
# something that is not JSON, or its discovery document lacks an endpoint.
_UNREACHABLE_ERRORS = (requests.RequestException, ValueError, RuntimeError, ProviderMisconfigured)


@bp.get("/login/oidc")
def start() -> Any:
    session[NEXT] = requested_next()  # only a path on this site; None: the person's home
    try:
        return _provider().authorize_redirect(_redirect_uri())
    except _UNREACHABLE_ERRORS as exc:
        current_app.logger.warning("single sign-on cannot start: %s", exc)
        return SignInFailed(UNREACHABLE, unavailable=True).page()


@bp.get(CALLBACK)
def callback() -> Any:
    try:
        claims = _validated_claims()
    except SignInFailed as exc:
        session.pop(NEXT, None)
        return exc.page()
    try:
        actor = workflow().sign_in_with_provider(
            email=_text(claims.get("email")),
            email_verified=claims.get("email_verified") in (True, "true"),
            name=_text(claims.get("name")),
            provider_roles=roles_in(claims, current_app.config["MENTORFLOW_OIDC_ROLES_CLAIM"]),
        )
    except SignInRefused as exc:
        session.pop(NEXT, None)
        return render_template("accounts/login.html", email="", message=str(exc)), 403
    target = session.pop(NEXT, None)
    begin_session(actor)
    return redirect(target or home(), code=303)


def _validated_claims() -> Mapping[str, Any]:
    """The ID token's claims once Authlib has checked the state, exchanged the code and
    validated the token; the userinfo endpoint's only when the token names no address."""
    error = request.args.get("error")
    if error:
        current_app.logger.info(
            "single sign-on: the provider answered %s (%s)",
            error,
            request.args.get("error_description", ""),
        )
        if error == "access_denied":
            raise SignInFailed("Signing in was cancelled at your agency's sign-in page.")
        raise SignInFailed()
    try:
        client = _provider()
        # RFC 9207: a provider that names itself in its answer must name the expected one.
        named = request.args.get("iss")
        if named is not None and named.rstrip("/") != _issuer():
            raise SignInFailed()
        token = client.authorize_access_token()
        claims = token.get("userinfo")
        if not claims:  # no ID token: nothing vouches for the person
            raise SignInFailed()
        if not claims.get("email"):
            extra = client.userinfo(token=token)
            if extra.get("sub") != claims.get("sub"):  # OpenID Connect Core 5.3.2
                raise SignInFailed()
            claims = {**extra, **{k: v for k, v in claims.items() if v is not None}}
        return claims
    except (OAuthError, JoseError) as exc:  # state, code or token refused
        current_app.logger.warning("single sign-on refused the provider's answer: %r", exc)
        raise SignInFailed() from None
    except _UNREACHABLE_ERRORS as exc:
        current_app.logger.warning("single sign-on cannot reach the provider: %s", exc)
        raise SignInFailed(UNREACHABLE, unavailable=True) from None


def roles_in(claims: Mapping[str, Any], claim: str | None) -> list[str]:
    """The values of the roles claim: a list of strings or one string. The name is the
    claim's own (`roles`, `https://agency.gov/roles`) or a dotted path into nested claims
    (Keycloak's `resource_access.mentorflow.roles`). Anything else counts as no roles."""
    if not claim:
        return []
    value: Any = claims.get(claim)
    if value is None and "." in claim:
        value = claims
        for part in claim.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
