"""The README's curl examples of the API, run as written: bash and curl against a live
server, the token made by `mentorflow token create` on the server's database.

The one change made to the block is the server's address (`127.0.0.1:5000` becomes the
test server's port). The coordinator is the walk-through's, made as the README says; a
mentee waits for screening and another waits for a mentor, so every call has something
to say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import People
from tests.support import state_of, walk_to
from tests.web.browser_fixtures import ROOT, LiveServer, live_server

__all__ = ["live_server"]  # the fixture this module uses

PROGRAM = "general-mentoring"
COORDINATOR = "coordinator@agency.gov"


def readme_block(heading: str) -> str:
    """The first ```sh block under `heading` in the README."""
    text = (ROOT / "README.md").read_text()
    section = text[text.index(f"\n## {heading}\n") :]
    found = re.search(r"```sh\n(.*?)```", section, re.S)
    assert found, f"no sh block under '{heading}'"
    return found.group(1)


def run(command: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )


def json_documents(text: str) -> list[object]:
    """The JSON documents curl printed one after the other."""
    decoder, found, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        value, at = decoder.raw_decode(text, at)
        found.append(value)
    return found


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is installed by .ci/run")
def test_the_readmes_api_examples_run_as_written(
    live_server: LiveServer, db_url: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "MENTORFLOW_DATABASE_URL": db_url,
        "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
    }
    made = run(
        f"mentorflow user add {COORDINATOR} --name 'Casey Coordinator' --role coordinator "
        f"--program {PROGRAM} --password-stdin",
        env,
        input="a long passphrase for the readme\n",
    )
    assert made.returncode == 0, made.stderr
    workflow = live_server.workflow
    program = workflow.programs[PROGRAM]
    people, clock = People(workflow.db), live_server.clock
    applied = walk_to(workflow, program, "mentee", "applied", people=people, clock=clock)
    trained = walk_to(workflow, program, "mentee", "trained", people=people, clock=clock)

    block = readme_block("The API")
    assert "http://127.0.0.1:5000/api/v1" in block
    block = block.replace("http://127.0.0.1:5000", live_server.url)
    ran = run(block, env)
    assert ran.returncode == 0, ran.stderr
    answers = json_documents(ran.stdout)
    programs, waiting, taken, events = answers
    assert PROGRAM in json.dumps(programs)
    assert [m["id"] for m in waiting["items"]] == [trained.enrollment_id]
    assert taken["state"] == "withdrawn"
    assert state_of(workflow, applied.enrollment_id) == "withdrawn"
    kinds = [(e["kind"], e["enrollment_id"]) for e in events["items"]]
    assert ("transition", applied.enrollment_id) in kinds or (
        "closure",
        applied.enrollment_id,
    ) in kinds
