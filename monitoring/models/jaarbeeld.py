"""Jaarbeeld editions: one per report year, with editorial parts and opt-in generated blocks.

The 2025 jaarbeeld is almost wholly editorial (DECISIONS 15; seed-notes §1.2): voorwoord with its author,
"Wie we zijn en wat we doen", stories "Uit de praktijk" in an editor-chosen order, and "Zo zetten we
middelen in". Generated blocks (partners, funding, netwerkgroep figures, indicators, action lines) are
new: each is off until an editor switches it on and approves it, and shows its source and as-of date; a
block without a source says so instead of inventing data. Periods are explicit (DECISIONS 16): the 2025
edition appeared in 2026 and tells of early 2026. The netwerkgroep block reads only signed-off yearly
figures of Nieuw-West (DECISIONS 14, 17). Story titles keep their variants (DECISIONS 19): each chosen
story stores which title this edition uses.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from monitoring.models.stories import Verhaal


class Edition(models.Model):
    class Status(models.TextChoices):
        CONCEPT = "concept", _("Concept")
        IN_OPBOUW = "in-opbouw", _("In opbouw")
        GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")

    report_year = models.PositiveSmallIntegerField(_("verslagjaar"), unique=True)
    publication_year = models.PositiveSmallIntegerField(_("jaar van uitgave"))
    period_start = models.DateField(_("verslagperiode van"))
    period_end = models.DateField(_("verslagperiode tot en met"))
    as_of = models.DateField(_("peildatum"), help_text=_("De gegenereerde blokken tonen de stand op deze datum."))
    title = models.CharField(_("titel"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CONCEPT)
    voorwoord = models.TextField(_("voorwoord"), blank=True)
    voorwoord_author = models.CharField(_("auteur van het voorwoord"), max_length=200, blank=True)
    voorwoord_author_role = models.CharField(_("functie van de auteur"), max_length=200, blank=True)
    introduction = models.TextField(_("wie we zijn en wat we doen"), blank=True)
    money_text = models.TextField(_("zo zetten we middelen in"), blank=True)
    colofon = models.TextField(_("colofon"), blank=True)
    # Optimistic locking: a save names the version it started from (two editors in two tabs).
    version = models.PositiveIntegerField(_("versie"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("aangemaakt door"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("jaarbeeld-editie")
        verbose_name_plural = _("jaarbeeld-edities")
        ordering = ["-report_year"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("Het einde van de verslagperiode ligt voor het begin.")
        if self.period_end and self.as_of and self.as_of < self.period_end:
            errors["as_of"] = _("De peildatum ligt voor het einde van de verslagperiode; kies een datum op of na het einde.")
        if self.report_year and self.publication_year and self.publication_year < self.report_year:
            errors["publication_year"] = _("Een jaarbeeld verschijnt niet voor het jaar waarover het gaat.")
        if errors:
            raise ValidationError(errors)


class EditionStory(models.Model):
    """A published story chosen for an edition, in the editor's order, with the title this edition uses."""

    edition = models.ForeignKey(Edition, verbose_name=_("editie"), on_delete=models.CASCADE, related_name="stories")
    story = models.ForeignKey(Verhaal, verbose_name=_("verhaal"), on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("volgorde"))
    title_choice = models.CharField(
        _("titel in dit jaarbeeld"), max_length=200, blank=True, help_text=_("Leeg: de titel van het verhaal.")
    )

    class Meta:
        verbose_name = _("verhaal in jaarbeeld")
        verbose_name_plural = _("verhalen in jaarbeeld")
        ordering = ["edition", "order"]
        constraints = [models.UniqueConstraint(fields=["edition", "story"], name="edition_story_once")]

    def __str__(self) -> str:
        return self.title_choice or self.story.title

    @property
    def shown_title(self) -> str:
        return self.title_choice or self.story.title


class EditionBlock(models.Model):
    """A generated block of an edition: off by default, shown only once switched on and approved (DECISIONS 15)."""

    class Kind(models.TextChoices):
        PARTNERS = "partners", _("Partners")
        FINANCIERING = "financiering", _("Toegekende middelen per fonds en per domein")
        NETWERKGROEP = "netwerkgroep", _("Cijfers van de netwerkgroep")
        INDICATOREN = "indicatoren", _("Indicatoren")
        ACTIELIJNEN = "actielijnen", _("Actielijnen en statusupdates")

    edition = models.ForeignKey(Edition, verbose_name=_("editie"), on_delete=models.CASCADE, related_name="blocks")
    kind = models.CharField(_("soort blok"), max_length=14, choices=Kind.choices)
    enabled = models.BooleanField(_("aan"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("goedgekeurd door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("goedgekeurd op"), null=True, blank=True)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("gegenereerd blok")
        verbose_name_plural = _("gegenereerde blokken")
        ordering = ["edition", "kind"]
        constraints = [models.UniqueConstraint(fields=["edition", "kind"], name="edition_block_once")]

    def __str__(self) -> str:
        return f"{self.edition} · {self.get_kind_display()}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None
