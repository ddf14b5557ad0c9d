"""`mentorflow token create|list|revoke`: a new token printed once (the token alone on
stdout, ready for a script), listed without the token, revoked; every refusal one
sentence on stderr with exit code 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from mentorflow.engine.errors import BadToken
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import People


@pytest.fixture
def cora(workflow: Workflow, people: People, monkeypatch: pytest.MonkeyPatch) -> Actor:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    return people.person("cora@example.gov", "Cora", coordinates="general-mentoring")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_token_create_prints_a_token_that_signs_its_person_in(
    workflow: Workflow, cora: Actor
) -> None:
    code, out, err = _run(
        "token", "create", "Cora@example.gov", "--name", "HR sync", "--expires", "30"
    )
    assert code == 0, err
    token = out.strip()
    assert token.startswith("mf_") and "\n" not in token
    assert "once" in err and "30 days" in err  # what it is, said beside the output
    assert workflow.actor_for_api_token(token) == cora
    [row] = workflow.api_tokens(cora)
    assert (row.name, row.expires_at is not None) == ("HR sync", True)


def test_token_list_and_revoke(workflow: Workflow, cora: Actor) -> None:
    made = workflow.create_api_token(cora, name="dashboard")
    code, out, err = _run("token", "list", "cora@example.gov")
    assert code == 0, err
    assert f"{made.id}\t{made.prefix}" in out and "dashboard" in out and "active" in out
    assert made.token not in out
    code, out, err = _run("token", "revoke", "cora@example.gov", str(made.id))
    assert code == 0, err
    assert "revoked" in out
    with pytest.raises(BadToken):
        workflow.actor_for_api_token(made.token)
    assert "revoked" in _run("token", "list", "cora@example.gov")[1]


def test_token_list_says_when_there_are_none(cora: Actor) -> None:
    code, out, _ = _run("token", "list", "cora@example.gov")
    assert code == 0 and out.strip() == "cora@example.gov has no access tokens."


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["create", "nobody@example.gov"], "Nobody has an account with the address"),
        (["create", "cora@example.gov", "--expires", "0"], "from 1 to 3650 days"),
        (["create", "cora@example.gov", "--expires", "99999"], "from 1 to 3650 days"),
        (["create", "cora@example.gov", "--name", "n" * 101], "at most 100 characters"),
        (["list", "nobody@example.gov"], "Nobody has an account with the address"),
        (["revoke", "cora@example.gov", "12345"], "There is no such token."),
        (["revoke", "nobody@example.gov", "1"], "Nobody has an account with the address"),
    ],
    ids=[
        "unknown",
        "zero-days",
        "too-many-days",
        "long-name",
        "list-unknown",
        "revoke-none",
        "revoke-unknown-person",
    ],
)
def test_token_refusals_are_one_sentence(cora: Actor, args: list[str], said: str) -> None:
    code, out, err = _run("token", *args)
    assert code == 1 and out == ""
    assert said in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_an_unverified_person_gets_no_token(workflow: Workflow, cora: Actor) -> None:
    workflow.register("new@example.gov", "Nia New", "correct horse battery")
    code, out, err = _run("token", "create", "new@example.gov")
    assert code == 1 and out == "" and "has not proved" in err


def test_a_bad_number_is_a_usage_error(cora: Actor) -> None:
    code, _, err = _run("token", "create", "cora@example.gov", "--expires", "soon")
    assert code == 2 and "soon" in err
