"""A real OpenID Connect provider for the single sign-on tests, and a person at its pages.

`tests/oidc/provider.js` (npm `oidc-provider` 8 on Node) runs on a free loopback port; its
development login form takes any login name as the person's e-mail (see that file for the
names that make an unverified address, an admin or a coordinator). `.ci/run` installs its
`node_modules`; without them the tests skip with the reason, except in CI (env `CI` set),
where that is a failure: CI must never skip them silently.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
PROVIDER_DIR = ROOT / "tests" / "oidc"
CLIENT_ID = "mentorflow-tests"
CLIENT_SECRET = "a-secret-only-the-tests-know"
ROLES_CLAIM = "roles"
CALLBACK = "/login/oidc/callback"
# The app's public URL in the Flask test client's tests: the test client's own host, so the
# provider's last redirect can be handed to the test client as it is.
TEST_CLIENT_URL = "http://localhost"
FORM = re.compile(
    r'<form[^>]*action="([^"]+)"[^>]*method="post">\s*<input type="hidden" name="prompt" value="(\w+)"'
)
ABORT = re.compile(r'<a href="([^"]+)">\[ Cancel \]</a>')


def free_port() -> int:
    """A free port below the range the system hands out for port 0. The provider starts
    on it only after the live server has bound port 0 (its address is the redirect URI
    the provider is told), and a port from that range, free a moment ago, was once given
    to that very server: the provider then failed with EADDRINUSE."""
    low = _ephemeral_low()
    for _ in range(200):
        port = random.randint(max(1024, low - 12000), low - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port below {low}")


def _ephemeral_low() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def _node() -> str:
    """The `node` to run the provider with; skips (fails in CI) when it cannot run."""
    node = shutil.which("node")
    if node is None:
        reason = "single sign-on tests need Node.js 18 or newer (`node` on PATH)"
    elif not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        reason = f"single sign-on tests need the test provider installed: cd {PROVIDER_DIR.relative_to(ROOT)} && npm ci"
    else:
        return node
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must not skip them", pytrace=False)
    pytest.skip(reason)


@dataclass
class Provider:
    """A running provider: its issuer URL and the client the app is registered as."""

    issuer: str
    redirect_uri: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def app_config(self, public_url: str) -> dict[str, object]:
        """The app's settings for signing in through this provider."""
        return {
            "MENTORFLOW_PUBLIC_URL": public_url,
            "MENTORFLOW_OIDC_ISSUER": self.issuer,
            "MENTORFLOW_OIDC_CLIENT_ID": self.client_id,
            "MENTORFLOW_OIDC_CLIENT_SECRET": self.client_secret,
            "MENTORFLOW_OIDC_ROLES_CLAIM": ROLES_CLAIM,
        }


@contextmanager
def running_provider(
    redirect_uri: str, port: int | None = None, *, userinfo_claims: bool = False
) -> Iterator[Provider]:
    """Start `provider.js` on `port` (a free one by default), wait for its discovery
    document, and stop it by its PID at the end. With `userinfo_claims` the ID token
    carries no e-mail, name or roles: only the userinfo endpoint tells them."""
    node = _node()
    port = port or free_port()
    issuer = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                node,
                str(PROVIDER_DIR / "provider.js"),
                "--port",
                str(port),
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--redirect-uri",
                redirect_uri,
                *(["--userinfo-claims"] if userinfo_claims else []),
            ],
            cwd=PROVIDER_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_discovery(issuer, process, log)
            yield Provider(issuer, redirect_uri)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_discovery(issuer: str, process: subprocess.Popen[bytes], log: object) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            found = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            if found.ok and found.json().get("issuer") == issuer:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    log.seek(0)  # type: ignore[attr-defined]
    output = log.read().decode(errors="replace")  # type: ignore[attr-defined]
    raise RuntimeError(f"the test OpenID provider did not start at {issuer}:\n{output}")


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    """One provider for the Flask test client's tests, whose app is at TEST_CLIENT_URL."""
    with running_provider(TEST_CLIENT_URL + CALLBACK) as provider:
        yield provider


class AtProvider:
    """A person at the provider's pages, with a cookie jar of their own (a fresh one is a
    person not yet signed in there)."""

    def __init__(self, provider: Provider):
        self.provider = provider
        self.http = requests.Session()

    def sign_in(self, authorization_url: str, login: str) -> str:
        """Follow the provider from the app's redirect to its answer: fill the login form
        (any password), press Continue on the consent page; return the URL the provider
        sends the browser back to (the app's callback, with code and state)."""
        return self._walk(authorization_url, login, cancel=False)

    def cancel(self, authorization_url: str) -> str:
        """Press [ Cancel ] on the provider's login page: it answers `access_denied`."""
        return self._walk(authorization_url, "", cancel=True)

    def _walk(self, url: str, login: str, *, cancel: bool) -> str:
        method, data = "GET", None
        for _ in range(12):
            response = self.http.request(method, url, data=data, allow_redirects=False, timeout=10)
            if response.is_redirect:
                url = urljoin(url, response.headers["Location"])
                method, data = "GET", None
                if url.startswith(self.provider.redirect_uri):
                    return url
                continue
            assert response.status_code == 200, (response.status_code, response.text[:2000])
            page = response.text
            if cancel:
                found = ABORT.search(page)
                assert found, page[:2000]
                url = urljoin(url, found.group(1))
                continue
            form = FORM.search(page)
            assert form, page[:2000]
            action, prompt = form.groups()
            data = {"prompt": prompt}
            if prompt == "login":
                data.update(login=login, password="any password at all")
            url, method = urljoin(url, action), "POST"
        raise AssertionError(f"the provider never sent the browser back (last at {url})")
