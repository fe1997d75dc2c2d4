"""Action-line cards (actielijnen): the heart of the programme.

The card follows the programme's own format, Bijlage 3 of the uitvoeringsprogramma (002:1722-1737):
Actielijn/doel; Opbrengst middellange termijn; Opdracht lange termijn; SMART; Trekker(s);
Contactpersoon; Betrokken partijen; Eigenaarschap bewoners; Wat lossen we op?; Werkwijze; Resultaat;
Voorwaarden en risico's; Planning en acties; Huidige stand van zaken ("Dynamisch onderdeel, moet
steeds geüpdatet worden"). Action lines "ontwikkelen", new ones start and others end (002:86); the
published ones are made public (002:88).

Every change is kept by django-simple-history; ``version`` detects two people editing at once. The
lifecycle is declared in ``actielijnen/workflow.py`` and moved only by ``services.move_card``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from domains.models import Body, Domain, Focusbuurt, Opbrengst, Organisation

# The programme period of the uitvoeringsprogramma 2024-2027; milestones must fall inside it.
PROGRAMME_START = datetime.date(2023, 1, 1)
PROGRAMME_END = datetime.date(2043, 12, 31)


class Status(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    TER_REVIEW = "ter-review", _("Ter review")
    GEPUBLICEERD = "gepubliceerd", _("Gepubliceerd")
    AFGEROND = "afgerond", _("Afgerond")
    GEARCHIVEERD = "gearchiveerd", _("Gearchiveerd")


class Actielijn(models.Model):
    code = models.SlugField(
        _("code"), unique=True, max_length=80, help_text=_("Vaste code; import en export herkennen de kaart hieraan.")
    )
    domain = models.ForeignKey(Domain, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="actielijnen")
    opgaveteam = models.ForeignKey(
        Body,
        verbose_name=_("opgaveteam of werkgroep"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actielijnen",
        limit_choices_to={"kind__in": ["opgaveteam", "werkgroep"]},
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT, db_index=True)

    # Actielijn/doel
    title = models.CharField(_("actielijn"), max_length=200)
    goal = models.TextField(_("doel"), blank=True)
    # Opbrengst middellange termijn → Opdracht lange termijn (through the opbrengst)
    opbrengsten = models.ManyToManyField(Opbrengst, verbose_name=_("opbrengsten middellange termijn"), blank=True, related_name="actielijnen")
    smart = models.TextField(_("SMART"), blank=True, help_text=_("Specifiek, meetbaar, acceptabel, realistisch, tijdgebonden."))
    # Trekker(s), contactpersoon, betrokken partijen
    aanvoerder = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("aanvoerder"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trekkers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("trekkers (personen)"), blank=True, related_name="getrokken_actielijnen")
    trekker_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("trekkers (organisaties)"), blank=True, related_name="getrokken_actielijnen"
    )
    contact = models.CharField(
        _("contactpersoon"), max_length=200, blank=True, help_text=_("Functie of naam zoals die openbaar mag staan.")
    )
    partners = models.ManyToManyField(Organisation, verbose_name=_("betrokken partijen"), blank=True, related_name="actielijnen")
    focusbuurten = models.ManyToManyField(Focusbuurt, verbose_name=_("focusbuurten"), blank=True, related_name="actielijnen")
    # Eigenaarschap bewoners
    resident_ownership = models.TextField(_("eigenaarschap bewoners"), blank=True)
    # Wat lossen we op?
    problem = models.TextField(_("wat is het probleem"), blank=True)
    must_change = models.TextField(_("wat moet anders"), blank=True)
    current_state = models.TextField(_("huidige situatie"), blank=True)
    # Werkwijze
    way_of_working = models.TextField(_("werkwijze"), blank=True)
    # Resultaat
    result = models.TextField(_("op te leveren resultaat"), blank=True)
    learning = models.TextField(_("fundamenteel leren"), blank=True)
    monitoring = models.TextField(_("monitoring en rapportering"), blank=True)
    # Voorwaarden en risico's
    risks = models.TextField(_("risico's"), blank=True)
    money = models.TextField(_("geld, bron en dekkingsplan"), blank=True)
    people_needed = models.TextField(_("mensen"), blank=True)
    time_needed = models.TextField(_("tijd"), blank=True)
    policy_changes = models.TextField(_("beleidswijzigingen"), blank=True)

    source = models.CharField(_("bron"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gepubliceerd door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("bijgewerkt"), default=timezone.now)
    last_status_update_at = models.DateTimeField(_("laatste statusupdate"), null=True, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("versie"), default=1)

    history = HistoricalRecords(m2m_fields=[opbrengsten, partners, trekker_organisations, focusbuurten, trekkers])

    class Meta:
        verbose_name = _("actielijn")
        verbose_name_plural = _("actielijnen")
        ordering = ["domain", "title"]
        permissions = [
            ("edit_card", _("Deze kaart bewerken")),
            ("propose_update", _("Statusupdates voorstellen en reageren")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("actielijnen:card", kwargs={"code": self.code})

    @property
    def is_public(self) -> bool:
        return self.status in (Status.GEPUBLICEERD, Status.AFGEROND)


class Mijlpaal(models.Model):
    """A dated milestone of "Planning en acties", with its status and progress."""

    class State(models.TextChoices):
        GEPLAND = "gepland", _("Gepland")
        BEZIG = "bezig", _("Bezig")
        GEREED = "gereed", _("Gereed")
        VERTRAAGD = "vertraagd", _("Vertraagd")
        GESCHRAPT = "geschrapt", _("Geschrapt")

    actielijn = models.ForeignKey(Actielijn, verbose_name=_("actielijn"), on_delete=models.CASCADE, related_name="mijlpalen")
    title = models.CharField(_("mijlpaal"), max_length=200)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("gereed op"))
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.GEPLAND)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(name="mijlpaal_progress_0_100", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.starts_on and self.due_on and self.starts_on > self.due_on:
            errors["due_on"] = _("De einddatum ligt vóór de startdatum.")
        for field in ("starts_on", "due_on"):
            value = getattr(self, field)
            if value and not (PROGRAMME_START <= value <= PROGRAMME_END):
                errors[field] = _("Deze datum valt buiten de looptijd van het programma (%(start)s tot %(end)s).") % {
                    "start": PROGRAMME_START.year,
                    "end": PROGRAMME_END.year,
                }
        if self.progress is not None and self.progress > 100:
            errors["progress"] = _("Voortgang is een percentage van 0 tot 100.")
        if errors:
            raise ValidationError(errors)


class Statusupdate(models.Model):
    """One entry of "Huidige stand van zaken": dated, with its author, newest first.

    Opgaveteam members may *propose* an update; the aanvoerder, a trekker or the programme team
    accepts it into the card's log.
    """

    class State(models.TextChoices):
        VOORGESTELD = "voorgesteld", _("Voorgesteld")
        GEPLAATST = "geplaatst", _("Geplaatst")
        AFGEWEZEN = "afgewezen", _("Afgewezen")

    actielijn = models.ForeignKey(Actielijn, verbose_name=_("actielijn"), on_delete=models.CASCADE, related_name="statusupdates")
    text = models.TextField(_("stand van zaken"))
    # Empty for updates taken over from the programme's documents (their source is in the text).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("status"), max_length=12, choices=State.choices, default=State.GEPLAATST)
    created_at = models.DateTimeField(_("datum"), default=timezone.now, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statusupdate")
        verbose_name_plural = _("statusupdates")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.actielijn}: {self.created_at:%Y-%m-%d}"


class Comment(models.Model):
    """A remark of an opgaveteam member on a card (not public)."""

    actielijn = models.ForeignKey(Actielijn, verbose_name=_("actielijn"), on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("reactie"))
    created_at = models.DateTimeField(_("datum"), default=timezone.now)

    class Meta:
        verbose_name = _("reactie")
        verbose_name_plural = _("reacties")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.actielijn}: {self.created_at:%Y-%m-%d}"


class Transition(models.Model):
    """A move of a card through its lifecycle: who, when, from where to where, and why."""

    actielijn = models.ForeignKey(Actielijn, verbose_name=_("actielijn"), on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(_("van"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("naar"), max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("op"), default=timezone.now)
    reason = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.actielijn}: {self.from_status} → {self.to_status}"


class ActielijnUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Actielijn, on_delete=models.CASCADE)


class ActielijnGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Actielijn, on_delete=models.CASCADE)


class ImportJob(models.Model):
    """A large spreadsheet import run by a Celery worker (``actielijnen/imports.py``): first the dry run
    (phase ``controle``), then, once the uploader confirms, the all-or-nothing save (phase ``opslaan``).

    The checked file waits in the private upload folder; only its random token is kept here, never a path.
    ``code`` is the job's address: only its requester (with the import right) sees it.
    """

    class State(models.TextChoices):
        WACHTEND = "wachtend", _("In de wachtrij")
        BEZIG = "bezig", _("Bezig")
        KLAAR = "klaar", _("Klaar")
        MISLUKT = "mislukt", _("Mislukt")

    class Phase(models.TextChoices):
        CONTROLE = "controle", _("Controle")
        OPSLAAN = "opslaan", _("Opslaan")

    ACTIVE = (State.WACHTEND, State.BEZIG)

    code = models.SlugField(max_length=40, unique=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.WACHTEND)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.CONTROLE)
    file_token = models.CharField(max_length=64)
    file_kind = models.CharField(max_length=4)
    file_name = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=8, default="nl")  # the report's messages are written in it
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    digest = models.CharField(max_length=64, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("importtaak")
        verbose_name_plural = _("importtaken")

    def __str__(self) -> str:
        return f"{self.file_name or self.code} ({self.get_state_display()})"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE

    @property
    def percent(self) -> int:
        return round(100 * self.done_rows / self.total_rows) if self.total_rows else 0
