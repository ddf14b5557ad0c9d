"""The API's errors as problem details, its cursors, its document and its door.

Each error the API answers is `application/problem+json` with `type`, `title`, `status`,
`detail` and `instance`, plus what the kind of problem carries: a refused step its
reasons, invalid answers each field's problem, a bulk request each bad row.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from mentorflow.engine.definition.fields import choice_value
from tests.support import unique
from tests.web.api.conftest import API, api_client
from tests.web.api.test_api_routes import version
from tests.web.conftest import GENERAL, World
from tests.web.test_routes import row_counts


def assert_problem(response: Any, status: int, kind: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == status
    assert problem["title"] and problem["detail"]
    assert problem["instance"] == response.request.path
    if kind:
        assert problem["type"].endswith("#problem-" + kind), problem["type"]
    return problem  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "bearer  "],
)
def test_a_call_without_a_good_token_is_401(world: World, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = world.app.test_client().get(f"{API}/programs", headers=headers)
    problem = assert_problem(response, 401, "unauthenticated")
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "token" in problem["detail"]


def test_a_revoked_token_is_401_from_the_next_call(world: World) -> None:
    who = world.people.person(unique("revoker"), "Rita Revoker")
    made = world.workflow.create_api_token_for(who.email, name="script")
    headers = {"Authorization": f"Bearer {made.token}"}
    client = world.app.test_client()
    assert client.get(f"{API}/programs", headers=headers).status_code == 200
    world.workflow.revoke_api_token(who, made.id)
    assert_problem(client.get(f"{API}/programs", headers=headers), 401, "unauthenticated")


def test_a_session_cookie_does_not_authenticate(world: World) -> None:
    browser = world.browser(world.coordinator)
    assert browser.get(f"/p/{GENERAL}/coordinator").status_code == 200  # signed in
    assert_problem(browser.client.get(f"{API}/programs/{GENERAL}/desk"), 401)
    mentee = world.main.mentee_id
    before = row_counts(world.workflow)
    response = browser.client.post(
        f"{API}/enrollments/{mentee}/transitions/close_early",
        json={"version": version(world.workflow, mentee, world), "answers": {}},
    )
    assert_problem(response, 401)
    assert row_counts(world.workflow) == before
    # ... and with a token, no CSRF token is asked for a write.
    client = api_client(world, world.coordinator)
    assert (
        client.post(f"/programs/{GENERAL}/matching/confirm", json={"pairs": []}).status_code == 200
    )


def test_authentication_comes_before_the_body_is_read(world: World) -> None:
    response = world.app.test_client().post(
        f"{API}/enrollments/{world.main.mentee_id}/transitions/start", data="{not json"
    )
    assert_problem(response, 401)


def test_bad_json_is_400_with_where(world: World) -> None:
    client = api_client(world, world.main.mentee)
    response = client.client.post(
        f"{API}/enrollments/{world.main.mentee_id}/forms/learning_contract",
        data="{not json",
        headers={**client.headers(), "Content-Type": "application/json"},
    )
    problem = assert_problem(response, 400, "invalid-request")
    assert problem["errors"]


def test_a_wrong_type_is_400_naming_the_field(world: World) -> None:
    client = api_client(world, world.main.mentee)
    response = client.post(
        f"/enrollments/{world.main.mentee_id}/forms/learning_contract",
        json={"version": "seven", "answers": {}},
    )
    problem = assert_problem(response, 400, "invalid-request")
    assert [e["field"] for e in problem["errors"]] == ["version"]


def test_too_large_is_413(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(world.app.config, "MAX_CONTENT_LENGTH", 1000)
    client = api_client(world, world.coordinator)
    rows = [{"name": "x" * 2000}]
    response = client.post(
        f"/programs/{GENERAL}/applications", json={"role": "mentee", "rows": rows}
    )
    assert_problem(response, 413)


def test_a_stale_version_is_409_and_writes_nothing(world: World) -> None:
    scene = world.scene()
    client = api_client(world, scene.mentee)
    before = version(world.workflow, scene.mentee_id, world)
    answers = world.sample("learning_contract")
    response = client.post(
        f"/enrollments/{scene.mentee_id}/forms/learning_contract",
        json={"version": before - 1, "answers": answers},
    )
    assert_problem(response, 409, "stale-version")
    assert version(world.workflow, scene.mentee_id, world) == before
    # The current version is taken, and the answer carries the next one.
    response = client.post(
        f"/enrollments/{scene.mentee_id}/forms/learning_contract",
        json={"version": before, "answers": answers},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert (
        response.get_json()["version"] == version(world.workflow, scene.mentee_id, world) > before
    )


def test_a_refused_step_is_409_with_its_reasons(world: World) -> None:
    scene, wf = world.scene(), world.workflow
    contract = {**world.sample("learning_contract"), "release_time": False}
    wf.submit(scene.mentee_id, "learning_contract", scene.mentee, contract)
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        wf.sign(scene.mentee_id, "learning_contract", signer)
    client = api_client(world, world.coordinator)
    mentee = scene.mentee_id
    shown = client.get(f"/enrollments/{mentee}").get_json()
    start = next(t for t in shown["transitions"] if t["id"] == "start")
    assert not start["available"] and start["blocked_by"]
    response = client.post(
        f"/enrollments/{mentee}/transitions/start", json={"version": shown["version"]}
    )
    problem = assert_problem(response, 409, "conflict")
    assert problem["reasons"] == start["blocked_by"]


def test_invalid_answers_are_422_field_by_field(world: World) -> None:
    scene = world.scene()
    client = api_client(world, scene.mentee)
    answers = {**world.sample("learning_contract"), "goals": [], "expectations": ""}
    response = client.post(
        f"/enrollments/{scene.mentee_id}/forms/learning_contract",
        json={"version": version(world.workflow, scene.mentee_id, world), "answers": answers},
    )
    problem = assert_problem(response, 422, "invalid-answers")
    fields = {e["field"] for e in problem["errors"]}
    assert "goals" in fields and all(e["message"] for e in problem["errors"])


def test_a_file_cannot_be_smuggled_in_as_a_descriptor(world: World) -> None:
    """Answers are JSON scalars and lists: a stored file's descriptor (an object) is
    refused before the engine sees it, so nobody can point an answer at another's file."""
    scene = world.scene()
    client = api_client(world, scene.mentee)
    answers = {
        **world.sample("learning_contract"),
        "expectations": {"id": "x", "name": "a.pdf", "size": 1},
    }
    response = client.post(
        f"/enrollments/{scene.mentee_id}/forms/learning_contract",
        json={"version": version(world.workflow, scene.mentee_id, world), "answers": answers},
    )
    assert_problem(response, 400, "invalid-request")


def _rows(world: World, count: int) -> list[dict[str, Any]]:
    rows = []
    for _ in range(count):
        person = world.people.person(unique("bulk"), "Bea Bulk")
        answers = world.apply_answers("mentee", person, unique("boss"))
        rows.append(
            {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in answers.items()}
        )
    return rows


def test_bulk_applications_are_all_or_nothing_with_row_errors(world: World) -> None:
    client = api_client(world, world.coordinator)
    rows = _rows(world, 3)
    rows[1]["employee_id"] = "12AB"
    rows[2]["development_goals"] = "short"

    def enrolled() -> int:
        return world.workflow.desk(GENERAL, world.coordinator, text="bulk").total

    before = enrolled()
    response = client.post(
        f"/programs/{GENERAL}/applications", json={"role": "mentee", "rows": rows}
    )
    problem = assert_problem(response, 422, "rows-refused")
    assert [r["row"] for r in problem["rows"]] == [2, 3]
    assert all(r["message"] for r in problem["rows"])
    assert enrolled() == before  # the good first row was not written either

    rows[1]["employee_id"], rows[2]["development_goals"] = "123456", "g" * 60
    response = client.post(
        f"/programs/{GENERAL}/applications", json={"role": "mentee", "rows": rows}
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(response.get_json()["enrollment_ids"]) == 3
    assert enrolled() == before + 3


def test_the_cursor_walks_every_enrollment_exactly_once(world: World) -> None:
    client = api_client(world, world.coordinator)
    total = world.workflow.desk(GENERAL, world.coordinator).total
    assert total > 7
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        query = f"?limit=3&cursor={cursor}" if cursor else "?limit=3"
        page = client.get(f"/programs/{GENERAL}/enrollments{query}").get_json()
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
        if pages == 2:
            world.scene()  # enrollments added during the walk do not disturb it
    assert len(seen) == len(set(seen))
    assert pages >= total // 3
    assert set(seen) >= {world.main.mentee_id, world.main.mentor_id, world.waiting.enrollment_id}
    assert len(seen) >= total


def test_the_events_feed_gives_each_entry_once_and_what_the_api_did(world: World) -> None:
    client = api_client(world, world.coordinator)
    feed = f"/programs/{GENERAL}/events"
    seen: list[int] = []
    after = None
    while True:
        page = client.get(
            feed + (f"?limit=4&after={after}" if after is not None else "?limit=4")
        ).get_json()
        seen += [item["id"] for item in page["items"]]
        after = page["next_cursor"]
        if not page["more"]:
            break
    assert seen and seen == sorted(set(seen))
    # A step taken through the API is the next entry, and the cursor keeps its place.
    scene = world.scene()
    nothing = client.get(f"{feed}?after={after}").get_json()
    assert nothing["next_cursor"] >= after
    mentee = scene.mentee_id
    body = {
        "version": version(world.workflow, mentee, world),
        "answers": world.sample("early_closure"),
    }
    assert (
        client.post(f"/enrollments/{mentee}/transitions/close_early", json=body).status_code == 200
    )
    fresh = client.get(f"{feed}?after={nothing['next_cursor']}").get_json()["items"]
    kinds = [(item["kind"], item["enrollment_id"]) for item in fresh]
    assert ("closure", mentee) in kinds, kinds  # close_early ends in a final state
    assert not set(item["id"] for item in fresh) & set(seen)


def test_matching_proposes_and_confirms_by_digest(world: World) -> None:
    wf, coordinator = world.workflow, world.coordinator
    mentee = world.people.person(unique("pool"), "Pia Pool")
    answers = world.apply_answers("mentee", mentee, unique("boss"))
    mentee_id = wf.apply(GENERAL, "mentee", mentee, answers).id
    wf.take(mentee_id, "screen", coordinator, world.sample("mentee_screening"))
    wf.take(mentee_id, "record_orientation", coordinator, world.sample("training_attendance"))
    mentor = world.people.person(unique("pool"), "Max Pool")
    divisions = [choice_value(c) for c in world.program.choices["divisions"]]
    other = next(d for d in divisions if d != answers["division"])
    # A pair the definition's hard constraints allow: times and ways of meeting in
    # common, another division.
    answers = world.apply_answers(
        "mentor",
        mentor,
        unique("boss"),
        division=other,
        availability=answers["availability"],
        meeting_formats=answers["meeting_formats"],
    )
    mentor_id = wf.apply(GENERAL, "mentor", mentor, answers).id
    wf.take(mentor_id, "screen", coordinator, world.sample("mentor_screening"))
    wf.take(mentor_id, "record_training", coordinator, world.sample("mentor_training_attendance"))
    client = api_client(world, coordinator)

    shown = client.get(f"/programs/{GENERAL}/matching/proposals?per_page=200").get_json()
    proposed = {p["mentee"]["enrollment_id"]: p for p in shown["proposals"]}
    assert mentee_id in proposed, (shown["unmatched"], shown["waiting"], shown["mentors_free"])
    assert shown["waiting"] >= 1 and shown["digest"]

    done = client.post(f"/programs/{GENERAL}/matching/confirm", json={"digest": shown["digest"]})
    assert done.status_code == 200, done.get_data(as_text=True)
    outcome = {o["mentee_id"]: o for o in done.get_json()["outcomes"]}[mentee_id]
    assert outcome == {
        "mentee_id": mentee_id,
        "mentor_id": proposed[mentee_id]["mentor"]["enrollment_id"],
        "status": "matched",
        "message": "",
    }
    assert client.get(f"/enrollments/{mentee_id}").get_json()["state"] == "matched"
    # The same digest again: the proposals changed (she is matched), nothing is done.
    again = client.post(f"/programs/{GENERAL}/matching/confirm", json={"digest": shown["digest"]})
    assert_problem(again, 409, "conflict")


def test_the_filters_narrow_the_list(world: World) -> None:
    client = api_client(world, world.coordinator)
    items = client.get(f"/programs/{GENERAL}/enrollments?role=mentor&limit=200").get_json()["items"]
    assert items and {i["role"] for i in items} == {"mentor"}
    state = world.workflow.enrollment_page(
        None, world.waiting.enrollment_id, world.coordinator
    ).view.enrollment.state
    items = client.get(
        f"/programs/{GENERAL}/enrollments?state={state}&text=abe&limit=200"
    ).get_json()["items"]
    assert world.waiting.enrollment_id in {i["id"] for i in items}
    assert {i["state"] for i in items} == {state}


def test_the_document_is_openapi_3_1_and_describes_every_operation(app: Flask) -> None:
    document = app.test_client().get(f"{API}/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert len(operations) >= 12
    for op in operations:
        assert op["summary"] and op["description"], op
        assert op["security"] == [{"bearer": []}]
        assert "application/problem+json" in op["responses"]["401"]["content"]
    rules = {
        re.sub(r"<(\w+)>", r"{\1}", r.rule)
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("api.")
    }
    assert rules == set(document["paths"]), "a route missing from the document"


def test_the_docs_page_works_offline(app: Flask) -> None:
    page = app.test_client().get(f"{API}/docs").get_data(as_text=True)
    assert "POST /api/v1/enrollments/{id}/transitions/{transition}" in page
    assert "stale-version" in page
    assert not re.search(r"""(src|href)=["']https?://""", page), "an asset from elsewhere"
