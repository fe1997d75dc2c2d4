"""Money streams, funding proposals from the domains, and the alliance board that decides them.

How it works in the documents (seed notes §2.3): proposals start in the domain's opgaveteam or
werkgroep, "zo dicht mogelijk bij de praktijk" (001:830); the first question is what existing means
can pay (001:814); each money stream has its own rules and a guardian of those rules (001:814, 830;
002:1489); the alliantiebestuur decides "over voorstellen vanuit de opgavedomeinen" (002:1447).
There is no single pot: a proposal asks amounts per fund and per year.

Design additions, labelled as such (not in the documents): structured review with criteria, the
conflict-of-interest procedure (DECISIONS 7: suggested, declared, decided by the chair or the
programme team), attendance and quorum, and the generated besluitenlijst.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from actielijnen.models import Actielijn
from domains.models import Body, Domain, Opbrengst, Organisation, Seat

# One line never asks more than this: a typo guard ("absurd amounts"), far above any stream in the seeds.
MAX_AMOUNT = Decimal("100000000")
amount_validators = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]


def dutch_amount(amount: Decimal) -> str:
    """``40000`` → ``40.000,00``: thousands with dots, cents after a comma (how Dutch readers write money)."""
    return f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def money(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class Fund(models.Model):
    """A money stream (geldstroom) with its own source, period, rules and guardians."""

    slug = models.SlugField(_("code"), unique=True, max_length=80)
    name = models.CharField(_("naam"), max_length=200)
    source = models.CharField(_("financier"), max_length=200, help_text=_("Wie het geld beschikbaar stelt, bijvoorbeeld het Rijk (JenV)."))
    scope = models.CharField(
        _("werkgebied"), max_length=200, blank=True, help_text=_("Bijvoorbeeld: Nieuw-West en Zuidoost samen.")
    )
    first_year = models.PositiveSmallIntegerField(_("eerste jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    last_year = models.PositiveSmallIntegerField(_("laatste jaar"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    total_text = models.CharField(
        _("omvang volgens de bron"), max_length=300, blank=True, help_text=_("Het bedrag zoals de bron het noemt, letterlijk.")
    )
    rules = models.TextField(_("regels"), blank=True, help_text=_("Waar een aanvraag uit dit fonds aan moet voldoen."))
    notes = models.TextField(_("toelichting"), blank=True)
    source_ref = models.CharField(_("bron"), max_length=200, blank=True)
    is_temporary = models.BooleanField(
        _("tijdelijk geld"), default=True, help_text=_("Tijdelijke middelen vragen een route naar reguliere financiering (003:1953-1967).")
    )
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("fonds")
        verbose_name_plural = _("fondsen")
        ordering = ["name"]
        permissions = [("guard_fund", _("Bewaakt de financiële regels van dit fonds"))]
        constraints = [models.CheckConstraint(name="fund_period_order", condition=Q(last_year__gte=models.F("first_year")))]

    def __str__(self) -> str:
        return self.name

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    @property
    def period_label(self) -> str:
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"


class FundYear(models.Model):
    """What a fund makes available for the programme in one year (set by the board, 002:1437)."""

    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("jaar"))
    available = money(_("beschikbaar"), validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)])
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("fondsjaar")
        verbose_name_plural = _("fondsjaren")
        ordering = ["fund", "year"]
        constraints = [models.UniqueConstraint(fields=["fund", "year"], name="fund_year_unique")]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}"


class State(models.TextChoices):
    CONCEPT = "concept", _("Concept")
    INGEDIEND = "ingediend", _("Ingediend")
    IN_BEHANDELING = "in-behandeling", _("In behandeling")
    ADVIES = "advies", _("Advies")
    GEAGENDEERD = "geagendeerd", _("Geagendeerd")
    TOEGEKEND = "toegekend", _("Toegekend")
    AFGEWEZEN = "afgewezen", _("Afgewezen")
    AANGEHOUDEN = "aangehouden", _("Aangehouden")
    IN_UITVOERING = "in-uitvoering", _("In uitvoering")
    VERANTWOORD = "verantwoord", _("Verantwoord")


# Submitters edit only before submitting and when the board or the programme team sent it back.
EDITABLE_STATES = frozenset({State.CONCEPT, State.AANGEHOUDEN})
# Counted as "aangevraagd" in the budget overview: submitted and not (yet) decided against.
REQUESTED_STATES = frozenset({State.INGEDIEND, State.IN_BEHANDELING, State.ADVIES, State.GEAGENDEERD})
GRANTED_STATES = frozenset({State.TOEGEKEND, State.IN_UITVOERING, State.VERANTWOORD})


class Proposal(models.Model):
    """A funding proposal (voorstel) from an opgaveteam or werkgroep, on behalf of its domain."""

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    domain = models.ForeignKey(Domain, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="proposals")
    body = models.ForeignKey(
        Body,
        verbose_name=_("ingediend door (opgaveteam of werkgroep)"),
        on_delete=models.PROTECT,
        related_name="proposals",
        limit_choices_to={"kind__in": ["opgaveteam", "werkgroep"]},
    )
    actielijnen = models.ManyToManyField(Actielijn, verbose_name=_("actielijnen"), related_name="proposals")
    opbrengsten = models.ManyToManyField(Opbrengst, verbose_name=_("opbrengsten"), blank=True, related_name="proposals")
    state = models.CharField(_("status"), max_length=20, choices=State.choices, default=State.CONCEPT, db_index=True)

    # Public summary once granted: title, domain, amount, fund, purpose.
    purpose = models.TextField(_("doel (openbaar na toekenning)"), help_text=_("Twee of drie zinnen: wat het geld mogelijk maakt."))
    # The rationale in the programme's own terms (002, Bijlage 3; 001:814, 836; 003:1953-1967).
    existing_means = models.TextField(
        _("wat betalen bestaande middelen?"),
        blank=True,
        help_text=_("De eerste vraag: wat kan betaald worden uit middelen die er al zijn, en wat is echt extra (001:814)?"),
    )
    contribution = models.TextField(_("bijdrage aan de opbrengst"), blank=True)
    changes_the_rule = models.TextField(
        _("hoe verandert dit de regel?"),
        blank=True,
        help_text=_("Structurele verandering in plaats van een uitzondering organiseren (001:836)."),
    )
    resident_ownership = models.TextField(_("eigenaarschap bewoners"), blank=True)
    learning = models.TextField(_("leren en monitoren"), blank=True)
    exit_route = models.TextField(
        _("route naar reguliere financiering"),
        blank=True,
        help_text=_("Vliegwielmiddelen zijn tijdelijk: hoe gaat dit over naar (heringerichte) reguliere middelen (003:1953-1967)?"),
    )
    over_budget_reason = models.TextField(
        _("reden om boven het resterende budget te vragen"), blank=True,
        help_text=_("Alleen nodig als een bedrag meer is dan wat het fonds in dat jaar nog heeft."),
    )
    final_report = models.TextField(_("verantwoording"), blank=True)
    is_example = models.BooleanField(_("voorbeeld"), default=False, help_text=_("Demovoorstel, geen echt besluit."))

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aangemaakt door"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("aangemaakt"), default=timezone.now)
    updated_at = models.DateTimeField(_("laatst gewijzigd"), default=timezone.now)
    submitted_at = models.DateTimeField(_("ingediend op"), null=True, blank=True)
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versie"), default=1)
    # Each (re)submission starts a round; checks and advice count only for the current round.
    round = models.PositiveSmallIntegerField(_("ronde"), default=1)

    class Meta:
        verbose_name = _("financieringsvoorstel")
        verbose_name_plural = _("financieringsvoorstellen")
        ordering = ["-created_at"]
        permissions = [("review_proposal", _("Geeft advies over dit voorstel"))]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference(self.created_at.year)
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_granted(self) -> bool:
        return self.state in GRANTED_STATES


def new_reference(year: int) -> str:
    """``FV-2026-7K3Q``: unique and unguessable, so a reference in an e-mail reveals no sequence."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    while True:
        ref = f"FV-{year}-" + "".join(secrets.choice(alphabet) for _ in range(4))
        if not Proposal.objects.filter(reference=ref).exists():
            return ref


class ProposalLine(models.Model):
    """An amount asked from one fund for one year."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="lines")
    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="lines")
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = money(_("gevraagd bedrag"), validators=amount_validators)

    class Meta:
        verbose_name = _("gevraagd bedrag")
        verbose_name_plural = _("gevraagde bedragen")
        ordering = ["fund__name", "year"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "fund", "year"], name="proposal_line_unique"),
            models.CheckConstraint(name="proposal_line_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}: € {self.amount}"


class CoFinancing(models.Model):
    """What a partner contributes itself, in cash or in kind (002:1441, 1449)."""

    class Kind(models.TextChoices):
        CASH = "geld", _("Geld")
        IN_KIND = "natura", _("In natura (uren, ruimte, materiaal)")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="cofinancing")
    organisation = models.ForeignKey(Organisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="cofinancing")
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices)
    amount = money(_("waarde"), validators=amount_validators)
    description = models.CharField(_("omschrijving"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("cofinanciering")
        verbose_name_plural = _("cofinanciering")
        ordering = ["organisation__name"]
        constraints = [models.CheckConstraint(name="cofinancing_positive", condition=Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()}): € {self.amount}"


class Party(models.Model):
    """An organisation that applies (carries the work) or benefits; used to suggest conflicts of interest."""

    class Role(models.TextChoices):
        AANVRAGER = "aanvrager", _("Aanvrager / uitvoerder")
        BEGUNSTIGDE = "begunstigde", _("Begunstigde")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="parties")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="proposal_parties")
    role = models.CharField(_("rol"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("betrokken organisatie")
        verbose_name_plural = _("betrokken organisaties")
        constraints = [models.UniqueConstraint(fields=["proposal", "organisation", "role"], name="party_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


def attachment_path(instance: Attachment, filename: str) -> str:
    # Never the uploader's name in a path: the stored name is random, the original is kept in a field.
    return f"voorstellen/{instance.proposal.reference}/{secrets.token_hex(16)}{instance.extension}"


class Attachment(models.Model):
    """A PDF, ODT or DOCX attached to a proposal; served only through a view that checks rights."""

    class Kind(models.TextChoices):
        BIJLAGE = "bijlage", _("Bijlage")
        VERANTWOORDING = "verantwoording", _("Verantwoording")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices, default=Kind.BIJLAGE)
    file = models.FileField(_("bestand"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("oorspronkelijke naam"), max_length=200)
    extension = models.CharField(_("extensie"), max_length=8)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("geüpload door"), null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("geüpload op"), default=timezone.now)

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Transition(models.Model):
    """Every move of a proposal: who, when, from where to where, and why."""

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("van"), max_length=20, choices=State.choices)
    target = models.CharField(_("naar"), max_length=20, choices=State.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("op"), default=timezone.now)
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} → {self.get_target_display()}"


class Check(models.Model):
    """A step before the agenda: completeness (programme team), the team's akkoord, a fund's financial check."""

    class Kind(models.TextChoices):
        VOLLEDIG = "volledigheid", _("Volledigheid en fondsregels (programmateam)")
        TEAM = "team-akkoord", _("Akkoord opgaveteam of werkgroep")
        FINANCIEEL = "financieel", _("Financiële toets (bewaker van het fonds)")

    class Outcome(models.TextChoices):
        AKKOORD = "akkoord", _("Akkoord")
        NIET_AKKOORD = "niet-akkoord", _("Niet akkoord")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), null=True, blank=True, on_delete=models.PROTECT, related_name="checks")
    outcome = models.CharField(_("uitkomst"), max_length=15, choices=Outcome.choices)
    note = models.TextField(_("toelichting"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("op"), default=timezone.now)
    # A check counts for the proposal as it was then; resubmitting after "aangehouden" asks for new checks.
    round = models.PositiveSmallIntegerField(_("ronde"), default=1)

    class Meta:
        verbose_name = _("toets")
        verbose_name_plural = _("toetsen")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="check_fund_only_financial",
                condition=(Q(kind="financieel") & Q(fund__isnull=False)) | (~Q(kind="financieel") & Q(fund__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_outcome_display()}"


CRITERIA = (
    ("opbrengst", _("Draagt bij aan een opbrengst van het uitvoeringsprogramma")),
    ("regel", _("Verandert de regel in plaats van een uitzondering te organiseren")),
    ("eigenaarschap", _("Eigenaarschap van bewoners")),
    ("leren", _("Leren en monitoren")),
    ("borging", _("Route naar reguliere financiering")),
)


class Review(models.Model):
    """An assigned reviewer's structured advice (design addition, inspired by Hypha's review forms)."""

    class Recommendation(models.TextChoices):
        POSITIEF = "positief", _("Positief")
        VOORWAARDEN = "voorwaarden", _("Positief onder voorwaarden")
        NEGATIEF = "negatief", _("Negatief")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("adviseur"), on_delete=models.CASCADE, related_name="reviews")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("toegewezen door"), null=True, on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("toegewezen op"), default=timezone.now)
    recommendation = models.CharField(_("advies"), max_length=12, choices=Recommendation.choices, blank=True)
    text = models.TextField(_("toelichting"), blank=True)
    submitted_at = models.DateTimeField(_("gegeven op"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("ronde"), default=1)

    class Meta:
        verbose_name = _("advies")
        verbose_name_plural = _("adviezen")
        ordering = ["assigned_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "reviewer", "round"], name="review_once_per_round")]

    def __str__(self) -> str:
        return f"{self.reviewer} ({self.round})"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, verbose_name=_("advies"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField(_("criterium"), max_length=20, choices=CRITERIA)
    score = models.PositiveSmallIntegerField(_("score (1-5)"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_once_per_criterion"),
            models.CheckConstraint(name="score_range", condition=Q(score__gte=1) & Q(score__lte=5)),
        ]

    def __str__(self) -> str:
        return f"{self.get_criterion_display()}: {self.score}"


class Conflict(models.Model):
    """A possible conflict of interest: suggested by the portal or declared by the person, then decided.

    DECISIONS 7: never silently automatic. The chair decides for the board, the programme team for
    reviewers; a confirmed conflict blocks reviewing and counts as abstention in the decision.
    """

    class Context(models.TextChoices):
        REVIEW = "advies", _("Advies")
        BOARD = "bestuur", _("Besluit in het bestuur")

    class Origin(models.TextChoices):
        SUGGESTED = "gesuggereerd", _("Voorgesteld door het portaal")
        DECLARED = "gemeld", _("Zelf gemeld")

    class Status(models.TextChoices):
        OPEN = "open", _("Nog te beslissen")
        CONFIRMED = "bevestigd", _("Bevestigd: doet niet mee")
        DISMISSED = "afgewezen", _("Geen belangenconflict")

    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("persoon"), on_delete=models.CASCADE, related_name="conflicts")
    context = models.CharField(_("bij"), max_length=10, choices=Context.choices)
    origin = models.CharField(_("herkomst"), max_length=15, choices=Origin.choices)
    organisation = models.ForeignKey(Organisation, verbose_name=_("via organisatie"), null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    grounds = models.TextField(_("grond"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("besloten door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    decision_reason = models.TextField(_("reden van het besluit"), blank=True)
    created_at = models.DateTimeField(_("gemeld op"), default=timezone.now)

    class Meta:
        verbose_name = _("mogelijk belangenconflict")
        verbose_name_plural = _("mogelijke belangenconflicten")
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["proposal", "user", "context"], name="conflict_once")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_context_display()} — {self.get_status_display()}"


class Meeting(models.Model):
    """A meeting of the alliantiebestuur (monthly, 003:1833)."""

    class Status(models.TextChoices):
        GEPLAND = "gepland", _("Gepland")
        AGENDA = "agenda", _("Agenda verstuurd")
        GEHOUDEN = "gehouden", _("Gehouden")
        VASTGESTELD = "vastgesteld", _("Besluitenlijst vastgesteld")

    body = models.ForeignKey(
        Body, verbose_name=_("orgaan"), on_delete=models.PROTECT, related_name="meetings", limit_choices_to={"kind": "alliantiebestuur"}
    )
    date = models.DateField(_("datum"))
    location = models.CharField(_("plaats"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.GEPLAND)
    pack_sent_at = models.DateTimeField(_("agendapakket verstuurd op"), null=True, blank=True)
    minutes_note = models.TextField(_("aanvulling op de besluitenlijst"), blank=True)
    minutes_adopted_at = models.DateTimeField(_("besluitenlijst vastgesteld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("bestuursvergadering")
        verbose_name_plural = _("bestuursvergaderingen")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["body", "date"], name="one_meeting_per_day")]

    def __str__(self) -> str:
        return f"{self.body} {self.date:%d-%m-%Y}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("vergadering"), on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    title = models.CharField(_("onderwerp"), max_length=200)
    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items")
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "proposal"], condition=Q(proposal__isnull=False), name="proposal_once_per_meeting")
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Presence(models.TextChoices):
        AANWEZIG = "aanwezig", _("Aanwezig")
        AFWEZIG = "afwezig", _("Afwezig met bericht")
        ONBEKEND = "onbekend", _("Niet bekend")

    meeting = models.ForeignKey(Meeting, verbose_name=_("vergadering"), on_delete=models.CASCADE, related_name="attendance")
    seat = models.ForeignKey(Seat, verbose_name=_("zetel"), on_delete=models.PROTECT, related_name="+")
    presence = models.CharField(_("aanwezigheid"), max_length=10, choices=Presence.choices, default=Presence.ONBEKEND)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        constraints = [models.UniqueConstraint(fields=["meeting", "seat"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.seat.user}: {self.get_presence_display()}"


class Decision(models.Model):
    """The board's decision on one proposal in one meeting; a proposal held back gets a later one."""

    class Outcome(models.TextChoices):
        TOEGEKEND = State.TOEGEKEND.value, _("Toegekend")
        AFGEWEZEN = State.AFGEWEZEN.value, _("Afgewezen")
        AANGEHOUDEN = State.AANGEHOUDEN.value, _("Aangehouden")

    class Mode(models.TextChoices):
        CONSENSUS = "consensus", _("Bij consensus")
        STEMMING = "stemming", _("Bij stemming")

    meeting = models.ForeignKey(Meeting, verbose_name=_("vergadering"), on_delete=models.PROTECT, related_name="decisions")
    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("besluit"), max_length=15, choices=Outcome.choices)
    mode = models.CharField(_("wijze van besluiten"), max_length=10, choices=Mode.choices, default=Mode.CONSENSUS)
    votes_for = models.PositiveSmallIntegerField(_("stemmen voor"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("stemmen tegen"), null=True, blank=True)
    reason = models.TextField(_("motivering"), blank=True)
    conditions = models.TextField(_("voorwaarden"), blank=True)
    questions = models.TextField(_("vragen aan de indieners"), blank=True)
    over_budget_reason = models.TextField(_("reden om boven het budget toe te kennen"), blank=True)
    abstained = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("onthouden (belangenconflict)"), blank=True, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("vastgelegd op"), default=timezone.now)

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["recorded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "proposal"], name="decision_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.get_outcome_display()}"

    @property
    def granted_total(self) -> Decimal:
        return sum((line.amount for line in self.lines.all()), Decimal("0"))


class DecisionLine(models.Model):
    """An amount granted from one fund for one year (possibly lower than asked)."""

    decision = models.ForeignKey(Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, related_name="lines")
    fund = models.ForeignKey(Fund, verbose_name=_("fonds"), on_delete=models.PROTECT, related_name="granted_lines")
    year = models.PositiveSmallIntegerField(_("jaar"))
    amount = money(_("toegekend bedrag"), validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)])

    class Meta:
        verbose_name = _("toegekend bedrag")
        verbose_name_plural = _("toegekende bedragen")
        constraints = [
            models.UniqueConstraint(fields=["decision", "fund", "year"], name="decision_line_unique"),
            models.CheckConstraint(name="decision_line_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}: € {self.amount}"


class BudgetOverride(models.Model):
    """Going below zero on a fund-year is only possible with this record (who, why, how much)."""

    fund_year = models.ForeignKey(FundYear, verbose_name=_("fondsjaar"), on_delete=models.PROTECT, related_name="overrides")
    proposal = models.ForeignKey(Proposal, verbose_name=_("voorstel"), on_delete=models.CASCADE, related_name="overrides")
    stage = models.CharField(_("bij"), max_length=20)  # "indienen" or "besluit"
    shortfall = money(_("tekort"))
    reason = models.TextField(_("reden"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("op"), default=timezone.now)

    class Meta:
        verbose_name = _("budgetoverschrijding")
        verbose_name_plural = _("budgetoverschrijdingen")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.fund_year}: € {self.shortfall}"


# --- guardian grants with direct foreign keys: they die with their object (DECISIONS 25) ---------
class FundUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Fund, on_delete=models.CASCADE)


class FundGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Fund, on_delete=models.CASCADE)


class ProposalUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)


class ProposalGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Proposal, on_delete=models.CASCADE)


def this_year() -> int:
    return timezone.localdate().year

