"""Stories ("Uit de praktijk") now; indicators and the jaarbeeld come with the monitoring issue.

Stories are not cases and are never linked to one (DECISIONS 18). Every person in a story has an
anonymity level (named, first name, anonymous) and a consent record; a child under 16 needs consent
from a parent or guardian; "anonymous" means no name and no organisation anywhere. Images need alt
text and a credit. A story about HGKM needs the netwerkregisseur's sign-off before publication. The
documents use different titles for the same story: the variants are kept (DECISIONS 19).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from domains.models import Domain, Focusbuurt, Organisation


class Verhaal(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")
        INGETROKKEN = "ingetrokken", _("Ingetrokken")

    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    title = models.CharField(_("titel"), max_length=200)
    title_variants = models.TextField(
        _("andere titels in de bronnen"), blank=True, help_text=_("Eén per regel; de documenten gebruiken soms een andere titel.")
    )
    summary = models.TextField(_("samenvatting"), blank=True)
    body = models.TextField(_("verhaal"))
    domain = models.ForeignKey(Domain, verbose_name=_("domein"), null=True, blank=True, on_delete=models.PROTECT, related_name="verhalen")
    focusbuurt = models.ForeignKey(
        Focusbuurt, verbose_name=_("focusbuurt"), null=True, blank=True, on_delete=models.PROTECT, related_name="verhalen"
    )
    neighbourhood_text = models.CharField(
        _("buurt of plek"), max_length=200, blank=True, help_text=_("Als het verhaal in een buurt speelt die geen focusbuurt is.")
    )
    story_date = models.DateField(_("datum"))
    image = models.ImageField(_("foto"), upload_to="verhalen/", blank=True)
    image_alt = models.CharField(_("alt-tekst van de foto"), max_length=300, blank=True)
    image_credit = models.CharField(_("fotograaf of bron van de foto"), max_length=200, blank=True)
    is_hgkm = models.BooleanField(_("gaat over huiselijk geweld of kindermishandeling"), default=False)
    hgkm_signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("akkoord netwerkregisseur"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hgkm_signed_off_at = models.DateTimeField(_("akkoord gegeven op"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.CONCEPT, db_index=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gepubliceerd door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("bron"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verhaal")
        verbose_name_plural = _("verhalen")
        ordering = ["-story_date", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:story", kwargs={"slug": self.slug})


class VerhaalPersoon(models.Model):
    """A person who appears in a story, with how they may be named and their consent."""

    class Anonymity(models.TextChoices):
        NAAM = "naam", _("Met naam")
        VOORNAAM = "voornaam", _("Alleen voornaam")
        ANONIEM = "anoniem", _("Anoniem: geen naam en geen organisatie")

    class ConsentBy(models.TextChoices):
        PERSOON = "persoon", _("De persoon zelf")
        OUDER = "ouder", _("Ouder of voogd")

    verhaal = models.ForeignKey(Verhaal, verbose_name=_("verhaal"), on_delete=models.CASCADE, related_name="personen")
    role = models.CharField(_("rol in het verhaal"), max_length=200, help_text=_("Bijvoorbeeld: jongere uit de Kerngroep, trajectbegeleider."))
    display_name = models.CharField(
        _("naam zoals genoemd"), max_length=120, blank=True, help_text=_("Leeg bij anoniem; alleen de voornaam bij 'alleen voornaam'.")
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    anonymity = models.CharField(_("anonimiteit"), max_length=10, choices=Anonymity.choices)
    is_under_16 = models.BooleanField(_("jonger dan 16"), default=False)
    consent_on = models.DateField(_("toestemming gegeven op"), null=True, blank=True)
    consent_by = models.CharField(_("toestemming gegeven door"), max_length=10, choices=ConsentBy.choices, blank=True)
    consent_form = models.CharField(_("vorm van toestemming"), max_length=80, blank=True, help_text=_("Bijvoorbeeld: schriftelijk, mondeling."))
    consent_scope = models.CharField(_("waarvoor toestemming"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("persoon in verhaal")
        verbose_name_plural = _("personen in verhaal")
        ordering = ["verhaal", "id"]

    def __str__(self) -> str:
        return self.display_name or self.role


class ContactBericht(models.Model):
    """A message from the public "Doe mee" form: someone who wants to join or ask how (002:1591-1595).

    Stored only with the sender's consent (a checkbox on the form); read by the programme team, who mark
    it handled. Holds personal data (name, e-mail): no other page shows it.
    """

    name = models.CharField(_("naam"), max_length=120)
    email = models.EmailField(_("e-mailadres"))
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    message = models.TextField(_("bericht"), max_length=5000)
    created_at = models.DateTimeField(_("ontvangen op"), auto_now_add=True, db_index=True)
    handled = models.BooleanField(_("afgehandeld"), default=False)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("afgehandeld door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(_("afgehandeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bericht via Doe mee")
        verbose_name_plural = _("berichten via Doe mee")
        ordering = ["handled", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.created_at:%Y-%m-%d})" if self.created_at else self.name
