"""`mentorflow webhook add|list|remove|send`, and `remind` sending webhooks too: the
secret printed once, one sentence and exit 1 for a bad address or program, deliveries
reaching a real receiver on loopback."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.cli import main
from tests.conftest import SMALL, People
from tests.engine.service.test_reminders import MENTEE, PROGRAM
from tests.webhook_receiver import Receiver, serving


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with serving() as found:
        yield found


@pytest.fixture
def configured(workflow: Workflow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workflow:
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    shutil.copy(SMALL, definitions / SMALL.name)
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(definitions))
    monkeypatch.setenv("MENTORFLOW_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.delenv("MENTORFLOW_SMTP_URL", raising=False)
    return workflow


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stdout, result.stderr


def test_add_list_send_remove(configured: Workflow, people: People, receiver: Receiver) -> None:
    code, out, err = _run(
        "webhook",
        "add",
        receiver.url,
        "--program",
        PROGRAM,
        "--events",
        "application",
        "--events",
        "closure",
    )
    assert code == 0, err
    hook_id = re.search(r"Webhook (\d+):", out)
    secret = re.search(r"Secret .*: ([0-9a-f]{64})$", out, re.MULTILINE)
    assert hook_id and secret, out
    assert "application, closure" in out

    code, out, err = _run("webhook", "list")
    assert code == 0 and receiver.url in out and "0 waiting" in out
    assert secret.group(1) not in out  # shown once, never again

    mentee = people.person("ada@example.gov", "Ada Mentee")
    configured.apply(PROGRAM, "mentee", mentee, MENTEE)
    assert "1 waiting" in _run("webhook", "list")[1]
    code, out, err = _run("webhook", "send")
    assert code == 0, err
    assert "1 webhook deliveries sent, 0 failed" in out
    (got,) = receiver.taken
    assert got.verifies(secret.group(1)) and got.document["kind"] == "application"

    code, out, err = _run("webhook", "remove", hook_id.group(1))
    assert code == 0 and "removed" in out
    assert _run("webhook", "list")[1].strip() == "No webhooks."


def test_remind_sends_webhooks_too(
    configured: Workflow, people: People, receiver: Receiver
) -> None:
    configured.add_webhook(SYSTEM_ACTOR, PROGRAM, receiver.url)
    configured.apply(PROGRAM, "mentee", people.person("ada@example.gov"), MENTEE)
    code, out, err = _run("remind")
    assert code == 0, err
    assert "1 webhook deliveries sent, 0 failed" in out
    assert [d["kind"] for d in receiver.documents] == ["application"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["add", "ftp://hr.example.gov/in", "--program", PROGRAM], "Only http:// and https://"),
        (["add", "https://hr.example.gov/in", "--program", "nope"], "There is no program 'nope'"),
        (
            ["add", "https://hr.example.gov/in", "--program", PROGRAM, "--events", "signed"],
            "'signed' is not a kind of event",
        ),
        (["remove", "999"], "There is no such webhook."),
    ],
)
def test_mistakes_are_one_sentence(configured: Workflow, args: list[str], says: str) -> None:
    code, out, err = _run("webhook", *args)
    assert code == 1, out
    assert says in err and len(err.strip().splitlines()) == 1
