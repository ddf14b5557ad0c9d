"""Where things are: every setting comes from the environment, with a working default."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import MentorflowError

DEFAULT_PUBLIC_URL = "http://127.0.0.1:5000"
TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Identity:
    """How people are known and how long they stay signed in: what the engine needs of
    the settings to write links in mail, end sessions and admit sign-ins."""

    public_url: str = DEFAULT_PUBLIC_URL  # the base of every link in mail
    smtp_url: str | None = None  # identity mail is sent at once when set, else logged
    session_idle: dt.timedelta = dt.timedelta(minutes=30)
    session_lifetime: dt.timedelta = dt.timedelta(hours=12)
    password_login: bool = True  # False: single sign-on is the only way in
    roles_claim: str | None = None  # the ID token claim that grants staff roles
    # Send account mail off the caller's thread (the web app: a request's duration then
    # says nothing about the address); commands send it before they end.
    mail_in_background: bool = False

    @property
    def secure(self) -> bool:
        """Served over TLS: cookies are Secure, HSTS is sent, one proxy hop is trusted."""
        return self.public_url.startswith("https://")

    def link(self, path: str) -> str:
        return self.public_url.rstrip("/") + path


@dataclass(frozen=True)
class SingleSignOn:
    """An OpenID Connect provider (MENTORFLOW_OIDC_*), when one is configured."""

    issuer: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Settings:
    database_url: str
    definitions: Path
    uploads: Path
    instance: Path
    smtp_url: str | None
    identity: Identity = Identity()
    single_sign_on: SingleSignOn | None = None

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        instance = Path(env.get("MENTORFLOW_INSTANCE", "instance"))
        return cls(
            database_url=env.get("MENTORFLOW_DATABASE_URL", f"sqlite:///{instance}/mentorflow.db"),
            definitions=Path(env.get("MENTORFLOW_DEFINITIONS", "definitions/")),
            uploads=Path(env.get("MENTORFLOW_UPLOADS", str(instance / "uploads"))),
            instance=instance,
            smtp_url=env.get("MENTORFLOW_SMTP_URL") or None,
            identity=Identity(
                public_url=env.get("MENTORFLOW_PUBLIC_URL") or DEFAULT_PUBLIC_URL,
                smtp_url=env.get("MENTORFLOW_SMTP_URL") or None,
                session_idle=dt.timedelta(
                    minutes=_number(env, "MENTORFLOW_SESSION_IDLE_MINUTES", 30)
                ),
                session_lifetime=dt.timedelta(
                    hours=_number(env, "MENTORFLOW_SESSION_LIFETIME_HOURS", 12)
                ),
                password_login=_flag(env, "MENTORFLOW_PASSWORD_LOGIN", True),
                roles_claim=env.get("MENTORFLOW_OIDC_ROLES_CLAIM") or None,
            ),
            single_sign_on=_single_sign_on(env),
        )

    def secret_key(self, env: dict[str, str] | None = None) -> str:
        """MENTORFLOW_SECRET_KEY, else one generated on first use and kept in instance/."""
        given = (os.environ if env is None else env).get("MENTORFLOW_SECRET_KEY")
        if given:
            return given
        path = self.instance / "secret_key"
        if not path.exists():
            self.instance.mkdir(parents=True, exist_ok=True)
            try:  # exclusive: of app servers starting together, one key wins for all
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        for _ in range(50):  # the winner may still be writing it
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise MentorflowError(f"{path} is empty; delete it or set MENTORFLOW_SECRET_KEY.")


def _number(env: dict[str, str], name: str, default: float) -> float:
    given = env.get(name)
    if not given:
        return default
    try:
        value = float(given)
    except ValueError:
        raise MentorflowError(f"{name} must be a number, not '{given}'.") from None
    if value <= 0:
        raise MentorflowError(f"{name} must be more than 0, not '{given}'.")
    return value


def _flag(env: dict[str, str], name: str, default: bool) -> bool:
    given = env.get(name, "").strip().lower()
    if not given:
        return default
    if given in TRUE or given in FALSE:
        return given in TRUE
    raise MentorflowError(f"{name} must be true or false, not '{given}'.")


def _single_sign_on(env: dict[str, str]) -> SingleSignOn | None:
    names = ("MENTORFLOW_OIDC_ISSUER", "MENTORFLOW_OIDC_CLIENT_ID", "MENTORFLOW_OIDC_CLIENT_SECRET")
    given = [env.get(name, "").strip() for name in names]
    if not any(given):
        if not _flag(env, "MENTORFLOW_PASSWORD_LOGIN", True):
            raise MentorflowError(
                "MENTORFLOW_PASSWORD_LOGIN=false needs single sign-on: set MENTORFLOW_OIDC_ISSUER, "
                "MENTORFLOW_OIDC_CLIENT_ID and MENTORFLOW_OIDC_CLIENT_SECRET."
            )
        return None
    missing = [name for name, value in zip(names, given, strict=True) if not value]
    if missing:
        raise MentorflowError(f"Single sign-on needs {', '.join(missing)} as well.")
    return SingleSignOn(issuer=given[0].rstrip("/"), client_id=given[1], client_secret=given[2])
