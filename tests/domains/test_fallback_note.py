"""English pages say when content is shown in Dutch because no translation exists (issue 4, language)."""

import pytest
from django.urls import reverse
from django.utils import translation

NOTE_EN = "This text has not been translated yet and is shown in Dutch."


@pytest.mark.django_db
def test_english_domain_page_without_translation_shows_the_note(client, structure):
    domain = structure["domain"]
    domain.summary_nl = "Samen werken aan veiligheid."
    domain.summary_en = ""
    domain.save()
    with translation.override("en"):
        url = reverse("domains:domain", kwargs={"slug": domain.slug})
    html = client.get(url).content.decode()
    assert NOTE_EN in html
    assert "Samen werken aan veiligheid." in html  # the Dutch text is the fallback


@pytest.mark.django_db
def test_translated_or_dutch_pages_show_no_note(client, structure):
    domain = structure["domain"]
    domain.summary_nl = "Samen werken aan veiligheid."
    domain.summary_en = "Working together on safety."
    domain.waardeperspectief_en = ""
    domain.tagline_en = "Connected and safe"
    domain.save()
    with translation.override("en"):
        en_url = reverse("domains:domain", kwargs={"slug": domain.slug})
    assert NOTE_EN not in client.get(en_url).content.decode()
    dutch = client.get(reverse("domains:domain", kwargs={"slug": domain.slug})).content.decode()
    assert "nog niet vertaald" not in dutch
