"""The base layout and the public pages: language, landmarks, hreflang, errors, no inline code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from domains.models import Body, Domain, Opbrengst, Opdracht, Organisation

TOKENS = Path(settings.BASE_DIR) / "static" / "snw" / "tokens.css"


@pytest.fixture(autouse=True)
def _dutch():
    """Each test starts in Dutch; a request under /en/ leaves English active in the thread."""
    with translation.override("nl"):
        yield


@pytest.fixture
def domains(db):
    veiligheid = Domain.objects.create(
        slug="veiligheid",
        name="Veiligheid",
        name_en="Safety",
        letter="A",
        tagline="Verbonden en veilig zijn",
        tagline_en="Being connected and safe",
        waardeperspectief="Iedereen voelt zich veilig in de buurt.",
    )
    Domain.objects.create(slug="cwb", name="Community wealth building", kind=Domain.Kind.PROGRAMMA)
    opdracht = Opdracht.objects.create(
        domain=veiligheid, code="o1", number=1, title="Minder geweld achter de voordeur"
    )
    Opbrengst.objects.create(opdracht=opdracht, code="o1-1", number=1, title="Signalen worden eerder herkend")
    Body.objects.create(
        slug="opgaveteam-veiligheid",
        kind=Body.Kind.OPGAVETEAM,
        name="Opgaveteam Veiligheid",
        domain=veiligheid,
    )
    Organisation.objects.create(
        slug="veilig-thuis",
        name="Veilig Thuis",
        kind=Organisation.Kind.FORMEEL,
        sector=Organisation.Sector.ZORG_WELZIJN,
    )
    return veiligheid


def _html(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_home_in_dutch_has_skip_link_lang_and_hreflang(client, domains):
    response = client.get("/")
    html = _html(response)
    assert response.status_code == 200
    assert '<html lang="nl"' in html
    assert 'href="#main"' in html and "Naar de inhoud" in html
    assert 'id="main"' in html
    assert re.search(r'<link rel="alternate" hreflang="nl" href="http://testserver/">', html)
    assert re.search(r'<link rel="alternate" hreflang="en" href="http://testserver/en/">', html)
    assert html.count("<h1") == 1
    for landmark in ("<header", "<nav", "<main", "<footer"):
        assert landmark in html
    assert "Over 20 jaar is Amsterdam Nieuw-West" in html
    assert "Verbonden en veilig zijn" in html
    assert "Doe mee" in html


@pytest.mark.django_db
def test_home_in_english(client, domains):
    response = client.get("/en/")
    html = _html(response)
    assert response.status_code == 200
    assert '<html lang="en"' in html
    assert "Skip to content" in html
    assert "Get involved" in html
    assert "Safety" in html and "Being connected and safe" in html
    assert "Naar de inhoud" not in html


@pytest.mark.django_db
def test_language_switch_is_a_form_with_both_languages(client, domains):
    html = _html(client.get("/"))
    assert f'action="{reverse("set_language")}"' in html
    assert re.search(r'<button[^>]*name="language" value="nl" lang="nl"[^>]*>Nederlands</button>', html)
    assert re.search(r'<button[^>]*name="language" value="en" lang="en"[^>]*>English</button>', html)


@pytest.mark.django_db
def test_set_language_redirects_to_the_same_page_in_english(client, domains):
    with translation.override("nl"):
        dutch_url = reverse("domains:organisations")
    with translation.override("en"):
        english_url = reverse("domains:organisations")
    assert dutch_url != english_url

    response = client.post(reverse("set_language"), {"language": "en", "next": dutch_url})

    assert response.status_code == 302
    assert response["Location"] == english_url
    page = client.get(english_url)
    assert '<html lang="en"' in _html(page)


@pytest.mark.django_db
def test_domain_page_shows_theory_of_change(client, domains):
    response = client.get(domains.get_absolute_url())
    html = _html(response)
    assert response.status_code == 200
    assert "Waardeperspectief" in html
    assert "Minder geweld achter de voordeur" in html
    assert "Signalen worden eerder herkend" in html
    assert "Opgaveteam Veiligheid" in html
    assert 'aria-current="page"' in html


@pytest.mark.django_db
def test_partners_grouped_by_kind_with_sector(client, domains):
    html = _html(client.get(reverse("domains:organisations")))
    assert "Formele partners" in html
    assert "Zorg en welzijn" in html


@pytest.mark.django_db
def test_unknown_domain_is_a_dutch_404(client, domains):
    response = client.get("/domeinen/bestaat-niet/")
    assert response.status_code == 404
    html = _html(response)
    assert "Pagina niet gevonden" in html
    assert '<html lang="nl"' in html


@pytest.mark.django_db
def test_unknown_domain_is_an_english_404_under_en(client, domains):
    response = client.get("/en/domains/does-not-exist/")
    assert response.status_code == 404
    html = _html(response)
    assert "Page not found" in html
    assert '<html lang="en"' in html


@pytest.mark.django_db
def test_login_fields_are_labelled(client):
    html = _html(client.get(reverse("login")))
    assert re.search(r'<label class="utrecht-form-label" for="id_username">', html)
    assert re.search(r'<label class="utrecht-form-label" for="id_password">', html)


@pytest.mark.django_db
def test_bad_login_shows_error_next_to_the_field_in_dutch(client, django_user_model):
    django_user_model.objects.create_user(username="demo", password="goed-wachtwoord-123")

    response = client.post(reverse("login"), {"username": "demo", "password": "fout"})

    assert response.status_code == 200
    html = _html(response)
    assert "Er ging iets mis" in html
    assert 'href="#id_username"' in html
    error = re.search(
        r'<div class="utrecht-form-field-error-message[^"]*" id="id_username_error">(.*?)</div>', html, re.S
    )
    assert error is not None
    assert "gebruikersnaam" in error.group(1).lower()
    widget = re.search(r"<input[^>]*id=\"id_username\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in widget
    assert 'aria-describedby="id_username_error"' in widget


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["home", "domain", "login", "organisations", "404"])
def test_no_inline_scripts_or_styles(client, domains, page):
    url = {
        "home": "/",
        "domain": domains.get_absolute_url(),
        "login": reverse("login"),
        "organisations": reverse("domains:organisations"),
        "404": "/domeinen/bestaat-niet/",
    }[page]
    html = _html(client.get(url))
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"<script[^>]*>\s*[^<\s]", html), "script with content"
    assert not re.search(r"\sstyle\s*=", html), "style attribute"
    assert "<style" not in html
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"


@pytest.mark.django_db
def test_my_portal_lists_roles_and_seats(client, django_user_model):
    user = django_user_model.objects.create_user(username="demo", password="goed-wachtwoord-123")
    client.force_login(user)
    html = _html(client.get(reverse("my_portal")))
    assert "Mijn portaal" in html
    assert "Uitloggen" in html
    logout = re.escape(reverse("logout"))
    assert re.search(rf'<form[^>]*action="{logout}"[^>]*method="post"', html)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("foreground", "background", "minimum"),
    [
        ("ink", "paper", 4.5),
        ("ink", "surface", 4.5),
        ("ink", "surface-strong", 4.5),
        ("muted", "paper", 4.5),
        ("muted", "surface", 4.5),
        ("primary", "paper", 4.5),
        ("primary", "surface", 4.5),
        ("primary", "primary-tint", 4.5),
        ("primary-strong", "primary-tint", 4.5),
        ("paper", "primary", 4.5),
        ("paper", "primary-strong", 4.5),
        ("link-visited", "paper", 4.5),
        ("error", "paper", 4.5),
        ("error", "error-tint", 4.5),
        ("ink", "error-tint", 4.5),
        ("success", "paper", 4.5),
        ("ink", "info-tint", 4.5),
        ("border-strong", "paper", 3.0),
        ("focus", "paper", 3.0),
        ("focus-halo", "focus", 3.0),
    ],
)
def test_token_contrast(foreground, background, minimum):
    """The snw palette meets WCAG 2.2 AA: 4.5:1 for text (1.4.3), 3:1 for controls and focus (1.4.11)."""
    tokens = dict(re.findall(r"--snw-color-([a-z-]+):\s*(#[0-9a-fA-F]{6});", TOKENS.read_text()))
    assert _contrast(tokens[foreground], tokens[background]) >= minimum
