"""The HGKM netwerkgroep: anonymised cases, the weekly agenda, agreements, and what each seat may see.

"Iedere woensdag komen formele en informele partijen samen in de Netwerkgroep om vastgelopen en
complexe casussen op te pakken" (000:6). "Iedereen kan hier (complexe) situaties van HGKM inbrengen.
Dat gebeurt anoniem en in afstemming met de huishoudens waar het over gaat." (004:56)

This is the most sensitive data of the portal, treated like medical records:
- a case holds no names, addresses, birth dates, BSN, phone numbers or e-mail addresses: every free text
  passes ``netwerkgroep.pii`` before it is saved; household composition is in categories only;
- the case code is random and means nothing; the inbrenger stays on the case for its whole life;
- every note has a visibility (table / formal / restricted); members of another netwerkgroep, the
  programme team, the board and administrators see nothing of a case;
- consent is a record, not a checkbox (DECISIONS 10); closing needs a reason and a terugblik date
  (DECISIONS 13); a closed case is purged after 12 months and leaves a tombstone and anonymous counts
  (issue 6, item 9; DECISIONS 13c).
Membership is a seat in the netwerkgroep body (``domains.Seat``), with its side (formal/informal).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domains.models import Body, Organisation, Seat
from netwerkgroep.pii import no_personal_data

text_validators = [no_personal_data]


class Bouwsteen(models.TextChoices):
    """The six bouwstenen of the HGKM action line (004:25-30, verbatim titles)."""

    DATA = "data-analyse", _("Data-analyse")
    DIALOOG = "bewustwording-dialoog", _("Bewustwording & dialoog")
    SAMENWERKING = "samenwerking", _("Samenwerking informeel & formeel")
    HUISVERBOD = "tijdelijk-huisverbod", _("Effectieve inzet van het tijdelijk huisverbod")
    TIMEOUT = "time-out", _("Time-out plekken")
    PLEGER = "plegeraanpak", _("Plegeraanpak")


class Schedule(models.Model):
    """When a netwerkgroep meets (weekly, "Iedere woensdag", 000:6) and its confidentiality statement."""

    class Weekday(models.IntegerChoices):
        MAANDAG = 0, _("maandag")
        DINSDAG = 1, _("dinsdag")
        WOENSDAG = 2, _("woensdag")
        DONDERDAG = 3, _("donderdag")
        VRIJDAG = 4, _("vrijdag")

    body = models.OneToOneField(
        Body, verbose_name=_("netwerkgroep"), on_delete=models.CASCADE, related_name="schedule", limit_choices_to={"kind": "netwerkgroep"}
    )
    weekday = models.PositiveSmallIntegerField(_("vaste dag"), choices=Weekday.choices, default=Weekday.WOENSDAG)
    starts_at = models.TimeField(_("begintijd"))
    ends_at = models.TimeField(_("eindtijd"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    weeks_ahead = models.PositiveSmallIntegerField(_("weken vooruit plannen"), default=4, validators=[MaxValueValidator(12)])
    confidentiality = models.TextField(
        _("geheimhoudingsverklaring"), help_text=_("Aan het begin van elke bijeenkomst bevestigen de aanwezigen deze tekst.")
    )

    class Meta:
        verbose_name = _("vergaderritme")
        verbose_name_plural = _("vergaderritmes")
        constraints = [models.CheckConstraint(name="schedule_ends_after_start", condition=Q(ends_at__gt=models.F("starts_at")))]

    def __str__(self) -> str:
        return self.body.name


class Meeting(models.Model):
    """One weekly meeting; created ahead by a Celery beat job, one per slot (``slot`` never changes)."""

    class Status(models.TextChoices):
        GEPLAND = "gepland", _("Gepland")
        BEZIG = "bezig", _("Bezig")
        GEHOUDEN = "gehouden", _("Gehouden")
        GEANNULEERD = "geannuleerd", _("Geannuleerd")

    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.CASCADE, related_name="ng_meetings")
    slot = models.DateField(_("vaste datum in de reeks"))
    date = models.DateField(_("datum"))
    starts_at = models.TimeField(_("begintijd"))
    ends_at = models.TimeField(_("eindtijd"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.GEPLAND)
    change_reason = models.CharField(_("reden van verplaatsen of annuleren"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bijeenkomst netwerkgroep")
        verbose_name_plural = _("bijeenkomsten netwerkgroep")
        ordering = ["date", "starts_at"]
        constraints = [models.UniqueConstraint(fields=["body", "slot"], name="ng_meeting_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.body.name} {self.date:%d-%m-%Y}"


def new_case_code(body: Body) -> str:
    """``NW-7K3Q-M2`` style: random, meaningless, unguessable; the prefix only says which group."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    prefix = "ZO" if "zuidoost" in body.slug else "NW"
    while True:
        code = f"{prefix}-" + "".join(secrets.choice(alphabet) for _ in range(4)) + "-" + "".join(
            secrets.choice(alphabet) for _ in range(2)
        )
        if not Case.objects.filter(code=code).exists() and not Tombstone.objects.filter(code=code).exists():
            return code


class Case(models.Model):
    """An anonymised case (casus). No field holds a name, an address, a date of birth or a number of a person."""

    class Status(models.TextChoices):
        AANGEMELD = "aangemeld", _("Aangemeld")
        GEAGENDEERD = "geagendeerd", _("Geagendeerd")
        IN_BESPREKING = "in-bespreking", _("In bespreking")
        OPVOLGEN = "opvolgen", _("Opvolgen")
        WACHT = "wacht-op-huishouden", _("Wacht op huishouden")
        DOORBRAAK = "doorbraak", _("Doorbraak bereikt")
        AFGESLOTEN = "afgesloten", _("Afgesloten")
        OVERGEDRAGEN = "overgedragen", _("Overgedragen")

    class Urgency(models.TextChoices):
        NORMAAL = "normaal", _("Normaal")
        HOOG = "hoog", _("Hoog")
        SPOED = "spoed", _("Spoed: direct gevaar")

    class CloseReason(models.TextChoices):
        DOORBRAAK = "doorbraak", _("Doorbraak bereikt")
        NIETS_MEER = "niets-meer", _("De groep kan niets meer toevoegen")
        OVERGEDRAGEN = "overgedragen", _("Overgedragen aan een formele partner")
        HUISHOUDEN = "huishouden-wil-niet", _("Het huishouden wil niet verder")

    code = models.CharField(_("casuscode"), max_length=20, unique=True, editable=False)
    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.PROTECT, related_name="cases")
    # The inbrenger: the organisation (and its kind at the time) and the member who brought the case in.
    inbrenger_org = models.ForeignKey(Organisation, verbose_name=_("ingebracht door (organisatie)"), on_delete=models.PROTECT, related_name="+")
    inbrenger_side = models.CharField(_("inbrenger formeel of informeel"), max_length=10, choices=Seat.Side.choices)
    inbrenger = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ingebracht door"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    brought_in_on = models.DateField(_("ingebracht op"), default=timezone.localdate)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.AANGEMELD, db_index=True)
    urgency = models.CharField(_("urgentie"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAAL)
    # Household composition in categories only.
    adults = models.PositiveSmallIntegerField(_("volwassenen"), default=1, validators=[MaxValueValidator(20)])
    children_0_4 = models.PositiveSmallIntegerField(_("kinderen 0-4 jaar"), default=0, validators=[MaxValueValidator(20)])
    children_4_12 = models.PositiveSmallIntegerField(_("kinderen 4-12 jaar"), default=0, validators=[MaxValueValidator(20)])
    children_12_18 = models.PositiveSmallIntegerField(_("kinderen 12-18 jaar"), default=0, validators=[MaxValueValidator(20)])
    # The roles involved (000:6).
    has_slachtoffer = models.BooleanField(_("slachtoffer"), default=False)
    has_pleger = models.BooleanField(_("pleger"), default=False)
    has_kind = models.BooleanField(_("kind"), default=False)
    has_omstander = models.BooleanField(_("omstander"), default=False)
    bouwstenen = models.JSONField(_("bouwstenen"), default=list, blank=True)
    question = models.TextField(_("vraag aan de tafel"), validators=text_validators)
    tried = models.TextField(_("wat is al geprobeerd"), blank=True, validators=text_validators)
    stuck_on = models.TextField(_("waar loopt het vast"), blank=True, validators=text_validators)
    involved = models.TextField(
        _("wie is al betrokken"), blank=True, validators=text_validators, help_text=_("Soorten organisaties, geen namen van hulpverleners.")
    )
    review_on = models.DateField(_("volgende bespreking uiterlijk"), null=True, blank=True)
    closed_on = models.DateField(_("gesloten op"), null=True, blank=True)
    close_reason = models.CharField(_("reden van sluiten"), max_length=20, choices=CloseReason.choices, blank=True)
    terugblik_on = models.DateField(_("terugblik op"), null=True, blank=True)
    transferred_to = models.ForeignKey(
        Organisation, verbose_name=_("overgedragen aan"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hold_back_reason = models.CharField(_("reden om de bewaartermijn eenmaal te verlengen"), max_length=300, blank=True)
    held_back_until = models.DateField(_("bewaren tot"), null=True, blank=True)
    # The purge first announces a case to the regisseur; it is purged only a week after that.
    purge_announced_on = models.DateField(_("aangekondigd voor verwijderen op"), null=True, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), default=timezone.now)
    version = models.PositiveIntegerField(_("versie"), default=1)

    class Meta:
        verbose_name = _("casus")
        verbose_name_plural = _("casussen")
        ordering = ["-brought_in_on", "code"]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_reason", condition=Q(closed_on__isnull=True) | ~Q(close_reason="")
            ),
        ]

    def __str__(self) -> str:  # only the code, ever: this string may end up in logs and admin lists
        return self.code

    @property
    def audit_key(self) -> str:
        return self.code

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def children(self) -> int:
        return self.children_0_4 + self.children_4_12 + self.children_12_18

    def bouwsteen_labels(self) -> list[str]:
        return [str(Bouwsteen(code).label) for code in self.bouwstenen if code in Bouwsteen.values]


class Consent(models.Model):
    """The household's consent as a record (DECISIONS 10): when, by whom, how, for what, and at what pace."""

    class Form(models.TextChoices):
        MONDELING = "mondeling", _("Mondeling")
        SCHRIFTELIJK = "schriftelijk", _("Schriftelijk")
        VIA_INBRENGER = "via-inbrenger", _("Via de inbrenger, die het huishouden sprak")

    case = models.ForeignKey(Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField(_("datum toestemming"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    form = models.CharField(_("vorm"), max_length=15, choices=Form.choices)
    scope = models.TextField(_("wat mag besproken worden, en met wie"), validators=text_validators)
    household_wishes = models.TextField(_("wat wil het huishouden zelf, en in welk tempo"), blank=True, validators=text_validators)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["-given_on", "-recorded_at"]

    def __str__(self) -> str:  # codes only, never the scope
        return f"{self.case.code} {self.given_on:%d-%m-%Y}"


class Note(models.Model):
    """A note on a case with its visibility: table (all members), formal (formal partners and the
    regisseur), restricted (the author, the inbrenger and the regisseur)."""

    class Visibility(models.TextChoices):
        TAFEL = "tafel", _("Tafel: alle leden van de netwerkgroep")
        FORMEEL = "formeel", _("Formeel: formele partners en de regisseur")
        BEPERKT = "beperkt", _("Beperkt: de schrijver, de inbrenger en de regisseur")

    case = models.ForeignKey(Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("schrijver"), null=True, on_delete=models.SET_NULL, related_name="+")
    author_org = models.ForeignKey(Organisation, verbose_name=_("namens"), null=True, on_delete=models.PROTECT, related_name="+")
    visibility = models.CharField(_("zichtbaarheid"), max_length=10, choices=Visibility.choices, default=Visibility.TAFEL)
    text = models.TextField(_("notitie"), validators=text_validators)
    created_at = models.DateTimeField(_("geschreven op"), default=timezone.now)
    redacted_at = models.DateTimeField(_("geschoond op"), null=True, blank=True)
    redacted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("geschoond door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("notitie")
        verbose_name_plural = _("notities")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:  # codes only, never the text
        return f"{self.case.code} #{self.pk}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        SPOED = "spoed", _("Spoed")
        VERLOPEN = "verlopen", _("Afspraken over tijd")
        NIEUW = "nieuw", _("Nieuwe casus")
        OPVOLGEN = "opvolgen", _("Opvolgen")
        TERUGBLIK = "terugblik", _("Terugblik")

    meeting = models.ForeignKey(Meeting, verbose_name=_("bijeenkomst"), on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey(Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="agenda_items")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    summary = models.TextField(_("samenvatting van de bespreking"), blank=True, validators=text_validators)
    discussed = models.BooleanField(_("besproken"), default=False)
    # The regisseur took it off this agenda: a regenerated agenda does not bring it back.
    removed_at = models.DateTimeField(_("van de agenda gehaald op"), null=True, blank=True)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "case"], name="ng_case_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.case.code}"


class Agreement(models.Model):
    """An afspraak: who does what by when (001:371). An informal owner must accept it (DECISIONS 12)."""

    class Status(models.TextChoices):
        VOORGESTELD = "voorgesteld", _("Wacht op acceptatie")
        OPEN = "open", _("Open")
        GEDAAN = "gedaan", _("Gedaan")
        NIET_GELUKT = "niet-gelukt", _("Niet gelukt")
        AFGEWEZEN = "afgewezen", _("Niet geaccepteerd")

    class Household(models.TextChoices):
        JA = "ja", _("Ja")
        NEE = "nee", _("Nee")
        NVT = "nvt", _("Niet van toepassing")

    case = models.ForeignKey(Case, verbose_name=_("casus"), on_delete=models.CASCADE, related_name="agreements")
    agenda_item = models.ForeignKey(AgendaItem, verbose_name=_("agendapunt"), null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements")
    text = models.TextField(_("afspraak"), validators=text_validators)
    owner_org = models.ForeignKey(Organisation, verbose_name=_("eigenaar (organisatie)"), on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("eigenaar (persoon)"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deadline = models.DateField(_("uiterlijk"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    discussed_with_household = models.CharField(_("besproken met het huishouden"), max_length=3, choices=Household.choices, default=Household.NVT)
    accepted_at = models.DateTimeField(_("geaccepteerd op"), null=True, blank=True)
    outcome = models.TextField(_("uitkomst"), blank=True, validators=text_validators)
    done_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    reminded_at = models.DateTimeField(_("herinnering verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:  # codes only, never the text
        return f"{self.case.code} #{self.pk}"

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.VOORGESTELD) and self.deadline < timezone.localdate()


class Attendance(models.Model):
    """Who was at the table, and when they confirmed the confidentiality statement (DECISIONS 13b)."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("bijeenkomst"), on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(Seat, verbose_name=_("zetel"), on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(_("aanwezig"), default=False)
    confirmed_at = models.DateTimeField(_("geheimhouding bevestigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="ng_attendance_once")]

    def __str__(self) -> str:
        return f"{self.meeting} {self.seat_id}"


class Lesson(models.Model):
    """What the group learned from a case, anonymised; survives the retention purge (DECISIONS 13).

    Deliberately a separate record without a foreign key to its case: the lessons page
    (``views_lessons``) can therefore never show a case code or anything else of the case.
    """

    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.CASCADE, related_name="lessons")
    text = models.TextField(_("geleerde les"), validators=text_validators)
    bouwstenen = models.JSONField(_("bouwstenen"), default=list, blank=True)
    close_reason = models.CharField(_("reden van sluiten"), max_length=20, choices=Case.CloseReason.choices, blank=True)
    new_route = models.BooleanField(_("nieuwe route"), default=False, help_text=_("Out-of-the-box: een oplossing buiten de gebaande paden (000:10)."))
    # The date of the look-back set at closing (001:365); a date only: the lesson keeps no link to its case.
    terugblik_on = models.DateField(_("terugblik op"), null=True, blank=True)
    created_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("geleerde les")
        verbose_name_plural = _("geleerde lessen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.body.name} #{self.pk}"


class Tombstone(models.Model):
    """What is left of a purged case: code, dates, reason, the run (DECISIONS 13c). No text."""

    code = models.CharField(_("casuscode"), max_length=20, unique=True)
    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.PROTECT, related_name="tombstones")
    brought_in_on = models.DateField(_("ingebracht op"))
    closed_on = models.DateField(_("gesloten op"))
    close_reason = models.CharField(_("reden van sluiten"), max_length=20, choices=Case.CloseReason.choices)
    purged_at = models.DateTimeField(_("verwijderd op"), default=timezone.now)
    run = models.CharField(_("opschoonronde"), max_length=40)

    class Meta:
        verbose_name = _("verwijderde casus")
        verbose_name_plural = _("verwijderde casussen")
        ordering = ["-purged_at"]

    def __str__(self) -> str:
        return self.code


class CaseStat(models.Model):
    """Anonymous counts kept after a purge, per month brought in, bouwsteen, outcome and inbrenger kind."""

    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.CASCADE, related_name="case_stats")
    month = models.DateField(_("maand ingebracht"))
    bouwsteen = models.CharField(_("bouwsteen"), max_length=30, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=20, blank=True)
    inbrenger_side = models.CharField(_("inbrenger formeel of informeel"), max_length=10, choices=Seat.Side.choices)
    count = models.PositiveIntegerField(_("aantal"), default=0)

    class Meta:
        verbose_name = _("telling")
        verbose_name_plural = _("tellingen")
        constraints = [
            models.UniqueConstraint(fields=["body", "month", "bouwsteen", "outcome", "inbrenger_side"], name="case_stat_unique")
        ]

    def __str__(self) -> str:
        return f"{self.body.name} {self.month:%m-%Y} {self.bouwsteen or '-'}"


class YearlyFigures(models.Model):
    """A netwerkgroep's suppressed counts of one year, as they may leave the group (DECISIONS 17).

    Written by ``netwerkgroep.views_figures.generate_figures`` from ``netwerkgroep.stats`` (cells under 5 are
    "<5", with secondary suppression); only the text of the suppressed figures is stored, never a raw count.
    The regisseur signs them off; regenerating clears the sign-off. The jaarbeeld reads only signed-off rows
    of the Nieuw-West group (DECISIONS 14) and never the case tables.
    """

    body = models.ForeignKey(Body, verbose_name=_("netwerkgroep"), on_delete=models.PROTECT, related_name="yearly_figures")
    year = models.PositiveSmallIntegerField(_("jaar"))
    figures = models.JSONField(_("cijfers (na onderdrukking)"), default=dict)
    generated_at = models.DateTimeField(_("berekend op"))
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("berekend door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vrijgegeven door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("vrijgegeven op"), null=True, blank=True)

    class Meta:
        verbose_name = _("jaarcijfers netwerkgroep")
        verbose_name_plural = _("jaarcijfers netwerkgroepen")
        ordering = ["body", "-year"]
        constraints = [models.UniqueConstraint(fields=["body", "year"], name="ng_yearly_figures_once")]

    def __str__(self) -> str:
        return f"{self.body.name} {self.year}"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None
