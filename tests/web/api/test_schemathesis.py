"""Schemathesis against the API's own OpenAPI document, through WSGI, on each database.

Every operation is called with examples generated from its schema (a bounded number,
derandomized, so a run is the same every time), with a real token of a coordinator of
the program (and, fewer, with a participant's): no answer may be a 5xx, and each must have a status the document lists, a
content type it names and a body that fits its schema. Path parameters are made real
records half of the time (decided by the generated value, so still reproducible), so
calls reach the engine and not only the 404 of an unknown id.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import positive_data_acceptance

from mentorflow.engine.rules.access import Actor
from tests.web.api.conftest import token_for
from tests.web.conftest import GENERAL, World

API = "/api/v1"


def _schema(world: World, who: Actor) -> Any:
    loaded = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", world.app)
    token = token_for(world.workflow, who)

    # Given to schemathesis as the document's bearer scheme, not as a header of every
    # call: its negative cases then leave it out on purpose, and expect the 401.
    @loaded.auth()
    class Token:
        def get(self, case: Any, ctx: Any) -> str:
            return token

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return loaded


@pytest.fixture(scope="module")
def coordinator_schema(world: World) -> Any:
    return _schema(world, world.coordinator)


@pytest.fixture(scope="module")
def mentee_schema(world: World) -> Any:
    """As the main scene's mentee: the staff routes refuse, their own enrollment answers."""
    return _schema(world, world.main.mentee)


as_coordinator = schemathesis.pytest.from_fixture("coordinator_schema")
as_mentee = schemathesis.pytest.from_fixture("mentee_schema")


def _real(case: Any, world: World) -> None:
    meta = case.meta
    if meta is None or meta.generation.mode != "positive":
        return  # a negative case stays as invalid as it was made
    real = {
        "program": GENERAL,
        "id": world.main.mentee_id,
        "form": "learning_contract",
        "transition": "close_early",
    }
    for name, value in list((case.path_parameters or {}).items()):
        if name in real and len(str(value)) % 2 == 0:
            case.path_parameters[name] = real[name]


def bounded(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,  # the same examples every run
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _check(case: Any, world: World) -> None:
    _real(case, world)
    # Not `positive_data_acceptance`: a request that fits the document can still be
    # refused for what no schema says (a state the program does not have, rows the
    # importer refuses): those are 400, 409 or 422 with their reasons, as documented.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@as_coordinator.parametrize()
@bounded(20)
def test_api_conforms_to_its_document(case: Any, world: World) -> None:
    _check(case, world)


@as_mentee.parametrize()
@bounded(8)
def test_api_conforms_for_a_participant(case: Any, world: World) -> None:
    _check(case, world)
