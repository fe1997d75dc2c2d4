"""Stories "Uit de praktijk": publication rules, visibility, edit rights, uploads, fixtures, query budget."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from domains.fixtures_loader import load_fixtures
from monitoring import selectors, services
from monitoring.fixtures_loader import load_verhalen
from monitoring.models import Verhaal, VerhaalPersoon
from samennw.models import AuditEvent
from samennw.uploads import check_image

DAY = datetime.date(2025, 12, 31)
CONSENT = {"consent_on": DAY, "consent_by": "persoon", "consent_form": "schriftelijk", "consent_scope": "jaarbeeld"}


def person(**overrides):
    data = {"role_nl": "deelnemer", "display_name": "Aya", "organisation": None, "anonymity": "voornaam",
            "is_under_16": False, **CONSENT}
    data.update(overrides)
    return data


def make_story(people, structure, slug="verhaal", *, persons=None, **fields):
    values = {"title_nl": "Een verhaal", "body_nl": "Tekst.", "story_date": DAY, "domain": structure["domain"], **fields}
    return services.create_story(by=people["programmateam"], slug=slug, persons=persons or [], **values)


def login(client, people, kind):
    if kind != "anoniem":
        client.force_login(people[kind])
    return client


def png_file(name="foto.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- publication rules ---------------------------------------------------------------------------

def _refused(people, story, message):
    with pytest.raises(ValidationError) as exc:
        services.publish_story(by=people["programmateam"], story=story)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    story.refresh_from_db()
    assert story.status == Verhaal.Status.CONCEPT
    assert not AuditEvent.objects.filter(event="story.published").exists()


def test_publish_with_consent_writes_audit_row(people, structure):
    story = make_story(people, structure, persons=[person()])
    published = services.publish_story(by=people["programmateam"], story=story)
    assert published.status == Verhaal.Status.GEPUBLICEERD and published.published_by == people["programmateam"]
    assert AuditEvent.objects.filter(event="story.published", target_id=str(story.pk)).exists()
    assert AuditEvent.objects.filter(event="story.created", target_id=str(story.pk)).exists()


def test_missing_consent_refused(people, structure):
    story = make_story(people, structure, persons=[person(consent_on=None, consent_by="", consent_form="")])
    _refused(people, story, "de toestemming ontbreekt")


def test_under_16_without_parent_refused(people, structure):
    story = make_story(people, structure, persons=[person(is_under_16=True, consent_by="persoon")])
    _refused(people, story, "jonger dan 16: de toestemming moet gegeven zijn door een ouder of voogd")


def test_anonymous_with_name_refused(people, structure):
    story = make_story(people, structure, persons=[person(anonymity="anoniem", display_name="Fatima", role_nl="trajectbegeleider")])
    _refused(people, story, "trajectbegeleider is anoniem: haal de naam en de organisatie weg")


def test_anonymous_with_organisation_refused(people, structure):
    story = make_story(
        people, structure, persons=[person(anonymity="anoniem", display_name="", organisation=structure["orgs"]["informeel"])]
    )
    _refused(people, story, "is anoniem: haal de naam en de organisatie weg")


def test_first_name_only_is_one_word(people, structure):
    story = make_story(people, structure, persons=[person(display_name="Aya Achternaam")])
    _refused(people, story, "precies één woord")


def test_image_without_alt_refused(people, structure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    story = make_story(people, structure, image=png_file(), image_credit="Fotograaf")
    assert story.image.name.startswith("verhalen/") and "foto" not in story.image.name
    _refused(people, story, "De foto heeft geen alt-tekst")


def test_image_without_credit_refused(people, structure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    story = make_story(people, structure, image=png_file(), image_alt_nl="Een rode foto")
    _refused(people, story, "geen fotograaf of bron")


def test_hgkm_without_sign_off_refused_then_regisseur_signs_off(people, structure):
    story = make_story(people, structure, is_hgkm=True)
    _refused(people, story, "de netwerkregisseur moet eerst akkoord geven")
    services.sign_off_hgkm_story(by=people["regisseur"], story=story)
    assert AuditEvent.objects.filter(event="story.hgkm_signed_off").exists()
    assert services.publish_story(by=people["programmateam"], story=story).status == Verhaal.Status.GEPUBLICEERD


@pytest.mark.parametrize("kind", ["programmateam", "bewoner", "formeel", "otlid"])
def test_sign_off_by_non_regisseur_refused(people, structure, kind):
    story = make_story(people, structure, is_hgkm=True)
    with pytest.raises(ValidationError) as exc:
        services.sign_off_hgkm_story(by=people[kind], story=story)
    assert "Alleen een netwerkregisseur" in exc.value.messages[0]
    story.refresh_from_db()
    assert story.hgkm_signed_off_by is None


def test_sign_off_voided_by_text_change(people, structure):
    story = make_story(people, structure, is_hgkm=True)
    services.sign_off_hgkm_story(by=people["regisseur"], story=story)
    story = services.update_story(by=people["programmateam"], story=story, changes={"body_nl": "Nieuwe tekst."})
    assert story.hgkm_signed_off_by is None


def test_published_story_edit_that_breaks_rules_is_refused(people, structure):
    story = make_story(people, structure, persons=[person()])
    services.publish_story(by=people["programmateam"], story=story)
    p = story.personen.get()
    with pytest.raises(ValidationError):
        services.update_story(
            by=people["programmateam"], story=story, changes={}, persons=[{**person(consent_on=None), "id": p.pk}]
        )
    assert VerhaalPersoon.objects.get(pk=p.pk).consent_on == DAY


def test_withdraw(people, structure):
    story = services.publish_story(by=people["programmateam"], story=make_story(people, structure))
    assert services.withdraw_story(by=people["programmateam"], story=story, reason="toestemming ingetrokken").status == "ingetrokken"
    assert not selectors.published_stories().exists()


# --- uploads -------------------------------------------------------------------------------------

def test_non_image_named_jpg_refused():
    with pytest.raises(ValidationError) as exc:
        check_image(SimpleUploadedFile("foto.jpg", b"<?php echo 'hoi'; ?>", content_type="image/jpeg"))
    assert "geen foto" in exc.value.messages[0]


def test_extension_must_match_content():
    with pytest.raises(ValidationError):
        check_image(png_file("foto.jpg"))
    check_image(png_file("foto.png"))


def test_gif_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2)).save(buffer, format="GIF")
    with pytest.raises(ValidationError):
        check_image(SimpleUploadedFile("foto.gif", buffer.getvalue()))


def test_upload_through_edit_page_refused(client, people, structure, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    story = make_story(people, structure)
    login(client, people, "programmateam")
    data = {
        "title_nl": "Een verhaal", "body_nl": "Tekst.", "story_date": "2025-12-31", "domain": structure["domain"].pk,
        "personen-TOTAL_FORMS": "0", "personen-INITIAL_FORMS": "0", "personen-MIN_NUM_FORMS": "0", "personen-MAX_NUM_FORMS": "1000",
        "image": SimpleUploadedFile("foto.jpg", b"not an image at all", content_type="image/jpeg"),
    }
    response = client.post(reverse("monitoring:story_edit", kwargs={"slug": story.slug}), data)
    assert response.status_code == 200
    assert "geen foto die we kunnen lezen" in response.content.decode()
    story.refresh_from_db()
    assert not story.image


def test_edit_page_saves_persons(client, people, structure):
    story = make_story(people, structure)
    login(client, people, "programmateam")
    data = {
        "title_nl": "Nieuwe titel", "body_nl": "Tekst.", "story_date": "2025-12-31", "domain": structure["domain"].pk,
        "personen-TOTAL_FORMS": "1", "personen-INITIAL_FORMS": "0", "personen-MIN_NUM_FORMS": "0", "personen-MAX_NUM_FORMS": "1000",
        "personen-0-role_nl": "deelnemer", "personen-0-display_name": "Aya", "personen-0-anonymity": "voornaam",
        "personen-0-consent_on": "2025-12-31", "personen-0-consent_by": "persoon", "personen-0-consent_form": "schriftelijk",
    }
    response = client.post(reverse("monitoring:story_edit", kwargs={"slug": story.slug}), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story.refresh_from_db()
    assert story.title == "Nieuwe titel" and story.personen.get().display_name == "Aya"


# --- visibility and rights -------------------------------------------------------------------------

def test_public_list_shows_only_published(client, people, structure):
    services.publish_story(by=people["programmateam"], story=make_story(people, structure, "openbaar", title_nl="Openbaar verhaal"))
    make_story(people, structure, "concept", title_nl="Geheim concept")
    html = client.get(reverse("monitoring:stories")).content.decode()
    assert "Openbaar verhaal" in html and "Geheim concept" not in html
    html = client.get(reverse("monitoring:stories"), {"domein": "bestaat-niet"}).content.decode()
    assert "Openbaar verhaal" not in html
    assert [s.slug for s in selectors.latest_stories()] == ["openbaar"]


@pytest.mark.parametrize(("kind", "status"), [("anoniem", 404), ("bewoner", 404), ("otlid", 404), ("programmateam", 200)])
def test_concept_visibility(client, people, structure, kind, status):
    story = make_story(people, structure, "concept")
    assert login(client, people, kind).get(reverse("monitoring:story", kwargs={"slug": story.slug})).status_code == status


def test_regisseur_sees_hgkm_concept_and_signs_off(client, people, structure):
    story = make_story(people, structure, "hgkm", is_hgkm=True)
    login(client, people, "regisseur")
    assert client.get(reverse("monitoring:story", kwargs={"slug": "hgkm"})).status_code == 200
    client.post(reverse("monitoring:story_sign_off", kwargs={"slug": "hgkm"}))
    story.refresh_from_db()
    assert story.hgkm_signed_off_by == people["regisseur"]


@pytest.mark.parametrize(("kind", "status"), [("anoniem", 302), ("bewoner", 403), ("regisseur", 403), ("programmateam", 200)])
def test_edit_rights_per_role(client, people, structure, kind, status):
    story = services.publish_story(by=people["programmateam"], story=make_story(people, structure))
    response = login(client, people, kind).get(reverse("monitoring:story_edit", kwargs={"slug": story.slug}))
    assert response.status_code == status
    if kind == "anoniem":
        assert reverse("login") in response["Location"]
    response = client.get(reverse("monitoring:story_create"))
    assert response.status_code == status


def test_publish_view_shows_refusal(client, people, structure):
    make_story(people, structure, persons=[person(is_under_16=True)])
    login(client, people, "programmateam")
    response = client.post(reverse("monitoring:story_publish", kwargs={"slug": "verhaal"}), follow=True)
    assert "ouder of voogd" in response.content.decode()
    assert Verhaal.objects.get().status == Verhaal.Status.CONCEPT


def test_bewoner_cannot_publish(client, people, structure):
    services.publish_story(by=people["programmateam"], story=make_story(people, structure))
    story = services.withdraw_story(by=people["programmateam"], story=Verhaal.objects.get())
    login(client, people, "bewoner")
    assert client.post(reverse("monitoring:story_publish", kwargs={"slug": story.slug})).status_code == 404


def test_list_query_count_does_not_grow(client, people, structure):
    from domains.models import Focusbuurt

    buurt = Focusbuurt.objects.create(slug="confuciusbuurt", name="Confuciusbuurt", gebied="Geuzenveld", cluster="A")

    def count(start, n):
        for i in range(start, start + n):
            story = make_story(people, structure, f"verhaal-{i}", focusbuurt=buurt)
            services.publish_story(by=people["programmateam"], story=story)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("monitoring:stories")).status_code == 200
        return len(ctx.captured_queries)

    assert count(0, 5) == count(5, 45)


# --- fixtures ------------------------------------------------------------------------------------

def test_fixtures_load_idempotently(db, monkeypatch):
    monkeypatch.setenv("SAMENNW_DEMO_PASSWORD", "demo-wachtwoord-voor-tests-123")
    load_fixtures(with_users=False)
    result = load_verhalen()
    assert result.counts["Verhaal"]["created"] == 9
    assert Verhaal.objects.count() == 9
    assert selectors.published_stories().count() == 8
    hgkm = Verhaal.objects.get(is_hgkm=True)
    assert hgkm.status == Verhaal.Status.CONCEPT and "Samen optrekken tegen huiselijk geweld" in hgkm.title_variants
    helper = hgkm.personen.get()
    assert helper.anonymity == "anoniem" and helper.display_name == "" and helper.organisation is None
    assert VerhaalPersoon.objects.filter(is_under_16=True, consent_by="ouder").count() == 2
    assert not load_verhalen().changed
    assert Verhaal.objects.count() == 9


def test_stored_photo_carries_no_location_or_camera_data(people, structure, settings, tmp_path):
    """A phone photo's EXIF (GPS position, camera) is removed before the file is stored."""
    settings.MEDIA_ROOT = tmp_path
    exif = Image.Exif()
    exif[0x010F] = "Telefoonmerk"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 21.0, 36.0)}  # GPSInfo: latitude of Nieuw-West
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, format="JPEG", exif=exif)
    with Image.open(io.BytesIO(buffer.getvalue())) as original:
        assert original.getexif()  # the upload really has metadata
    story = make_story(
        people, structure, image=SimpleUploadedFile("vakantie.jpg", buffer.getvalue(), content_type="image/jpeg"),
        image_credit="Fotograaf", image_alt_nl="Een blauw vlak",
    )
    assert story.image.name.endswith(".jpg") and "vakantie" not in story.image.name
    with Image.open(story.image.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert stored.size == (8, 8)
