"""Fixtures for the API tests: a bearer token for each person of the route table's world.

Tokens are made by the engine (`Workflow.create_api_token_for`), as `mentorflow token
create` makes them, so the API is tested through its real door.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.web.conftest import World

API = "/api/v1"


def token_for(workflow: Workflow, who: Actor) -> str:
    made = workflow.create_api_token_for(who.email, name="tests", expires_days=30)
    return str(made.token)


class ApiClient:
    """A test client that sends one person's token (None: no token at all)."""

    def __init__(self, client: FlaskClient, token: str | None):
        self.client = client
        self.token = token

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(API + path, headers=self.headers(), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> TestResponse:
        return self.client.post(API + path, headers=self.headers(), json=json, **kwargs)


def api_client(world: World, who: Actor | None) -> ApiClient:
    token = token_for(world.workflow, who) if who is not None else None
    return ApiClient(world.app.test_client(), token)
