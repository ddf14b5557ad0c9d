"""From the pages: signing with one's typed full name, the signature shown with its
fingerprint, and the learning contract as a PDF to print, for exactly those who may read it.

Seen before: a signature was a button press that recorded a role and a day, nothing said
what text was signed, and nothing could be printed.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import update

from mentorflow.engine.records.store import Person
from mentorflow.engine.rules.access import Actor
from tests.web.conftest import GENERAL, Scene, World, field_block

FORM = "learning_contract"
# A name in three scripts: the PDF must draw it, not drop it or print "?".
UNICODE_NAME = "Zoë Łukasiewicz-Núñez 山田"


def _rename(world: World, who: Actor, name: str) -> Actor:
    with world.workflow.db.session() as session, session.begin():
        session.execute(update(Person).where(Person.id == who.person_id).values(name=name))
    return world.people.person(who.email)


def _sign_url(scene: Scene) -> str:
    return f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}/sign"


@pytest.fixture(scope="module")
def signed(world: World) -> Scene:
    """A scene whose mentee, named in three scripts, signed the contract from the page."""
    scene = world.scene()
    scene.mentee = _rename(world, scene.mentee, UNICODE_NAME)
    browser = world.browser(scene.mentee)
    page = f"/p/{GENERAL}/enrollments/{scene.mentee_id}"
    typed = "  zoë łukasiewicz-NÚÑEZ   山田 "  # case and spaces do not matter
    response = browser.post(_sign_url(scene), {"typed_name": typed}, page=page)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return scene


def test_the_page_shows_who_signed_when_and_the_fingerprint(world: World, signed: Scene) -> None:
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/enrollments/{signed.mentee_id}")
    text = page.get_data(as_text=True)
    found = re.search(r"Signed by (.+?) \(mentee\) on .+?\(fingerprint ([0-9a-f]{8})…\)", text)
    assert found, text[text.find("signatures") - 200 : text.find("signatures") + 800]
    assert found.group(1) == "zoë łukasiewicz-NÚÑEZ 山田"  # as typed, spaces tidied


def test_a_typed_name_that_is_not_the_signers_is_refused_beside_the_field(
    world: World,
) -> None:
    scene = world.scene()
    browser = world.browser(scene.mentor)
    page = f"/p/{GENERAL}/enrollments/{scene.mentee_id}"
    assert 'name="typed_name"' in browser.get(page).get_data(as_text=True)
    response = browser.post(_sign_url(scene), {"typed_name": "Somebody Else"}, page=page)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'name="typed_name"' in field_block(text, "typed_name")
    assert 'value="Somebody Else"' in text  # what was typed, kept
    assert "Milo Mentor" in text  # the reason: the name the account gives
    snapshot = world.workflow.form_document(GENERAL, scene.mentee_id, FORM, world.coordinator)
    assert snapshot.entries[0].signatures == ()  # nothing was signed


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_contract_prints_as_a_pdf_with_its_answers_and_signatures(
    world: World, signed: Scene
) -> None:
    url = f"/p/{GENERAL}/enrollments/{signed.mentee_id}/forms/{FORM}/pdf"
    response = world.browser(signed.mentor).get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = " ".join(_pdf_text(response.data).split())
    assert "Learning contract" in text
    assert UNICODE_NAME in text  # whose contract, in every script
    assert "zoë łukasiewicz-NÚÑEZ 山田" in text  # the name typed to sign
    doc = world.workflow.form_document(GENERAL, signed.mentee_id, FORM, world.coordinator)
    [entry] = doc.entries
    assert entry.text_sha256 in text.replace(" ", "")  # the fingerprint, printed in full
    goals = next(a.text for a in entry.shown if a.label == "Goals")
    assert goals.split()[0] in text
    for label in (a.label for a in entry.shown):
        assert label.split()[0] in text


READERS = [
    # (who, status): the contract is visible to the pair, the supervisor and coordinators
    ("mentee", 200),
    ("mentor", 200),
    ("supervisor", 200),
    ("coordinator", 200),
    ("admin", 200),
    ("other", 404),
    ("stranger", 404),
    ("anonymous", 302),
]


@pytest.mark.parametrize(("role", "status"), READERS)
def test_only_who_may_read_the_contract_gets_its_pdf(
    world: World, signed: Scene, role: str, status: int
) -> None:
    who = world.cast(signed)[role]
    url = f"/p/{GENERAL}/enrollments/{signed.mentee_id}/forms/{FORM}/pdf"
    response = world.browser(who).get(url)
    assert response.status_code == status
    assert response.data.startswith(b"%PDF") == (status == 200)


def test_a_form_the_viewer_may_not_read_has_no_pdf(world: World) -> None:
    # The application is for its filler and coordinators: the partner and the supervisor
    # get no PDF of it, and are not told whether it exists.
    scene = world.main
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/mentee_application/pdf"
    assert world.browser(scene.mentee).get(url).status_code == 200
    assert world.browser(world.coordinator).get(url).status_code == 200
    for who in (scene.mentor, scene.supervisor):
        response = world.browser(who).get(url)
        assert response.status_code == 404
        assert scene.secrets["goals"] not in response.get_data(as_text=True)
