"""Domain and team pages through the test client, per role."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from domains import services
from tests.otp_session import verify_session


@pytest.fixture
def reports(structure):
    ot = structure["bodies"]["ot"]
    services.add_meeting_report(
        by=None, body=ot, held_on=datetime.date(2026, 3, 5), title="OT Veiligheid maart", text="Onderzoek netwerkgroep.",
        slug="2026-03-05", publish=True,
    )
    services.add_meeting_report(
        by=None, body=ot, held_on=datetime.date(2026, 4, 2), title="Concept april", text="Nog niet openbaar.",
        slug="2026-04-02", publish=False,
    )
    return ot


@pytest.mark.django_db
def test_domain_page_shows_domain_and_published_reports_only(client, reports, structure):
    response = client.get(reverse("domains:domain", kwargs={"slug": "veiligheid"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Veiligheid" in html
    assert "Opgaveteam Veiligheid" in html
    assert "Concept april" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,sees_draft,sees_members",
    [
        ("anoniem", False, False),
        ("bewoner", False, False),
        ("informeel", False, False),
        ("otlid", True, True),
        ("aanvoerder", True, True),
        ("programmateam", True, True),
        ("bestuur", False, False),
        ("beheerder", False, False),
    ],
)
def test_team_page_per_role(client, people, reports, kind, sees_draft, sees_members):
    if kind != "anoniem":
        client.force_login(people[kind])
    response = client.get(reverse("domains:body", kwargs={"slug": "opgaveteam-veiligheid"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "OT Veiligheid maart" in html
    assert ("Concept april" in html) == sees_draft
    assert ("Demo Otlid" in html) == sees_members


@pytest.mark.django_db
def test_netwerkgroep_has_no_public_team_page(client, structure):
    response = client.get(reverse("domains:body", kwargs={"slug": "netwerkgroep-hgkm-nieuw-west"}))
    assert response.status_code == 404


@pytest.mark.django_db
def test_unknown_domain_is_404(client, structure):
    assert client.get("/domeinen/bestaat-niet/").status_code == 404


@pytest.mark.django_db
def test_team_page_query_count_does_not_grow_with_reports(client, structure, django_assert_max_num_queries):
    ot = structure["bodies"]["ot"]
    for i in range(30):
        services.add_meeting_report(
            by=None, body=ot, held_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i), title=f"Verslag {i}",
            text="Tekst", slug=f"v-{i}", publish=True,
        )
    with django_assert_max_num_queries(8):
        assert client.get(reverse("domains:body", kwargs={"slug": "opgaveteam-veiligheid"})).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("kind,status", [("anoniem", 302), ("programmateam", 302), ("beheerder", 200)])
def test_admin_is_for_administrators_only(client, people, kind, status):
    if kind != "anoniem":
        user = people[kind]
        user.is_staff = True  # even a staff flag does not open the admin without the administrator role
        user.save()
        verify_session(client, user)  # the admin asks for a second factor; with one, only the role decides
    assert client.get("/beheer/").status_code == status


@pytest.mark.django_db
def test_my_portal_lists_roles_and_needs_login(client, people):
    assert client.get(reverse("my_portal")).status_code == 302
    client.force_login(people["aanvoerder"])
    html = client.get(reverse("my_portal")).content.decode()
    assert "Aanvoerder actielijn" in html
    assert "Opgaveteam Veiligheid" in html
