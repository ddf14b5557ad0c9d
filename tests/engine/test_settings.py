"""Settings from the environment: working defaults, and one sentence for a bad value."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.settings import Settings, SingleSignOn

SSO = {
    "MENTORFLOW_OIDC_ISSUER": "https://login.example.gov/realms/agency/",
    "MENTORFLOW_OIDC_CLIENT_ID": "mentorflow",
    "MENTORFLOW_OIDC_CLIENT_SECRET": "s3cret",
}


def test_defaults() -> None:
    settings = Settings.from_env({})
    identity = settings.identity
    assert identity.public_url == "http://127.0.0.1:5000" and not identity.secure
    assert identity.session_idle == dt.timedelta(minutes=30)
    assert identity.session_lifetime == dt.timedelta(hours=12)
    assert identity.password_login and identity.roles_claim is None
    assert settings.single_sign_on is None


def test_identity_settings() -> None:
    settings = Settings.from_env(
        {
            **SSO,
            "MENTORFLOW_PUBLIC_URL": "https://mentoring.example.gov/",
            "MENTORFLOW_SESSION_IDLE_MINUTES": "15",
            "MENTORFLOW_SESSION_LIFETIME_HOURS": "8",
            "MENTORFLOW_PASSWORD_LOGIN": "false",
            "MENTORFLOW_OIDC_ROLES_CLAIM": "roles",
            "MENTORFLOW_SMTP_URL": "smtp://mail.example.gov",
        }
    )
    identity = settings.identity
    assert (
        identity.secure and identity.link("/verify/x") == "https://mentoring.example.gov/verify/x"
    )
    assert identity.session_idle == dt.timedelta(minutes=15)
    assert identity.session_lifetime == dt.timedelta(hours=8)
    assert not identity.password_login and identity.roles_claim == "roles"
    assert identity.smtp_url == "smtp://mail.example.gov"
    assert settings.single_sign_on == SingleSignOn(
        "https://login.example.gov/realms/agency", "mentorflow", "s3cret"
    )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"MENTORFLOW_SESSION_IDLE_MINUTES": "soon"}, "must be a number"),
        ({"MENTORFLOW_SESSION_LIFETIME_HOURS": "0"}, "must be more than 0"),
        ({**SSO, "MENTORFLOW_PASSWORD_LOGIN": "perhaps"}, "must be true or false"),
        ({"MENTORFLOW_PASSWORD_LOGIN": "false"}, "needs single sign-on"),
        ({"MENTORFLOW_OIDC_ISSUER": "https://login.example.gov"}, "MENTORFLOW_OIDC_CLIENT_ID"),
    ],
    ids=["idle-not-a-number", "lifetime-zero", "flag", "passwords-off-without-sso", "partial-sso"],
)
def test_bad_settings_are_one_sentence(env: dict[str, str], said: str) -> None:
    with pytest.raises(MentorflowError, match=said):
        Settings.from_env(env)
