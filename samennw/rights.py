"""Who may do what: the one policy table of the portal.

Each named action maps to a predicate over ``(user, obj)``. Views ask ``can(user, action, obj)``
(or ``require(...)``), templates read a ``can`` mapping built from the same table, and the tests
walk the table role by role. Nothing else in the code decides a right.

Roles are not stored on the account: they are materialised as Django groups from the person's
*active seats* (``domains.services.sync_role_groups``, DECISIONS 1). Rights on one object
(chairing a team, leading a card, a case) are django-guardian object grants with direct foreign
keys, so they die with their object (DECISIONS 25). Inactive users have no rights at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class Role(StrEnum):
    """The roles of the portal; each is a Django group whose members come from active seats."""

    BEWONER = "bewoner"  # any registered person; anonymous visitors hold no role
    INFORMELE_PARTNER = "informele-partner"
    FORMELE_PARTNER = "formele-partner"
    NETWERKREGISSEUR = "netwerkregisseur"
    PROGRAMMATEAM = "programmateam"
    OPGAVETEAMLID = "opgaveteamlid"
    AANVOERDER = "aanvoerder"
    BESTUURSLID = "bestuurslid"
    FONDSBEHEERDER = "fondsbeheerder"
    PRIVACY = "privacyfunctionaris"
    BEHEERDER = "beheerder"  # technical administrator: the Django admin, never case content


ROLE_LABELS = {
    Role.BEWONER: _("Bewoner"),
    Role.INFORMELE_PARTNER: _("Informele partner"),
    Role.FORMELE_PARTNER: _("Formele partner"),
    Role.NETWERKREGISSEUR: _("Netwerkregisseur"),
    Role.PROGRAMMATEAM: _("Programmateam"),
    Role.OPGAVETEAMLID: _("Opgaveteamlid"),
    Role.AANVOERDER: _("Aanvoerder actielijn"),
    Role.BESTUURSLID: _("Lid alliantiebestuur"),
    Role.FONDSBEHEERDER: _("Bewaker financiële regels"),
    Role.PRIVACY: _("Privacyfunctionaris"),
    Role.BEHEERDER: _("Beheerder"),
}


def roles_of(user) -> frozenset[Role]:
    """The roles a user holds now; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_snw_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names) | {Role.BEWONER}
        if user.is_superuser:
            cached |= {Role.BEHEERDER}
        user._snw_roles = cached
    return cached


def active_seats(user) -> list:
    """The user's active seats with body and organisation; cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_snw_seats", None)
    if cached is None:
        from domains.models import Seat

        cached = list(Seat.objects.active().filter(user=user).select_related("body", "organisation"))
        user._snw_seats = cached
    return cached


def forget(user) -> None:
    """Drop the per-request caches after the user's seats or groups changed."""
    for attr in ("_snw_roles", "_snw_seats", "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_guardian_checker"):
        if hasattr(user, attr):
            delattr(user, attr)


# --- predicates ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Predicate:
    """A named yes/no question about (user, obj); compose with ``|`` and ``&``."""

    name: str
    test: Callable[[Any, Any], bool]

    def __call__(self, user, obj=None) -> bool:
        return bool(self.test(user, obj))

    def __or__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.name} | {other.name})", lambda u, o: self(u, o) or other(u, o))

    def __and__(self, other: Predicate) -> Predicate:
        return Predicate(f"({self.name} & {other.name})", lambda u, o: self(u, o) and other(u, o))


def has_role(*roles: Role) -> Predicate:
    wanted = frozenset(roles)
    return Predicate("|".join(sorted(wanted)), lambda user, obj: bool(roles_of(user) & wanted))


def has_object_perm(codename: str) -> Predicate:
    """A guardian grant on this very object (never a model-wide permission standing in for it)."""

    def test(user, obj) -> bool:
        if obj is None or not roles_of(user):
            return False
        from guardian.core import ObjectPermissionChecker
        from guardian.shortcuts import get_user_perms

        if user.is_superuser:  # guardian lets superusers pass every check; grants here must be explicit
            return codename.split(".", 1)[-1] in get_user_perms(user, obj).values_list("codename", flat=True)
        checker = getattr(user, "_guardian_checker", None)
        if checker is None:
            checker = user._guardian_checker = ObjectPermissionChecker(user)
        return checker.has_perm(codename, obj)

    return Predicate(f"object:{codename}", test)


def _holds_seat_in(user, body) -> bool:
    return body is not None and any(seat.body_id == body.pk for seat in active_seats(user))


def _chairs(user, body) -> bool:
    return body is not None and any(
        seat.body_id == body.pk and seat.role == "voorzitter" for seat in active_seats(user)
    )


def _regisseur_of(user, body) -> bool:
    return body is not None and any(
        seat.body_id == body.pk and seat.role == "netwerkregisseur" for seat in active_seats(user)
    )


def _team_member_of_card_domain(user, card) -> bool:
    """An active seat in an opgaveteam or werkgroep of the card's domain."""
    return card is not None and any(
        seat.body.kind in ("opgaveteam", "werkgroep") and seat.body.domain_id == card.domain_id
        for seat in active_seats(user)
    )


def _card_is_public(user, card) -> bool:
    return card is not None and card.is_public


def _chairs_board(user, body) -> bool:
    """The board's chair: a voorzitter seat, or the typed chair's seat (the mayor, DECISIONS 8)."""
    return body is not None and any(
        seat.body_id == body.pk and (seat.role == "voorzitter" or seat.board_seat == "voorzitter")
        for seat in active_seats(user)
    )


def _submits(user, proposal) -> bool:
    """A member of the opgaveteam or werkgroep that submits the proposal, or the person who wrote it."""
    if proposal is None or not roles_of(user):
        return False
    return proposal.created_by_id == user.pk or _holds_seat_in(user, proposal.body)


def _chairs_team_of(user, proposal) -> bool:
    return proposal is not None and (
        _chairs(user, proposal.body) or has_object_perm("domains.manage_body")(user, proposal.body)
    )


def _guards_a_fund_of(user, proposal) -> bool:
    """The guardian of a fund the proposal asks from, once submitted: a concept is the team's own draft."""
    if proposal is None or proposal.state == "concept" or Role.FONDSBEHEERDER not in roles_of(user):
        return False
    guard = has_object_perm("financiering.guard_fund")
    return any(guard(user, line.fund) for line in proposal.lines.all())


def _on_board_agenda(user, proposal) -> bool:
    """Board members see what is (or was) on the agenda of their board."""
    if proposal is None or Role.BESTUURSLID not in roles_of(user):
        return False
    bodies = {seat.body_id for seat in active_seats(user) if seat.body.kind == "alliantiebestuur"}
    return bool(bodies) and proposal.agenda_items.filter(meeting__body_id__in=bodies).exists()


def _proposal_editable(user, proposal) -> bool:
    return proposal is not None and proposal.is_editable


def _proposal_granted(user, proposal) -> bool:
    return proposal is not None and proposal.is_granted


def _ng_seats(user, body) -> list:
    return [seat for seat in active_seats(user) if body is not None and seat.body_id == body.pk]


def _case_body(obj):
    """The netwerkgroep a case, a meeting, a note or an agreement belongs to (a body passes through)."""
    if obj is None:
        return None
    if hasattr(obj, "case_id"):
        return obj.case.body
    if hasattr(obj, "body_id"):
        return obj.body
    return obj


def _case_of(obj):
    """The case itself, or the case of a note, consent or agreement; None for anything else."""
    if obj is None:
        return None
    if hasattr(obj, "case_id"):
        return obj.case
    return obj if hasattr(obj, "inbrenger_id") else None


def _ng_member(user, obj) -> bool:
    return bool(_ng_seats(user, _case_body(obj)))


def _ng_regisseur(user, obj) -> bool:
    return any(seat.role == "netwerkregisseur" for seat in _ng_seats(user, _case_body(obj)))


def _ng_inbrenger(user, obj) -> bool:
    """The person who brought the case in, while still at its table (issue 6, item 3)."""
    case = _case_of(obj)
    return (
        case is not None and user is not None and user.pk is not None
        and case.inbrenger_id == user.pk and _ng_member(user, case)
    )


def _ng_owner_org(user, agreement) -> bool:
    """A member of the netwerkgroep who sits for the organisation that owns the agreement."""
    return agreement is not None and hasattr(agreement, "owner_org_id") and any(
        seat.organisation_id == agreement.owner_org_id for seat in _ng_seats(user, agreement.case.body)
    )


def _agreement_proposed(user, agreement) -> bool:
    """An agreement that waits for its informal owner's acceptance (DECISIONS 12)."""
    return agreement is not None and getattr(agreement, "status", None) == "voorgesteld"


def _case_open(user, obj) -> bool:
    case = _case_of(obj)
    return case is not None and case.closed_on is None


def _meeting_body(predicate):
    return lambda user, meeting: meeting is not None and predicate(user, meeting.body)


everyone = Predicate("everyone", lambda user, obj: True)
authenticated = Predicate("authenticated", lambda user, obj: bool(roles_of(user)))
seat_in_body = Predicate("seat-in-body", _holds_seat_in)
chairs_body = Predicate("chairs-body", _chairs)
regisseur_of_body = Predicate("regisseur-of-body", _regisseur_of)
is_programmateam = has_role(Role.PROGRAMMATEAM)
is_beheerder = has_role(Role.BEHEERDER)
card_is_public = Predicate("card-is-public", _card_is_public)
team_of_card_domain = Predicate("team-of-card-domain", _team_member_of_card_domain)
leads_card = has_object_perm("actielijnen.edit_card")
edits_card = is_programmateam | leads_card
submits_proposal = Predicate("submits-proposal", _submits)
chairs_team_of_proposal = Predicate("chairs-team-of-proposal", _chairs_team_of)
reviews_proposal = has_object_perm("financiering.review_proposal")
guards_fund = has_role(Role.FONDSBEHEERDER) & has_object_perm("financiering.guard_fund")
guards_a_fund_of_proposal = Predicate("guards-a-fund-of-proposal", _guards_a_fund_of)
on_board_agenda = Predicate("on-board-agenda", _on_board_agenda)
proposal_editable = Predicate("proposal-editable", _proposal_editable)
proposal_granted = Predicate("proposal-granted", _proposal_granted)
seat_in_meeting_body = Predicate("seat-in-meeting-body", _meeting_body(_holds_seat_in))
chairs_meeting_body = Predicate("chairs-meeting-body", _meeting_body(_chairs_board))
ng_member = Predicate("netwerkgroep-member", _ng_member)
ng_regisseur = Predicate("netwerkgroep-regisseur", _ng_regisseur)
ng_inbrenger = Predicate("case-inbrenger", _ng_inbrenger)
ng_owner_org = Predicate("agreement-owner-organisation", _ng_owner_org)
case_open = Predicate("case-open", _case_open)
agreement_proposed = Predicate("agreement-proposed", _agreement_proposed)
indicator_is_public = Predicate("indicator-is-public", lambda user, indicator: bool(getattr(indicator, "is_public", False)))
build_is_published = Predicate("build-is-published", lambda user, build: getattr(build, "published_at", None) is not None)


# --- the table ---------------------------------------------------------------------------------
# Each action: (predicate, reason shown when refused). Object-scoped actions take the object.
RULES: dict[str, tuple[Predicate, Any]] = {
    "portal.view_public": (everyone, _("Iedereen mag dit zien.")),
    "portal.view_own_profile": (authenticated, _("Log in om je gegevens te zien.")),
    "portal.view_audit_log": (has_role(Role.PRIVACY), _("Alleen de privacyfunctionaris leest het volledige auditlog.")),
    "admin.access": (is_beheerder, _("Alleen beheerders gebruiken het beheerscherm.")),
    "domains.view_member_list": (
        is_programmateam | seat_in_body,
        _("Alleen leden van dit orgaan en het programmateam zien wie er zitting heeft."),
    ),
    "domains.manage_body": (
        is_programmateam | chairs_body | has_object_perm("domains.manage_body"),
        _("Alleen de voorzitter en het programmateam beheren dit orgaan."),
    ),
    "domains.add_report": (
        is_programmateam | chairs_body | has_object_perm("domains.manage_body"),
        _("Alleen de voorzitter en het programmateam voegen verslagen toe."),
    ),
    "domains.view_unpublished_report": (
        is_programmateam | seat_in_body,
        _("Concepten van verslagen zijn alleen voor leden van het orgaan."),
    ),
    "domains.edit_structure": (is_programmateam, _("Alleen het programmateam wijzigt domeinen, opdrachten en opbrengsten.")),
    "domains.assign_seat": (is_programmateam | is_beheerder, _("Alleen het programmateam en beheerders geven zetels.")),
    # The "Leden en zetels" page of a body: who gives seats, and the regisseur who manages the own table.
    "domains.view_seats": (
        is_programmateam | is_beheerder | regisseur_of_body,
        _("Alleen het programmateam en de regisseur van deze netwerkgroep beheren de leden en zetels."),
    ),
    # Only the group's own regisseur moves a member to the other side of the table (DECISIONS 2).
    "domains.change_seat_side": (
        regisseur_of_body,
        _("Alleen de netwerkregisseur van deze netwerkgroep wijzigt of een lid formeel of informeel aan tafel zit."),
    ),
    "domains.decide_organisation_kind": (
        is_programmateam,
        _("Alleen het programmateam legt vast of een partner formeel of informeel is."),
    ),
    "domains.view_dashboard": (
        has_role(Role.PROGRAMMATEAM, Role.BESTUURSLID, Role.OPGAVETEAMLID, Role.AANVOERDER),
        _("Het werkoverzicht is voor het programmateam, opgaveteams en het bestuur."),
    ),
    # --- action-line cards (issue 3) ---
    "actielijnen.view_card": (
        card_is_public | edits_card | team_of_card_domain | has_role(Role.BESTUURSLID),
        _("Deze actielijn is nog niet gepubliceerd."),
    ),
    "actielijnen.view_overview": (
        has_role(Role.PROGRAMMATEAM, Role.BESTUURSLID, Role.OPGAVETEAMLID, Role.AANVOERDER),
        _("Het kaartenoverzicht is voor het programmateam, opgaveteams en het bestuur."),
    ),
    "actielijnen.create_card": (is_programmateam, _("Alleen het programmateam maakt nieuwe actielijnen aan.")),
    "actielijnen.edit_card": (edits_card, _("Alleen de aanvoerder, de trekkers en het programmateam bewerken deze kaart.")),
    "actielijnen.add_status_update": (
        edits_card,
        _("Alleen de aanvoerder, de trekkers en het programmateam plaatsen een statusupdate."),
    ),
    "actielijnen.propose_update": (
        edits_card | team_of_card_domain,
        _("Alleen leden van het opgaveteam van dit domein reageren of stellen een update voor."),
    ),
    "actielijnen.view_history": (
        edits_card | team_of_card_domain,
        _("De geschiedenis van een kaart is voor wie eraan werkt."),
    ),
    "actielijnen.restore_version": (is_programmateam, _("Alleen het programmateam zet een eerdere versie terug.")),
    "actielijnen.submit": (edits_card, _("Alleen de aanvoerder, de trekkers en het programmateam dienen een kaart in.")),
    "actielijnen.send_back": (is_programmateam, _("Alleen het programmateam stuurt een kaart terug.")),
    "actielijnen.publish": (is_programmateam, _("Alleen het programmateam publiceert.")),
    "actielijnen.withdraw": (is_programmateam, _("Alleen het programmateam trekt een publicatie in.")),
    "actielijnen.complete": (is_programmateam, _("Alleen het programmateam rondt een actielijn af.")),
    "actielijnen.archive": (is_programmateam, _("Alleen het programmateam archiveert.")),
    "actielijnen.reopen": (is_programmateam, _("Alleen het programmateam heropent een kaart.")),
    "actielijnen.export": (is_programmateam, _("Alleen het programmateam exporteert de kaarten.")),
    "actielijnen.import": (is_programmateam, _("Alleen het programmateam importeert kaarten.")),
    # --- stories "Uit de praktijk" and the Doe mee contact form (issue 4) ---
    "monitoring.edit_story": (is_programmateam, _("Alleen het programmateam schrijft en bewerkt verhalen.")),
    "monitoring.publish_story": (is_programmateam, _("Alleen het programmateam publiceert verhalen.")),
    "monitoring.sign_off_hgkm_story": (
        has_role(Role.NETWERKREGISSEUR),
        _("Alleen een netwerkregisseur geeft akkoord op een verhaal over huiselijk geweld of kindermishandeling."),
    ),
    "monitoring.view_contact_messages": (
        is_programmateam,
        _("Alleen het programmateam leest de berichten van het Doe mee-formulier."),
    ),
    # --- jaarbeeld editions (issue 7, item 2; DECISIONS 15-17) ---
    "monitoring.edit_jaarbeeld": (is_programmateam, _("Alleen het programmateam stelt een jaarbeeld samen.")),
    "monitoring.approve_jaarbeeld_block": (
        is_programmateam,
        _("Alleen het programmateam zet een gegenereerd blok in het jaarbeeld aan en keurt het goed."),
    ),
    "monitoring.build_jaarbeeld": (is_programmateam, _("Alleen het programmateam bouwt een versie van het jaarbeeld.")),
    "monitoring.publish_jaarbeeld": (is_programmateam, _("Alleen het programmateam publiceert een jaarbeeld.")),
    "monitoring.view_jaarbeeld_build": (
        build_is_published | is_programmateam,
        _("Deze versie van het jaarbeeld is niet gepubliceerd."),
    ),
    # --- indicators and measurements (issue 7 item 1) ---
    "monitoring.view_indicator_dashboard": (
        is_programmateam,
        _("Het monitoringsoverzicht met alle indicatoren is voor het programmateam."),
    ),
    "monitoring.view_indicator": (
        indicator_is_public | is_programmateam,
        _("Deze indicator is niet openbaar."),
    ),
    "monitoring.manage_indicators": (is_programmateam, _("Alleen het programmateam beheert indicatoren en metingen.")),
    "monitoring.import_measurements": (is_programmateam, _("Alleen het programmateam importeert metingen.")),
    # --- funding proposals and the alliance board (issue 5) ---
    "financiering.view_public_summary": (
        proposal_granted,
        _("Alleen toegekende voorstellen zijn openbaar."),
    ),
    "financiering.view_budget": (
        has_role(Role.PROGRAMMATEAM, Role.FONDSBEHEERDER, Role.BESTUURSLID),
        _("Het budgetoverzicht is voor het programmateam, de bewakers van de fondsen en het bestuur."),
    ),
    "financiering.manage_funds": (
        has_role(Role.PROGRAMMATEAM, Role.FONDSBEHEERDER),
        _("Alleen het programmateam en de bewakers van de fondsen beheren fondsen en budgetten."),
    ),
    "financiering.view_proposals": (
        has_role(Role.PROGRAMMATEAM, Role.FONDSBEHEERDER, Role.BESTUURSLID, Role.OPGAVETEAMLID),
        _("De lijst met voorstellen is voor opgaveteams, werkgroepen, het programmateam en het bestuur."),
    ),
    # No subsidy desk: proposals come from the domains' teams (DECISIONS 6).
    "financiering.create_proposal": (
        has_role(Role.OPGAVETEAMLID, Role.PROGRAMMATEAM),
        _("Voorstellen komen uit de opgaveteams en werkgroepen; we zijn geen subsidieloket."),
    ),
    "financiering.view_proposal": (
        is_programmateam | submits_proposal | reviews_proposal | guards_a_fund_of_proposal | on_board_agenda,
        _("Dit voorstel is alleen zichtbaar voor de indieners, de adviseurs, de bewakers van de fondsen en het bestuur."),
    ),
    "financiering.edit_proposal": (
        (submits_proposal | is_programmateam) & proposal_editable,
        _("Een voorstel wordt alleen bewerkt door de indieners, zolang het niet is ingediend."),
    ),
    "financiering.submit": (
        submits_proposal & proposal_editable,
        _("Alleen het opgaveteam of de werkgroep dient het eigen voorstel in."),
    ),
    "financiering.manage_process": (is_programmateam, _("Alleen het programmateam begeleidt het besluitvormingsproces.")),
    "financiering.team_akkoord": (
        chairs_team_of_proposal,
        _("Alleen de voorzitter van het indienende opgaveteam of de werkgroep geeft het akkoord."),
    ),
    "financiering.financial_check": (
        guards_fund,
        _("Alleen de bewaker van de financiële regels van dit fonds doet de financiële toets."),
    ),
    "financiering.assign_reviewer": (is_programmateam, _("Alleen het programmateam wijst adviseurs toe.")),
    "financiering.give_review": (reviews_proposal, _("Alleen de toegewezen adviseurs geven advies.")),
    # Board members get the agenda pack "with advice" (issue 5, item 6) for what is on their agenda.
    "financiering.view_review_summary": (
        is_programmateam | on_board_agenda,
        _("De samenvatting van de adviezen is voor het programmateam en het bestuur."),
    ),
    "financiering.declare_conflict": (
        reviews_proposal | on_board_agenda,
        _("Een belangenconflict meldt een adviseur of een bestuurslid bij een geagendeerd voorstel."),
    ),
    "financiering.decide_review_conflict": (
        is_programmateam,
        _("Het programmateam beslist over belangenconflicten van adviseurs."),
    ),
    "financiering.decide_board_conflict": (
        chairs_meeting_body,
        _("De voorzitter van het bestuur beslist over belangenconflicten in het bestuur."),
    ),
    "financiering.manage_meeting": (is_programmateam, _("Alleen het programmateam bereidt bestuursvergaderingen voor.")),
    "financiering.view_meeting": (
        is_programmateam | seat_in_meeting_body,
        _("Vergaderstukken van het bestuur zijn voor bestuursleden en het programmateam."),
    ),
    "financiering.record_decision": (
        is_programmateam | chairs_meeting_body,
        _("Besluiten legt de voorzitter of het programmateam (als secretaris) vast."),
    ),
    "financiering.report": (
        submits_proposal & proposal_granted,
        _("Alleen de indieners van een toegekend voorstel starten de uitvoering en schrijven de verantwoording."),
    ),
    "financiering.export": (
        has_role(Role.PROGRAMMATEAM, Role.FONDSBEHEERDER),
        _("Alleen het programmateam en de bewakers van de fondsen exporteren voorstellen en besluiten."),
    ),
    "netwerkgroep.enter": (
        regisseur_of_body | seat_in_body,
        _("Alleen leden van deze netwerkgroep hebben toegang."),
    ),
    # --- the HGKM netwerkgroep (issue 6): need-to-know, per group; nobody outside a group sees its cases ---
    "netwerkgroep.view_case": (ng_member, _("Alleen leden van deze netwerkgroep zien haar casussen.")),
    "netwerkgroep.bring_in": (ng_member, _("Alleen leden van deze netwerkgroep brengen een casus in.")),
    "netwerkgroep.edit_case": (
        (ng_regisseur | ng_inbrenger) & case_open,
        _("Alleen de inbrenger en de netwerkregisseur wijzigen een open casus."),
    ),
    "netwerkgroep.record_consent": (
        (ng_regisseur | ng_inbrenger) & case_open,
        _("Alleen de inbrenger en de netwerkregisseur leggen de toestemming van het huishouden vast."),
    ),
    "netwerkgroep.add_note": (ng_member, _("Alleen leden van deze netwerkgroep schrijven notities bij haar casussen.")),
    "netwerkgroep.manage_agenda": (ng_regisseur, _("Alleen de netwerkregisseur stelt de agenda samen.")),
    "netwerkgroep.run_meeting": (ng_regisseur, _("Alleen de netwerkregisseur leidt de bijeenkomst.")),
    "netwerkgroep.manage_meetings": (ng_regisseur, _("Alleen de netwerkregisseur verplaatst of annuleert een bijeenkomst.")),
    "netwerkgroep.add_agreement": (
        ng_regisseur & case_open, _("Alleen de netwerkregisseur legt afspraken vast bij een open casus.")
    ),
    "netwerkgroep.update_agreement": (
        ng_regisseur | ng_owner_org,
        _("Alleen de organisatie die de afspraak heeft en de netwerkregisseur werken haar bij."),
    ),
    "netwerkgroep.accept_agreement": (
        ng_owner_org & agreement_proposed,
        _("Alleen de organisatie die een voorgestelde afspraak krijgt, accepteert of weigert haar."),
    ),
    "netwerkgroep.close_case": (ng_regisseur & case_open, _("Alleen de netwerkregisseur sluit een casus.")),
    "netwerkgroep.transfer_case": (ng_regisseur & case_open, _("Alleen de netwerkregisseur legt een overdracht vast.")),
    "netwerkgroep.redact": (ng_regisseur, _("Alleen de netwerkregisseur schoont een tekst.")),
    "netwerkgroep.manage_retention": (ng_regisseur, _("Alleen de netwerkregisseur beheert de bewaartermijn.")),
    "netwerkgroep.view_audit": (
        ng_regisseur | has_role(Role.PRIVACY),
        _("Het auditlog van de netwerkgroep is voor de netwerkregisseur en de privacyfunctionaris."),
    ),
    # Lessons are anonymised learning content without a link to a case (DECISIONS 13): the whole table
    # reads them, formal and informal seats alike; nobody outside the group, not even the programme team.
    "netwerkgroep.view_lessons": (
        ng_member, _("Alleen leden van deze netwerkgroep lezen haar geleerde lessen."),
    ),
    # Counts leave the group only suppressed (<5); a regisseur reads those of the own group (pass the body).
    "netwerkgroep.view_stats": (
        ng_regisseur | has_role(Role.PROGRAMMATEAM, Role.PRIVACY),
        _("De tellingen van een netwerkgroep zijn voor haar regisseur, het programmateam en de privacyfunctionaris."),
    ),
    # The yearly figures leave the group for the jaarbeeld only after the regisseur signed them off (DECISIONS 17).
    "netwerkgroep.sign_off_figures": (
        ng_regisseur, _("Alleen de netwerkregisseur berekent de jaarcijfers van de eigen netwerkgroep en geeft ze vrij."),
    ),
}


def can(user, action: str, obj=None) -> bool:
    """Whether ``user`` may perform ``action`` (on ``obj``). Unknown actions raise KeyError."""
    predicate, _reason = RULES[action]
    if user is not None and getattr(user, "is_authenticated", False) and not user.is_active:
        return False
    return predicate(user, obj)


def why_not(user, action: str, obj=None):
    """The reason a user may not perform ``action``, or ``None`` when allowed."""
    return None if can(user, action, obj) else RULES[action][1]


def require(user, action: str, obj=None) -> None:
    """Raise PermissionDenied unless allowed (views turn object refusals into 404 themselves)."""
    if not can(user, action, obj):
        raise PermissionDenied(why_not(user, action, obj))


class CanMap:
    """``{{ can.domains__add_report }}`` in templates: the same table, read for one object."""

    def __init__(self, user, obj=None):
        self._user = user
        self._obj = obj

    def __getitem__(self, key: str) -> bool:
        action = key.replace("__", ".")
        if action not in RULES:
            raise KeyError(key)
        return can(self._user, action, self._obj)

    def __getattr__(self, key: str) -> bool:
        if key.startswith("_"):
            raise AttributeError(key)
        try:
            return self[key]
        except KeyError as exc:
            raise AttributeError(key) from exc
