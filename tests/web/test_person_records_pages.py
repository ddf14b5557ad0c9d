"""A person's records on the web: `/me/export` downloads one's own as a zip; an admin
downloads anyone's and erases them from /admin, and is told which enrollments a legal
hold kept."""

from __future__ import annotations

import io
import json
import zipfile

from tests.web.conftest import GENERAL, World


def _records(data: bytes) -> dict:  # type: ignore[type-arg]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "enrollments.csv" in archive.namelist()
        return json.loads(archive.read("records.json"))


def test_my_export_is_a_zip_of_my_own_records(world: World) -> None:
    applicant = world.applicant()
    browser = world.browser(applicant.mentee)
    me = browser.get("/me").get_data(as_text=True)
    assert 'href="/me/export"' in me
    response = browser.get("/me/export")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    records = _records(response.data)
    assert records["person"][0]["email"] == applicant.mentee.email
    assert [e["id"] for e in records["enrollments"]] == [applicant.enrollment_id]
    assert "password_hash" not in json.dumps(records)


def test_an_admin_exports_and_erases_a_person_naming_what_a_hold_kept(world: World) -> None:
    applicant = world.applicant()
    email = applicant.mentee.email
    admin = world.browser(world.admin)
    page = admin.get("/admin").get_data(as_text=True)
    assert 'action="/admin/people/export"' in page and 'action="/admin/people/erase"' in page
    response = admin.get(f"/admin/people/export?email={email}")
    assert response.status_code == 200
    assert _records(response.data)["person"][0]["email"] == email
    assert (
        world.browser(world.coordinator).get(f"/admin/people/export?email={email}").status_code
        == 403
    )

    # The first press only asks: it says what would go, and nothing does.
    asked = admin.post("/admin/people/erase", {"email": email}, page="/admin")
    plan = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "This cannot be undone" in plan, asked.location
    assert "anonymised: their name, e-mail, free text and files go" in plan
    page = admin.get(f"/p/{GENERAL}/enrollments/{applicant.enrollment_id}").get_data(as_text=True)
    assert "Abe Applicant" in page
    world.workflow.place_hold(applicant.enrollment_id, world.coordinator, "Case 9")
    asked = admin.post("/admin/people/erase", {"email": email}, page="/admin")
    assert "kept: a legal hold keeps it" in asked.get_data(as_text=True)
    erased = admin.post("/admin/people/erase", {"email": email, "confirm": "yes"}, page="/admin")
    assert erased.status_code == 303
    said = admin.get("/admin").get_data(as_text=True)
    assert f"0 enrollments of {email} anonymised." in said
    assert f"Kept, on legal hold: {applicant.enrollment_id}." in said
    page = admin.get(f"/p/{GENERAL}/enrollments/{applicant.enrollment_id}").get_data(as_text=True)
    assert "Abe Applicant" in page  # held: untouched
