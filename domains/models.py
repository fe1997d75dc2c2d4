"""The alliance's structure: domains and their theory of change, bodies, organisations, seats.

Theory of change (002:56, DECISIONS 4): waarde → opgave → opdracht → opbrengst → actielijn. A domain
has several opdrachten (long term), each with its own opbrengsten (mid term); action lines
(``actielijnen``) deliver opbrengsten. Community wealth building is a cross-cutting programme, not a
sixth domain, and is stored as a ``Domain`` of kind ``programma``.

People act in *bodies* (the alliance, its board, the programme team, opgaveteams, werkgroepen,
netwerkgroepen, wijkallianties, the adviescommissie leerkoers) through *seats*: time-bound role
assignments for an organisation (DECISIONS 1). Rights follow from active seats, never from an
organisation's kind. An organisation's kind (formal/informal) is itself a recorded decision
(DECISIONS 2).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Domain(models.Model):
    class Kind(models.TextChoices):
        DOMEIN = "domein", _("Domein")
        PROGRAMMA = "programma", _("Domeinoverstijgend programma")

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    kind = models.CharField(_("soort"), max_length=12, choices=Kind.choices, default=Kind.DOMEIN)
    letter = models.CharField(
        _("letter"), max_length=1, blank=True, help_text=_("De letter waarmee het convenant opgaven markeert.")
    )
    name = models.CharField(_("naam"), max_length=120)
    tagline = models.CharField(_("ondertitel"), max_length=200, blank=True)
    waardeperspectief = models.TextField(_("waardeperspectief"), blank=True, help_text=_("Hoe zou het moeten zijn?"))
    summary = models.TextField(_("samenvatting"), blank=True)
    source = models.CharField(_("bron"), max_length=120, blank=True, help_text=_("Waar de tekst vandaan komt."))

    class Meta:
        verbose_name = _("domein")
        verbose_name_plural = _("domeinen")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("domains:domain", kwargs={"slug": self.slug})


class Opgave(models.Model):
    """A task of the convenant (003) for a domain; it names the other domains it touches (003:417-423)."""

    domain = models.ForeignKey(Domain, verbose_name=_("domein"), on_delete=models.CASCADE, related_name="opgaven")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("titel"), max_length=200)
    body = models.TextField(_("toelichting"), blank=True)
    touches = models.ManyToManyField(Domain, verbose_name=_("raakt ook"), blank=True, related_name="+")
    sort = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("opgave")
        verbose_name_plural = _("opgaven")
        ordering = ["domain", "sort"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="opgave_code_per_domain")]

    def __str__(self) -> str:
        return self.title


class Opdracht(models.Model):
    """Long-term mission of a domain ("Opdracht – visie op lange termijn", 002:73)."""

    domain = models.ForeignKey(Domain, verbose_name=_("domein"), on_delete=models.CASCADE, related_name="opdrachten")
    code = models.SlugField(_("code"), max_length=40)
    number = models.PositiveSmallIntegerField(_("nummer"), default=1)
    title = models.CharField(_("titel"), max_length=300)
    body = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("opdracht")
        verbose_name_plural = _("opdrachten")
        ordering = ["domain", "number"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="opdracht_code_per_domain")]

    def __str__(self) -> str:
        return self.title


class Opbrengst(models.Model):
    """Mid-term outcome of an opdracht ("Opbrengsten op middellange termijn", 002:75)."""

    opdracht = models.ForeignKey(
        Opdracht, verbose_name=_("opdracht"), on_delete=models.CASCADE, related_name="opbrengsten"
    )
    code = models.SlugField(_("code"), max_length=40)
    number = models.PositiveSmallIntegerField(_("nummer"), default=1)
    title = models.CharField(_("titel"), max_length=400)
    body = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("opbrengst")
        verbose_name_plural = _("opbrengsten")
        ordering = ["opdracht", "number"]
        constraints = [models.UniqueConstraint(fields=["opdracht", "code"], name="opbrengst_code_per_opdracht")]

    def __str__(self) -> str:
        return self.title


class Organisation(models.Model):
    """An alliance partner or another organisation the documents name.

    ``kind`` (formal/informal) is the current outcome of recorded decisions
    (``OrganisationKindDecision``); the documents call the line contested (000:18).
    """

    class Kind(models.TextChoices):
        FORMEEL = "formeel", _("Formele partner")
        INFORMEEL = "informeel", _("Informele partner")

    class Sector(models.TextChoices):
        OVERHEID = "overheid", _("Overheid")
        VEILIGHEID = "veiligheid", _("Veiligheid en justitie")
        ZORG_WELZIJN = "zorg-welzijn", _("Zorg en welzijn")
        JEUGD = "jeugd", _("Jeugd en gezin")
        ONDERWIJS = "onderwijs", _("Onderwijs")
        KENNIS = "kennis", _("Kennis en onderzoek")
        WONEN = "wonen", _("Wonen")
        WERK = "werk", _("Werk en inkomen")
        BEDRIJF = "bedrijf", _("Bedrijfsleven")
        CULTUUR = "cultuur", _("Cultuur en sport")
        GEMEENSCHAP = "gemeenschap", _("Bewonersinitiatief en gemeenschap")

    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(
        _("soort partner"),
        max_length=10,
        choices=Kind.choices,
        help_text=_(
            "Een vastgelegd besluit, met reden: het programmateam wijzigt het in het portaal via Partners → Soort vastleggen."
        ),
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    description = models.TextField(_("omschrijving"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_alliance_partner = models.BooleanField(_("alliantiepartner"), default=True)
    partner_since = models.DateField(_("partner sinds"), null=True, blank=True)
    source = models.CharField(_("bron"), max_length=200, blank=True, help_text=_("Waar de documenten de organisatie noemen."))

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKindDecision(models.Model):
    """Who decided that an organisation is a formal or an informal partner, when and why (DECISIONS 2)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="kind_decisions"
    )
    kind = models.CharField(_("soort partner"), max_length=10, choices=Organisation.Kind.choices)
    decided_on = models.DateField(_("besloten op"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("besloten door"), null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_by_body = models.CharField(_("besloten door (orgaan)"), max_length=200, blank=True)
    reason = models.TextField(_("reden"))

    class Meta:
        verbose_name = _("besluit over soort partner")
        verbose_name_plural = _("besluiten over soort partner")
        ordering = ["organisation", "-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display()} ({self.decided_on})"


class Focusbuurt(models.Model):
    """One of the ten focus neighbourhoods of the programme (002:168-182)."""

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    name = models.CharField(_("naam"), max_length=120)
    gebied = models.CharField(_("gebied"), max_length=120)
    cluster = models.CharField(_("cluster van buurten"), max_length=4)
    inhabitants = models.PositiveIntegerField(_("aantal bewoners"), null=True, blank=True)
    cluster_inhabitants = models.PositiveIntegerField(_("aantal bewoners cluster"), null=True, blank=True)
    description = models.TextField(_("omschrijving"), blank=True)
    source = models.CharField(_("bron"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("focusbuurt")
        verbose_name_plural = _("focusbuurten")
        ordering = ["cluster", "name"]

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    """A body of the alliance in which people hold seats.

    Opgaveteams and werkgroepen belong to a domain; a werkgroep may sit under an opgaveteam.
    Netwerkgroepen are bodies too (their meeting rhythm lives in the netwerkgroep app).
    """

    class Kind(models.TextChoices):
        ALLIANTIE = "alliantie", _("Alliantie")
        ALLIANTIEBESTUUR = "alliantiebestuur", _("Alliantiebestuur")
        PROGRAMMATEAM = "programmateam", _("Programmateam")
        OPGAVETEAM = "opgaveteam", _("Opgaveteam")
        WERKGROEP = "werkgroep", _("Werkgroep")
        NETWERKGROEP = "netwerkgroep", _("Netwerkgroep")
        WIJKALLIANTIE = "wijkalliantie", _("Wijkalliantie")
        ADVIESCOMMISSIE = "adviescommissie", _("Adviescommissie leerkoers")

    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    domain = models.ForeignKey(
        Domain, verbose_name=_("domein"), null=True, blank=True, on_delete=models.PROTECT, related_name="bodies"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("valt onder"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    focusbuurten = models.ManyToManyField(Focusbuurt, verbose_name=_("focusbuurten"), blank=True, related_name="bodies")
    rhythm = models.CharField(_("ritme"), max_length=200, blank=True)
    source = models.CharField(_("bron"), max_length=200, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("orgaan")
        verbose_name_plural = _("organen")
        ordering = ["kind", "name"]
        permissions = [("manage_body", _("Orgaan beheren (verslagen, leden)"))]
        constraints = [
            models.CheckConstraint(
                name="team_has_domain",
                condition=~Q(kind__in=["opgaveteam"]) | Q(domain__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("domains:body", kwargs={"slug": self.slug})


class SeatQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None) -> SeatQuerySet:
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class Seat(models.Model):
    """A time-bound role assignment: a person holds a role in a body, for an organisation (DECISIONS 1)."""

    class Role(models.TextChoices):
        LID = "lid", _("Lid")
        VOORZITTER = "voorzitter", _("Voorzitter")
        AANVOERDER = "aanvoerder", _("Aanvoerder actielijn")
        PROGRAMMATEAM = "programmateam", _("Programmateamlid")
        BESTUURSLID = "bestuurslid", _("Bestuurslid")
        NETWERKREGISSEUR = "netwerkregisseur", _("Netwerkregisseur")
        FONDSBEHEERDER = "fondsbeheerder", _("Bewaker financiële regels")
        PRIVACY = "privacy", _("Privacyfunctionaris")
        PARTNER = "partner", _("Medewerker alliantiepartner")

    class BoardSeat(models.TextChoices):
        VOORZITTER = "voorzitter", _("Voorzitter (burgemeester)")
        OT_VOORZITTER = "ot-voorzitter", _("Voorzitter opgaveteam")
        WETHOUDER = "wethouder", _("Coördinerend wethouder")
        STADSDEEL = "stadsdeel", _("Stadsdeelvoorzitter Nieuw-West")
        RIJK = "rijk", _("Rijksvertegenwoordiger")
        WETENSCHAP = "wetenschap", _("Wetenschappelijke stoel")
        BEWONER = "bewoner", _("Bewonerszetel")

    class Side(models.TextChoices):
        FORMEEL = "formeel", _("Formeel")
        INFORMEEL = "informeel", _("Informeel")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="seats")
    body = models.ForeignKey(Body, verbose_name=_("orgaan"), on_delete=models.CASCADE, related_name="seats")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("namens organisatie"), null=True, blank=True, on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    board_seat = models.CharField(_("zetel in het bestuur"), max_length=20, choices=BoardSeat.choices, blank=True)
    side = models.CharField(
        _("formeel of informeel aan tafel"),
        max_length=10,
        choices=Side.choices,
        blank=True,
        help_text=_(
            "Bij het geven van de zetel afgeleid van de soort organisatie; alleen de regisseur wijzigt het, met reden, "
            "in het portaal op de pagina Leden en zetels van de netwerkgroep."
        ),
    )
    starts_on = models.DateField(_("vanaf"))
    ends_on = models.DateField(_("tot en met"), null=True, blank=True)
    note = models.CharField(_("notitie"), max_length=300, blank=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("zetel")
        verbose_name_plural = _("zetels")
        ordering = ["body", "role", "starts_on"]
        constraints = [
            models.CheckConstraint(
                name="seat_ends_after_start", condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on"))
            )
        ]
        indexes = [models.Index(fields=["user", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.body}"

    def is_active(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class SeatSideChange(models.Model):
    """The regisseur moved a member to the other side of the netwerkgroep table, and why (DECISIONS 2).

    The seat's side is first set from the organisation's kind when the seat is given; afterwards only
    the group's regisseur changes it, and each change keeps its reason, its author and its moment.
    """

    seat = models.ForeignKey(Seat, verbose_name=_("zetel"), on_delete=models.CASCADE, related_name="side_changes")
    from_side = models.CharField(_("van"), max_length=10, choices=Seat.Side.choices, blank=True)
    to_side = models.CharField(_("naar"), max_length=10, choices=Seat.Side.choices)
    reason = models.TextField(_("reden"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gewijzigd door"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), default=timezone.now)

    class Meta:
        verbose_name = _("wijziging van kant aan tafel")
        verbose_name_plural = _("wijzigingen van kant aan tafel")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.seat}: {self.from_side or '—'} → {self.to_side}"


class MeetingReport(models.Model):
    """A report of a meeting of an opgaveteam or werkgroep, like the OT Veiligheid report (000)."""

    body = models.ForeignKey(Body, verbose_name=_("orgaan"), on_delete=models.CASCADE, related_name="reports")
    slug = models.SlugField(_("slug"), max_length=120)
    held_on = models.DateField(_("datum"))
    title = models.CharField(_("titel"), max_length=200)
    text = models.TextField(_("verslag"))
    is_published = models.BooleanField(_("gepubliceerd"), default=False)
    source = models.CharField(_("bron"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("verslag")
        verbose_name_plural = _("verslagen")
        ordering = ["-held_on"]
        constraints = [models.UniqueConstraint(fields=["body", "slug"], name="report_slug_per_body")]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on})"


# --- guardian grants with direct foreign keys: they die with their object (DECISIONS 25) ---------
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase  # noqa: E402


class BodyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)


class BodyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Body, on_delete=models.CASCADE)
