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
        settings.AUTH_USER_MODEL, verbose_name=_("aangemaakt door"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
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


def build_path(instance: Build, filename: str) -> str:
    # A random part: the URL of an unpublished version cannot be guessed; files are served only by a view.
    return f"jaarbeeld/{instance.edition.report_year}/{filename}"


class Build(models.Model):
    """One numbered version of an edition, built by a Celery job into an HTML file and a PDF (issue 7 item 3).

    The row is the job's state: "wachtend" (queued), "bezig" (a worker holds it, with a heartbeat),
    "klaar" (both files written and checked) or "mislukt" (with the reason). Only the last step sets
    "klaar", in one transaction with the file names, so a killed worker leaves a build that is not
    complete and can be built again. At most one build per edition is queued or running (a database
    constraint, not only a check), and at most one version per language is the published one.
    A draft ("concept", the 15 January beat job) shows every block with data, approved or not, marked
    as concept; it can never be published.
    """

    class State(models.TextChoices):
        WACHTEND = "wachtend", _("In de wachtrij")
        BEZIG = "bezig", _("Bezig")
        KLAAR = "klaar", _("Klaar")
        MISLUKT = "mislukt", _("Mislukt")

    ACTIVE = (State.WACHTEND, State.BEZIG)

    edition = models.ForeignKey(Edition, verbose_name=_("editie"), on_delete=models.CASCADE, related_name="builds")
    number = models.PositiveIntegerField(_("versie"))
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES)
    is_draft = models.BooleanField(_("concept"), default=False)
    state = models.CharField(_("stand"), max_length=10, choices=State.choices, default=State.WACHTEND)
    step = models.PositiveSmallIntegerField(_("stap"), default=0)
    total_steps = models.PositiveSmallIntegerField(_("aantal stappen"), default=0)
    step_label = models.CharField(_("bezig met"), max_length=200, blank=True)
    log = models.JSONField(_("logboek"), default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gestart door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("gestart op"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("laatste teken van leven"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    data_version = models.CharField(_("gegevensversie"), max_length=64, blank=True)
    html_file = models.FileField(_("HTML"), upload_to=build_path, max_length=200, blank=True)
    pdf_file = models.FileField(_("PDF"), upload_to=build_path, max_length=200, blank=True)
    html_size = models.PositiveIntegerField(_("grootte HTML (bytes)"), null=True, blank=True)
    pdf_size = models.PositiveIntegerField(_("grootte PDF (bytes)"), null=True, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(_("pagina's"), null=True, blank=True)
    html_seconds = models.FloatField(_("tijd HTML (s)"), null=True, blank=True)
    pdf_seconds = models.FloatField(_("tijd PDF (s)"), null=True, blank=True)
    error = models.TextField(_("foutmelding"), blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gepubliceerd door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("versie van het jaarbeeld")
        verbose_name_plural = _("versies van het jaarbeeld")
        ordering = ["edition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="build_number_once"),
            models.UniqueConstraint(
                fields=["edition"], condition=models.Q(state__in=["wachtend", "bezig"]), name="build_one_active_per_edition"
            ),
            models.UniqueConstraint(
                fields=["edition", "language"], condition=models.Q(published_at__isnull=False), name="build_one_published_per_language"
            ),
            models.CheckConstraint(
                condition=~models.Q(state="klaar") | (~models.Q(html_file="") & ~models.Q(pdf_file="")),
                name="build_complete_has_files",
            ),
            models.CheckConstraint(
                condition=models.Q(published_at__isnull=True) | (models.Q(state="klaar") & models.Q(is_draft=False)),
                name="build_published_is_complete_final",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} · v{self.number} ({self.language})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def started_by_name(self) -> str:
        """Who started this version; empty for the beat job's drafts (the templates say "automatisch")."""
        return str(self.requested_by) if self.requested_by_id else ""

    @property
    def percent(self) -> int:
        if self.state == self.State.KLAAR:
            return 100
        return int(100 * self.step / self.total_steps) if self.total_steps else 0
