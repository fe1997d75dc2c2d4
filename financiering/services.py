"""State changes of funds, proposals, reviews, conflicts and board meetings.

Each service is one transaction with its audit row: on any error nothing is saved. Services check
the rules of the process (states, gates, budgets); views check rights with ``samennw.rights`` before
calling them, and services re-check the rights that depend on the object they lock.
E-mail goes out through Celery tasks after commit, carrying ids only (DECISIONS 24).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from domains.models import Body, Organisation, Seat
from financiering import workflow
from financiering.models import (
    CRITERIA,
    EDITABLE_STATES,
    GRANTED_STATES,
    MAX_AMOUNT,
    AgendaItem,
    Attachment,
    Attendance,
    BudgetOverride,
    Check,
    CoFinancing,
    Conflict,
    Decision,
    DecisionLine,
    Fund,
    FundYear,
    Meeting,
    Party,
    Proposal,
    ProposalLine,
    Review,
    ReviewScore,
    State,
    Transition,
    dutch_amount,
)
from samennw import audit, public_cache, queue, rights
from samennw.documents import check_document

ZERO = Decimal("0")
PROPOSAL_FIELDS = (
    "title",
    "purpose",
    "existing_means",
    "contribution",
    "changes_the_rule",
    "resident_ownership",
    "learning",
    "exit_route",
)
# What a proposal must say before it can be submitted, in the programme's own terms (issue 5, DECISIONS 5).
REQUIRED_AT_SUBMIT = ("purpose", "existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning")


class ConcurrentEdit(ValidationError):
    """Somebody else saved the proposal after this form was opened; nothing was saved."""

    def __init__(self, proposal: Proposal):
        self.proposal = proposal
        super().__init__(
            _("Iemand anders heeft dit voorstel intussen opgeslagen. Je wijzigingen zijn niet opgeslagen: "
              "laad de pagina opnieuw en voer ze nog eens in."),
            code="concurrent_edit",
        )



def _lock(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _touch(proposal: Proposal) -> None:
    proposal.version += 1
    proposal.updated_at = timezone.now()


def _on_commit(task, *args) -> None:
    queue.enqueue_on_commit(task, *args)


# --- funds and budgets ---------------------------------------------------------------------------

@transaction.atomic
def save_fund(*, by, fund: Fund | None = None, **fields: Any) -> Fund:
    fund = fund or Fund()
    for name, value in fields.items():
        setattr(fund, name, value)
    fund.full_clean()
    if fund.pk and fund.years.exclude(year__range=(fund.first_year, fund.last_year)).exists():
        raise ValidationError({"last_year": _("Er zijn budgetten buiten deze periode; pas die eerst aan.")})
    fund.save()
    audit.record("fund.saved", actor=by, target=fund, fields=sorted(fields))
    public_cache.bump_on_commit()
    return fund


@transaction.atomic
def set_fund_year(*, by, fund: Fund, year: int, available: Decimal, note: str = "") -> FundYear:
    """Set what a fund makes available in a year; never less than what has already been granted."""
    if not fund.covers(year):
        raise ValidationError(
            {"year": _("%(year)s valt buiten de looptijd van %(fund)s (%(period)s).")
             % {"year": year, "fund": fund.name, "period": fund.period_label}}
        )
    fund_year, _created = FundYear.objects.select_for_update().get_or_create(
        fund=fund, year=year, defaults={"available": available, "note": note}
    )
    granted = granted_for(fund, year)
    if available < granted:
        raise ValidationError(
            {"available": _("Er is in %(year)s al € %(granted)s toegekend uit dit fonds; het budget kan niet lager.")
             % {"year": year, "granted": dutch_amount(granted)}}
        )
    fund_year.available = available
    fund_year.note = note
    fund_year.full_clean()
    fund_year.save()
    audit.record("fund.year_set", actor=by, target=fund, year=year, available=str(available))
    return fund_year


@transaction.atomic
def set_fund_guardian(*, by, fund: Fund, user, active: bool = True) -> None:
    """Give (or take) the guardian grant on one fund; the holder must have the guardian role."""
    if active:
        if rights.Role.FONDSBEHEERDER not in rights.roles_of(user):
            raise ValidationError(_("%(name)s heeft geen zetel als bewaker van financiële regels.") % {"name": user})
        assign_perm("financiering.guard_fund", user, fund)
    else:
        remove_perm("financiering.guard_fund", user, fund)
    rights.forget(user)
    audit.record("fund.guardian_set" if active else "fund.guardian_removed", actor=by, target=fund, user=user.pk)


def granted_for(fund: Fund, year: int, *, exclude: Proposal | None = None) -> Decimal:
    """Everything granted from a fund in a year by decisions that still stand."""
    lines = DecisionLine.objects.filter(
        fund=fund, year=year, decision__outcome=Decision.Outcome.TOEGEKEND, decision__proposal__state__in=GRANTED_STATES
    )
    if exclude is not None:
        lines = lines.exclude(decision__proposal=exclude)
    return lines.aggregate(total=Sum("amount"))["total"] or ZERO


def remaining_for(fund: Fund, year: int, *, exclude: Proposal | None = None) -> Decimal:
    available = FundYear.objects.filter(fund=fund, year=year).values_list("available", flat=True).first() or ZERO
    return available - granted_for(fund, year, exclude=exclude)


def budget_shortfalls(lines: Iterable[tuple[Fund, int, Decimal]], *, exclude: Proposal | None = None) -> list[dict]:
    """Each (fund, year) where the amounts would take the fund below zero, with how much."""
    totals: dict[tuple[int, int], Decimal] = {}
    funds: dict[int, Fund] = {}
    for fund, year, amount in lines:
        totals[(fund.pk, year)] = totals.get((fund.pk, year), ZERO) + amount
        funds[fund.pk] = fund
    shortfalls = []
    for (fund_id, year), amount in sorted(totals.items()):
        remaining = remaining_for(funds[fund_id], year, exclude=exclude)
        if amount > remaining:
            shortfalls.append({"fund": funds[fund_id], "year": year, "amount": amount, "remaining": remaining, "shortfall": amount - remaining})
    return shortfalls


def _record_overrides(*, by, proposal: Proposal, shortfalls: list[dict], reason: str, stage: str) -> None:
    """Going over a fund's remaining budget needs a reason; the override is kept with who and when."""
    if not shortfalls:
        return
    if not reason.strip():
        first = shortfalls[0]
        raise ValidationError(
            {"over_budget_reason": _(
                "%(fund)s heeft in %(year)s nog € %(remaining)s; er wordt € %(amount)s gevraagd. Geef een reden om "
                "toch boven het budget te gaan, of verlaag het bedrag."
            ) % {"fund": first["fund"].name, "year": first["year"], "remaining": dutch_amount(first["remaining"]), "amount": dutch_amount(first["amount"])}}
        )
    for item in shortfalls:
        fund_year, _created = FundYear.objects.get_or_create(fund=item["fund"], year=item["year"], defaults={"available": ZERO})
        BudgetOverride.objects.create(
            fund_year=fund_year, proposal=proposal, stage=stage, shortfall=item["shortfall"], reason=reason.strip(), by=by
        )
        audit.record("budget.override", actor=by, target=proposal, fund=item["fund"].slug, year=item["year"], stage=stage)


# --- proposals -----------------------------------------------------------------------------------

@transaction.atomic
def create_proposal(*, by, body: Body, title: str, purpose: str = "", actielijnen: Iterable = (), **fields: Any) -> Proposal:
    """A team starts a proposal for its domain; it stays a concept until the team submits it."""
    rights.require(by, "financiering.create_proposal")
    if body.kind not in (Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP) or body.domain_id is None:
        raise ValidationError({"body": _("Voorstellen komen van een opgaveteam of werkgroep van een domein.")})
    if not rights.is_programmateam(by) and not rights.seat_in_body(by, body):
        raise ValidationError({"body": _("Je kunt alleen een voorstel maken namens een team waarin je zitting hebt.")})
    unknown = set(fields) - set(PROPOSAL_FIELDS) - {"is_example", "opbrengsten"}
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    opbrengsten = fields.pop("opbrengsten", ())
    proposal = Proposal(body=body, domain=body.domain, title=title.strip(), purpose=purpose.strip(), created_by=by, **fields)
    proposal.full_clean(exclude=["reference"])
    proposal.save()
    proposal.actielijnen.set(actielijnen)
    proposal.opbrengsten.set(opbrengsten)
    audit.record("proposal.created", actor=by, target=proposal, body=body.slug)
    return proposal


@transaction.atomic
def update_proposal(*, by, proposal: Proposal, version: int, changes: dict[str, Any]) -> Proposal:
    """Save the text and links of a proposal while it can be edited; refuse a stale version."""
    locked = _lock(proposal)
    rights.require(by, "financiering.edit_proposal", locked)
    if locked.version != version:
        raise ConcurrentEdit(locked)
    m2m = {name: changes.pop(name) for name in ("actielijnen", "opbrengsten") if name in changes}
    unknown = set(changes) - set(PROPOSAL_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in changes.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    locked.full_clean()
    _touch(locked)
    locked.save()
    for name, values in m2m.items():
        getattr(locked, name).set(values)
    audit.record("proposal.updated", actor=by, target=locked, fields=sorted(set(changes) | set(m2m)))
    return locked


def _as_amount(value) -> Decimal | None:
    """A Decimal from a form value; ``None`` for nothing or something that is not a number."""
    if value is None or value == "":
        return None
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def _as_year(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _validate_lines(lines: list[dict]) -> list[tuple[Fund, int, Decimal]]:
    """Each line: a fund that is active, a year inside its period, a positive, sensible amount, no doubles."""
    errors: dict[str, list] = {}
    seen: set[tuple[int, int]] = set()
    clean: list[tuple[Fund, int, Decimal]] = []
    for number, line in enumerate(lines, start=1):
        fund, year, amount = line.get("fund"), _as_year(line.get("year")), _as_amount(line.get("amount"))
        where = _("Regel %(n)s") % {"n": number}
        if fund is None or year is None or amount is None:
            errors.setdefault("lines", []).append(_("%(where)s: kies een fonds, een jaar en een bedrag.") % {"where": where})
            continue
        if not fund.is_active:
            errors.setdefault("lines", []).append(_("%(where)s: %(fund)s is niet meer actief.") % {"where": where, "fund": fund.name})
        if not fund.covers(int(year)):
            errors.setdefault("lines", []).append(
                _("%(where)s: %(year)s valt buiten de looptijd van %(fund)s (%(period)s).")
                % {"where": where, "year": year, "fund": fund.name, "period": fund.period_label}
            )
        if amount <= ZERO:
            errors.setdefault("lines", []).append(_("%(where)s: het bedrag moet groter zijn dan nul.") % {"where": where})
        elif amount > MAX_AMOUNT:
            errors.setdefault("lines", []).append(
                _("%(where)s: € %(amount)s is meer dan honderd miljoen; controleer het bedrag.") % {"where": where, "amount": dutch_amount(amount)}
            )
        elif amount != amount.quantize(Decimal("0.01")):
            errors.setdefault("lines", []).append(_("%(where)s: gebruik hooguit twee decimalen.") % {"where": where})
        if (fund.pk, int(year)) in seen:
            errors.setdefault("lines", []).append(
                _("%(where)s: %(fund)s in %(year)s staat er al; tel de bedragen op in één regel.")
                % {"where": where, "fund": fund.name, "year": year}
            )
        seen.add((fund.pk, int(year)))
        clean.append((fund, int(year), amount))
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def set_lines(*, by, proposal: Proposal, lines: list[dict]) -> list[ProposalLine]:
    """Replace the amounts asked per fund and year (all or nothing)."""
    locked = _lock(proposal)
    rights.require(by, "financiering.edit_proposal", locked)
    clean = _validate_lines(lines)
    locked.lines.all().delete()
    created = ProposalLine.objects.bulk_create(
        ProposalLine(proposal=locked, fund=fund, year=year, amount=amount) for fund, year, amount in clean
    )
    _touch(locked)
    locked.save(update_fields=["version", "updated_at"])
    audit.record("proposal.lines_set", actor=by, target=locked, lines=len(created))
    return created


@transaction.atomic
def set_cofinancing(*, by, proposal: Proposal, rows: list[dict]) -> list[CoFinancing]:
    """Replace what partners contribute themselves, per partner, in cash or in kind."""
    locked = _lock(proposal)
    rights.require(by, "financiering.edit_proposal", locked)
    errors = []
    objects = []
    for number, row in enumerate(rows, start=1):
        item = CoFinancing(proposal=locked, **row)
        try:
            item.full_clean(exclude=["proposal"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                label = CoFinancing._meta.get_field(field).verbose_name if field != "__all__" else _("regel")
                errors.extend(
                    _("Cofinanciering regel %(n)s, %(field)s: %(msg)s") % {"n": number, "field": label, "msg": m} for m in messages
                )
        objects.append(item)
    if errors:
        raise ValidationError({"cofinancing": errors})
    locked.cofinancing.all().delete()
    created = CoFinancing.objects.bulk_create(objects)
    _touch(locked)
    locked.save(update_fields=["version", "updated_at"])
    audit.record("proposal.cofinancing_set", actor=by, target=locked, rows=len(created))
    return created


@transaction.atomic
def set_parties(*, by, proposal: Proposal, applicants: Iterable[Organisation], beneficiaries: Iterable[Organisation] = ()) -> None:
    """Which organisations carry the work and which benefit (used to suggest conflicts of interest)."""
    locked = _lock(proposal)
    rights.require(by, "financiering.edit_proposal", locked)
    locked.parties.all().delete()
    Party.objects.bulk_create(
        [Party(proposal=locked, organisation=o, role=Party.Role.AANVRAGER) for o in set(applicants)]
        + [Party(proposal=locked, organisation=o, role=Party.Role.BEGUNSTIGDE) for o in set(beneficiaries)]
    )
    _touch(locked)
    locked.save(update_fields=["version", "updated_at"])
    audit.record("proposal.parties_set", actor=by, target=locked)


@transaction.atomic
def add_attachment(*, by, proposal: Proposal, file, kind: str = Attachment.Kind.BIJLAGE) -> Attachment:
    """Attach a PDF, ODT or DOCX judged by its bytes (DECISIONS 23); stored under a random name."""
    locked = _lock(proposal)
    if kind == Attachment.Kind.VERANTWOORDING:
        rights.require(by, "financiering.report", locked)
        if locked.state != State.IN_UITVOERING:
            raise ValidationError(_("Een verantwoording hoort bij een voorstel in uitvoering."))
    else:
        rights.require(by, "financiering.edit_proposal", locked)
    found = check_document(file)
    attachment = Attachment(
        proposal=locked,
        kind=kind,
        original_name=PurePath(file.name or "bijlage").name[:200],
        extension=found.extension,
        content_type=found.content_type,
        size=file.size,
        uploaded_by=by,
    )
    attachment.file.save("upload", file, save=False)
    attachment.save()
    audit.record("proposal.attachment_added", actor=by, target=locked, attachment=attachment.pk, type=found.extension)
    return attachment


@transaction.atomic
def remove_attachment(*, by, attachment: Attachment) -> None:
    locked = _lock(attachment.proposal)
    rights.require(by, "financiering.edit_proposal", locked)
    attachment.file.delete(save=False)
    audit.record("proposal.attachment_removed", actor=by, target=locked, attachment=attachment.pk)
    attachment.delete()


def missing_for_submit(proposal: Proposal) -> list[str]:
    """What still has to be filled in before a proposal can be submitted (shown as a checklist)."""
    missing = [str(Proposal._meta.get_field(name).verbose_name) for name in REQUIRED_AT_SUBMIT if not getattr(proposal, name).strip()]
    if not proposal.actielijnen.exists():
        missing.append(_("minstens één actielijn"))
    lines = list(proposal.lines.select_related("fund"))
    if not lines:
        missing.append(_("minstens één gevraagd bedrag (fonds, jaar, bedrag)"))
    if any(line.fund.is_temporary for line in lines) and not proposal.exit_route.strip():
        missing.append(str(Proposal._meta.get_field("exit_route").verbose_name))
    return missing


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else str(value)


def _illegal_move(source: str, target: str) -> ValidationError:
    return ValidationError(
        _("Een voorstel met status ‘%(source)s’ kan niet naar ‘%(target)s’.")
        % {"source": _state_label(source), "target": _state_label(target)},
        code="illegal_transition",
    )


def _move(*, proposal: Proposal, to: str, by, reason: str = "") -> Transition:
    edge = workflow.edge(proposal.state, to)
    if edge is None:
        raise _illegal_move(proposal.state, to)
    if edge.reason_required and not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor ‘%(label)s’.") % {"label": edge.label}})
    transition = Transition.objects.create(proposal=proposal, source=proposal.state, target=to, by=by, reason=reason.strip())
    proposal.state = to
    _touch(proposal)
    proposal.save()
    audit.record("proposal.moved", actor=by, target=proposal, source=transition.source, target_state=to)
    from financiering import tasks

    _on_commit(tasks.notify_transition, transition.pk)
    return transition


@transaction.atomic
def submit(*, by, proposal: Proposal, version: int | None = None, over_budget_reason: str = "") -> Proposal:
    """The team submits: everything required is there, and amounts over budget carry a reason."""
    locked = _lock(proposal)
    if locked.state not in EDITABLE_STATES:
        raise ValidationError(_("Dit voorstel is al ingediend (status: %(state)s).") % {"state": State(locked.state).label})
    rights.require(by, "financiering.submit", locked)
    if version is not None and locked.version != version:
        raise ConcurrentEdit(locked)
    missing = missing_for_submit(locked)
    if missing:
        raise ValidationError(_("Nog niet compleet. Vul nog in: %(missing)s.") % {"missing": "; ".join(missing)}, code="incomplete")
    lines = [(line.fund, line.year, line.amount) for line in locked.lines.select_related("fund")]
    for fund, year, _amount in lines:
        if not fund.is_active:
            raise ValidationError(_("%(fund)s is niet meer actief; vraag het geld uit een ander fonds.") % {"fund": fund.name})
        if not fund.covers(year):
            raise ValidationError(
                _("%(year)s valt buiten de looptijd van %(fund)s (%(period)s).") % {"year": year, "fund": fund.name, "period": fund.period_label}
            )
    shortfalls = budget_shortfalls(lines, exclude=locked)
    if over_budget_reason.strip():
        locked.over_budget_reason = over_budget_reason.strip()
    _record_overrides(by=by, proposal=locked, shortfalls=shortfalls, reason=locked.over_budget_reason if shortfalls else "", stage="indienen")
    if locked.state == State.AANGEHOUDEN:
        locked.round += 1
    locked.submitted_at = timezone.now()
    _move(proposal=locked, to=State.INGEDIEND, by=by)
    return locked


def current_checks(proposal: Proposal) -> dict:
    """The latest check of each kind (and per fund) in the proposal's current round."""
    latest: dict = {}
    for check in proposal.checks.filter(round=proposal.round).order_by("at", "pk"):
        latest[(check.kind, check.fund_id)] = check
    return latest


def gates_before_agenda(proposal: Proposal) -> list[str]:
    """What still blocks putting the proposal on an agenda (DECISIONS 5), in plain words."""
    checks = current_checks(proposal)
    blocks = []

    def ok(kind, fund_id=None) -> bool:
        check = checks.get((kind, fund_id))
        return check is not None and check.outcome == Check.Outcome.AKKOORD

    if not ok(Check.Kind.VOLLEDIG):
        blocks.append(_("de toets op volledigheid en fondsregels door het programmateam"))
    if not ok(Check.Kind.TEAM):
        blocks.append(_("het akkoord van %(body)s") % {"body": proposal.body.name})
    for fund in Fund.objects.filter(lines__proposal=proposal).distinct():
        if not ok(Check.Kind.FINANCIEEL, fund.pk):
            blocks.append(_("de financiële toets van %(fund)s") % {"fund": fund.name})
    reviews = list(proposal.reviews.filter(round=proposal.round))
    blocked = set(
        proposal.conflicts.filter(context=Conflict.Context.REVIEW, status=Conflict.Status.CONFIRMED).values_list("user_id", flat=True)
    )
    open_review_conflicts = proposal.conflicts.filter(context=Conflict.Context.REVIEW, status=Conflict.Status.OPEN).exists()
    counting = [r for r in reviews if r.reviewer_id not in blocked]
    if open_review_conflicts:
        blocks.append(_("een besluit over de gemelde belangenconflicten van adviseurs"))
    if not counting:
        blocks.append(_("minstens één adviseur zonder belangenconflict"))
    elif any(not r.is_submitted for r in counting):
        blocks.append(_("het advies van alle adviseurs"))
    return blocks


@transaction.atomic
def move(*, by, proposal: Proposal, to: str, reason: str = "") -> Proposal:
    """A step of the process other than submitting, agendering and deciding (those have their own service)."""
    locked = _lock(proposal)
    edge = workflow.edge(locked.state, to)
    if edge is None or edge.by_decision or to in (State.INGEDIEND, State.GEAGENDEERD):
        raise _illegal_move(locked.state, to)
    rights.require(by, edge.action, locked)
    if to == State.ADVIES:
        check = current_checks(locked).get((Check.Kind.VOLLEDIG, None))
        if check is None or check.outcome != Check.Outcome.AKKOORD:
            raise ValidationError(_("Toets eerst of het voorstel volledig is en past in de regels van de fondsen."))
    if to == State.VERANTWOORD and not locked.final_report.strip():
        raise ValidationError(_("Er is nog geen verantwoording geschreven."))
    if to == State.ADVIES and locked.state == State.GEAGENDEERD:
        AgendaItem.objects.filter(proposal=locked).exclude(meeting__decisions__proposal=locked).delete()
    _move(proposal=locked, to=to, by=by, reason=reason)
    return locked


@transaction.atomic
def record_check(*, by, proposal: Proposal, kind: str, outcome: str, note: str = "", fund: Fund | None = None) -> Check:
    """Completeness (programme team), the team's akkoord (its chair), or a fund's financial check (its guardian)."""
    locked = _lock(proposal)
    if locked.state not in (State.IN_BEHANDELING, State.ADVIES):
        raise ValidationError(_("Toetsen horen bij een voorstel dat in behandeling of in advies is."))
    if kind == Check.Kind.VOLLEDIG:
        rights.require(by, "financiering.manage_process", locked)
    elif kind == Check.Kind.TEAM:
        rights.require(by, "financiering.team_akkoord", locked)
    elif kind == Check.Kind.FINANCIEEL:
        if fund is None or not locked.lines.filter(fund=fund).exists():
            raise ValidationError({"fund": _("Dit voorstel vraagt geen geld uit dit fonds.")})
        rights.require(by, "financiering.financial_check", fund)
    else:
        raise ValidationError({"kind": _("Onbekende soort toets.")})
    if outcome not in Check.Outcome.values:
        raise ValidationError({"outcome": _("Kies akkoord of niet akkoord.")})
    if outcome == Check.Outcome.NIET_AKKOORD and not note.strip():
        raise ValidationError({"note": _("Leg uit waarom je niet akkoord gaat.")})
    check = Check.objects.create(
        proposal=locked, kind=kind, outcome=outcome, note=note.strip(), fund=fund if kind == Check.Kind.FINANCIEEL else None,
        by=by, round=locked.round,
    )
    audit.record("proposal.checked", actor=by, target=locked, kind=kind, outcome=outcome, fund=getattr(fund, "slug", ""))
    return check


# --- review and conflicts of interest ------------------------------------------------------------

def organisations_of(user) -> set[int]:
    """The organisations a person acts for through any active seat."""
    return {seat.organisation_id for seat in Seat.objects.active().filter(user=user) if seat.organisation_id}


def involved_organisations(proposal: Proposal) -> dict[int, str]:
    """Organisation id → how it is involved (applicant, beneficiary, co-financier)."""
    involved: dict[int, str] = {}
    for party in proposal.parties.all():
        involved[party.organisation_id] = Party.Role(party.role).label
    for row in proposal.cofinancing.all():
        involved.setdefault(row.organisation_id, _("cofinancier"))
    return involved


def _suggest_conflict(*, proposal: Proposal, user, context: str) -> Conflict | None:
    """Suggest (never decide) a conflict when the person's organisation is involved (DECISIONS 7)."""
    involved = involved_organisations(proposal)
    overlap = [org for org in organisations_of(user) if org in involved]
    if not overlap or Conflict.objects.filter(proposal=proposal, user=user, context=context).exists():
        return None
    organisation = Organisation.objects.get(pk=overlap[0])
    conflict = Conflict.objects.create(
        proposal=proposal,
        user=user,
        context=context,
        origin=Conflict.Origin.SUGGESTED,
        organisation=organisation,
        grounds=_("%(org)s is bij dit voorstel betrokken als %(how)s.") % {"org": organisation.name, "how": str(involved[overlap[0]]).lower()},
    )
    audit.record("conflict.suggested", actor=None, target=proposal, user=user.pk, context=context)
    return conflict


@transaction.atomic
def assign_reviewer(*, by, proposal: Proposal, reviewer) -> Review:
    locked = _lock(proposal)
    rights.require(by, "financiering.assign_reviewer", locked)
    if locked.state not in (State.IN_BEHANDELING, State.ADVIES):
        raise ValidationError(_("Adviseurs worden toegewezen als het voorstel in behandeling of in advies is."))
    if not reviewer.is_active:
        raise ValidationError({"reviewer": _("Dit account is niet actief.")})
    if reviewer.pk == locked.created_by_id or rights.seat_in_body(reviewer, locked.body):
        raise ValidationError({"reviewer": _("Iemand van het indienende team kan het eigen voorstel niet adviseren.")})
    if Review.objects.filter(proposal=locked, reviewer=reviewer, round=locked.round).exists():
        raise ValidationError({"reviewer": _("%(name)s is al adviseur van dit voorstel.") % {"name": reviewer}})
    review = Review.objects.create(proposal=locked, reviewer=reviewer, assigned_by=by, round=locked.round)
    assign_perm("financiering.review_proposal", reviewer, locked)
    rights.forget(reviewer)
    _suggest_conflict(proposal=locked, user=reviewer, context=Conflict.Context.REVIEW)
    audit.record("review.assigned", actor=by, target=locked, reviewer=reviewer.pk)
    from financiering import tasks

    _on_commit(tasks.notify_reviewer_assigned, review.pk)
    return review


@transaction.atomic
def unassign_reviewer(*, by, review: Review) -> None:
    locked = _lock(review.proposal)
    rights.require(by, "financiering.assign_reviewer", locked)
    if review.is_submitted:
        raise ValidationError(_("Een gegeven advies blijft bewaard; de adviseur kan niet meer worden verwijderd."))
    remove_perm("financiering.review_proposal", review.reviewer, locked)
    rights.forget(review.reviewer)
    audit.record("review.unassigned", actor=by, target=locked, reviewer=review.reviewer_id)
    review.delete()


def conflict_blocks(proposal: Proposal, user, context: str) -> Conflict | None:
    return Conflict.objects.filter(
        proposal=proposal, user=user, context=context, status__in=[Conflict.Status.OPEN, Conflict.Status.CONFIRMED]
    ).first()


@transaction.atomic
def submit_review(*, by, review: Review, recommendation: str, text: str, scores: dict[str, dict]) -> Review:
    """A reviewer's advice: a score and text per criterion and an overall recommendation; given once."""
    locked = _lock(review.proposal)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.reviewer_id != by.pk:
        raise PermissionDenied(_("Dit advies is aan iemand anders toegewezen."))
    rights.require(by, "financiering.give_review", locked)
    if locked.state != State.ADVIES or review.round != locked.round:
        raise ValidationError(_("Advies geven kan alleen als het voorstel in de adviesfase is."))
    if review.is_submitted:
        raise ValidationError(_("Je hebt je advies al gegeven."))
    conflict = conflict_blocks(locked, by, Conflict.Context.REVIEW)
    if conflict is not None:
        if conflict.status == Conflict.Status.OPEN:
            raise ValidationError(_("Er ligt een mogelijk belangenconflict voor; het programmateam beslist daar eerst over."))
        raise ValidationError(_("Je hebt een belangenconflict bij dit voorstel en geeft daarom geen advies."))
    errors: dict[str, list] = {}
    if recommendation not in Review.Recommendation.values:
        errors["recommendation"] = [_("Kies een eindadvies.")]
    if not text.strip():
        errors["text"] = [_("Licht je eindadvies toe.")]
    rows = []
    for code, label in CRITERIA:
        given = scores.get(code) or {}
        score = given.get("score")
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        if score is None or not 1 <= score <= 5:
            errors.setdefault(f"score_{code}", []).append(_("Geef een score van 1 tot 5 voor ‘%(c)s’.") % {"c": label})
            continue
        rows.append(ReviewScore(review=review, criterion=code, score=score, text=(given.get("text") or "").strip()))
    if errors:
        raise ValidationError(errors)
    review.scores.all().delete()
    ReviewScore.objects.bulk_create(rows)
    review.recommendation = recommendation
    review.text = text.strip()
    review.submitted_at = timezone.now()
    review.save()
    audit.record("review.submitted", actor=by, target=locked, review=review.pk, recommendation=recommendation)
    return review


def visible_reviews(proposal: Proposal, user) -> list[Review]:
    """Reviewers see each other's advice only after giving their own; the programme team sees all."""
    reviews = list(proposal.reviews.filter(round=proposal.round).select_related("reviewer").prefetch_related("scores"))
    if rights.is_programmateam(user):
        return reviews
    own = next((r for r in reviews if r.reviewer_id == user.pk), None)
    if own is None:
        return [r for r in reviews if r.is_submitted] if rights.on_board_agenda(user, proposal) else []
    if not own.is_submitted:
        return [own]
    return [r for r in reviews if r.is_submitted]


def review_summary(proposal: Proposal) -> dict:
    """Per criterion the average score and the count of each recommendation (for the programme team and the board)."""
    reviews = [r for r in proposal.reviews.filter(round=proposal.round).prefetch_related("scores") if r.is_submitted]
    per_criterion = []
    for code, label in CRITERIA:
        scores = [s.score for r in reviews for s in r.scores.all() if s.criterion == code]
        per_criterion.append({"code": code, "label": label, "average": round(sum(scores) / len(scores), 1) if scores else None})
    counts = {value: 0 for value in Review.Recommendation.values}
    for r in reviews:
        counts[r.recommendation] += 1
    return {
        "given": len(reviews),
        "assigned": proposal.reviews.filter(round=proposal.round).count(),
        "criteria": per_criterion,
        "recommendations": [(Review.Recommendation(v).label, n) for v, n in counts.items()],
    }


@transaction.atomic
def declare_conflict(*, by, proposal: Proposal, context: str, grounds: str) -> Conflict:
    """Anyone reviewing or deciding may declare a conflict; it waits for the chair's or programme team's decision."""
    locked = _lock(proposal)
    rights.require(by, "financiering.declare_conflict", locked)
    if context not in Conflict.Context.values:
        raise ValidationError({"context": _("Kies bij advies of bij het besluit.")})
    # A reviewer declares for the advice, a board member for the decision: neither can hold up the other's step.
    if context == Conflict.Context.REVIEW and not rights.reviews_proposal(by, locked):
        raise PermissionDenied(_("Alleen een adviseur van dit voorstel meldt een belangenconflict bij het advies."))
    if context == Conflict.Context.BOARD and not rights.on_board_agenda(by, locked):
        raise PermissionDenied(_("Alleen een bestuurslid meldt een belangenconflict bij een geagendeerd voorstel."))
    if not grounds.strip():
        raise ValidationError({"grounds": _("Beschrijf kort waarom er een belangenconflict kan zijn.")})
    conflict, created = Conflict.objects.get_or_create(
        proposal=locked, user=by, context=context,
        defaults={"origin": Conflict.Origin.DECLARED, "grounds": grounds.strip()},
    )
    if not created:
        if conflict.status != Conflict.Status.OPEN:
            raise ValidationError(_("Over dit belangenconflict is al besloten."))
        conflict.origin = Conflict.Origin.DECLARED
        conflict.grounds = grounds.strip()
        conflict.save(update_fields=["origin", "grounds"])
    audit.record("conflict.declared", actor=by, target=locked, context=context)
    return conflict


@transaction.atomic
def decide_conflict(*, by, conflict: Conflict, confirmed: bool, reason: str, meeting: Meeting | None = None) -> Conflict:
    """The programme team decides for reviewers, the board's chair for board members; always with a reason."""
    conflict = Conflict.objects.select_for_update().select_related("proposal").get(pk=conflict.pk)
    if conflict.context == Conflict.Context.REVIEW:
        rights.require(by, "financiering.decide_review_conflict", conflict.proposal)
    else:
        if meeting is None:
            item = conflict.proposal.agenda_items.select_related("meeting__body").order_by("-meeting__date").first()
            meeting = item.meeting if item else None
        rights.require(by, "financiering.decide_board_conflict", meeting)
        if not meeting.items.filter(proposal=conflict.proposal).exists():
            raise ValidationError(_("Dit voorstel staat niet op de agenda van deze vergadering."))
    if conflict.status != Conflict.Status.OPEN:
        raise ValidationError(_("Over dit belangenconflict is al besloten."))
    if not reason.strip():
        raise ValidationError({"reason": _("Geef een reden voor je besluit over dit belangenconflict.")})
    conflict.status = Conflict.Status.CONFIRMED if confirmed else Conflict.Status.DISMISSED
    conflict.decided_by = by
    conflict.decided_at = timezone.now()
    conflict.decision_reason = reason.strip()
    conflict.save()
    audit.record("conflict.decided", actor=by, target=conflict.proposal, user=conflict.user_id, confirmed=confirmed)
    return conflict


# --- board meetings ------------------------------------------------------------------------------

@transaction.atomic
def create_meeting(*, by, body: Body, date: datetime.date, location: str = "") -> Meeting:
    rights.require(by, "financiering.manage_meeting")
    if body.kind != Body.Kind.ALLIANTIEBESTUUR:
        raise ValidationError({"body": _("Alleen het alliantiebestuur besluit over voorstellen.")})
    if Meeting.objects.filter(body=body, date=date).exists():
        raise ValidationError({"date": _("Op %(date)s staat al een vergadering.") % {"date": date.strftime("%d-%m-%Y")}})
    meeting = Meeting(body=body, date=date, location=location.strip())
    meeting.full_clean()
    meeting.save()
    for seat in Seat.objects.active(date).filter(body=body):
        Attendance.objects.create(meeting=meeting, seat=seat)
    audit.record("meeting.created", actor=by, target=meeting, date=date.isoformat())
    return meeting


@transaction.atomic
def add_agenda_item(*, by, meeting: Meeting, title: str, note: str = "") -> AgendaItem:
    rights.require(by, "financiering.manage_meeting")
    if meeting.status in (Meeting.Status.GEHOUDEN, Meeting.Status.VASTGESTELD):
        raise ValidationError(_("De vergadering is al geweest."))
    if not title.strip():
        raise ValidationError({"title": _("Geef het agendapunt een onderwerp.")})
    item = AgendaItem.objects.create(meeting=meeting, title=title.strip()[:200], note=note.strip(), order=meeting.items.count() + 1)
    audit.record("meeting.item_added", actor=by, target=meeting, item=item.pk)
    return item


@transaction.atomic
def put_on_agenda(*, by, proposal: Proposal, meeting: Meeting) -> AgendaItem:
    """Agendering needs every gate of DECISIONS 5; board members get a conflict suggestion where it applies."""
    locked = _lock(proposal)
    rights.require(by, "financiering.manage_process", locked)
    if locked.state != State.ADVIES:
        raise ValidationError(_("Alleen een voorstel met advies kan worden geagendeerd."))
    if meeting.status in (Meeting.Status.GEHOUDEN, Meeting.Status.VASTGESTELD) or meeting.date < timezone.localdate():
        raise ValidationError({"meeting": _("Deze vergadering is al geweest; kies een volgende.")})
    blocks = gates_before_agenda(locked)
    if blocks:
        raise ValidationError(_("Nog niet klaar voor het bestuur. Ontbreekt: %(blocks)s.") % {"blocks": "; ".join(blocks)})
    item = AgendaItem.objects.create(meeting=meeting, proposal=locked, title=locked.title, order=meeting.items.count() + 1)
    _move(proposal=locked, to=State.GEAGENDEERD, by=by, reason=_("Geagendeerd voor %(meeting)s") % {"meeting": meeting})
    for seat in Seat.objects.active(meeting.date).filter(body=meeting.body).select_related("user"):
        _suggest_conflict(proposal=locked, user=seat.user, context=Conflict.Context.BOARD)
    return item


@transaction.atomic
def set_attendance(*, by, meeting: Meeting, presence: dict[int, str]) -> None:
    """Record who was there, per seat (seat id → aanwezig / afwezig / onbekend)."""
    rights.require(by, "financiering.record_decision", meeting)
    if meeting.status == Meeting.Status.VASTGESTELD:
        raise ValidationError(_("De besluitenlijst is vastgesteld; de aanwezigheid ligt vast."))
    rows = {a.seat_id: a for a in meeting.attendance.select_for_update()}
    for seat_id, value in presence.items():
        if seat_id not in rows:
            raise ValidationError(_("Deze zetel hoort niet bij deze vergadering."))
        if value not in Attendance.Presence.values:
            raise ValidationError(_("Onbekende aanwezigheid: %(value)s.") % {"value": value})
        rows[seat_id].presence = value
    Attendance.objects.bulk_update(rows.values(), ["presence"])
    audit.record("meeting.attendance_set", actor=by, target=meeting)


def quorum(meeting: Meeting, proposal: Proposal | None = None) -> dict:
    """Who is present, who abstains on this proposal, and whether more than half of the seats remain.

    Design addition: the documents name no quorum; "more than half of the seats" is the default of
    Dutch association law (and can be changed here once the board sets its own rule).
    """
    attendance = list(meeting.attendance.select_related("seat__user", "seat__organisation"))
    present = [a.seat.user for a in attendance if a.presence == Attendance.Presence.AANWEZIG]
    abstaining = []
    if proposal is not None:
        confirmed = set(
            proposal.conflicts.filter(context=Conflict.Context.BOARD, status=Conflict.Status.CONFIRMED).values_list("user_id", flat=True)
        )
        abstaining = [u for u in present if u.pk in confirmed]
    voting = [u for u in present if u not in abstaining]
    seats = len(attendance)
    needed = seats // 2 + 1
    return {
        "seats": seats,
        "present": present,
        "abstaining": abstaining,
        "voting": len(voting),
        "needed": needed,
        "enough": seats > 0 and len(voting) >= needed,
    }


@transaction.atomic
def send_agenda_pack(*, by, meeting: Meeting) -> Meeting:
    """The agenda pack is ready: board members are notified (once; a later change sends it again)."""
    rights.require(by, "financiering.manage_meeting")
    if meeting.status in (Meeting.Status.GEHOUDEN, Meeting.Status.VASTGESTELD):
        raise ValidationError(_("De vergadering is al geweest."))
    if not meeting.items.exists():
        raise ValidationError(_("De agenda is nog leeg."))
    meeting.status = Meeting.Status.AGENDA
    meeting.pack_sent_at = timezone.now()
    meeting.save(update_fields=["status", "pack_sent_at"])
    audit.record("meeting.pack_sent", actor=by, target=meeting)
    from financiering import tasks

    _on_commit(tasks.notify_agenda_pack, meeting.pk)
    return meeting


@transaction.atomic
def record_decision(
    *,
    by,
    meeting: Meeting,
    proposal: Proposal,
    outcome: str,
    reason: str = "",
    conditions: str = "",
    questions: str = "",
    mode: str = Decision.Mode.CONSENSUS,
    votes_for: int | None = None,
    votes_against: int | None = None,
    lines: list[dict] | None = None,
    over_budget_reason: str = "",
) -> Decision:
    """The board's decision on an agenda item: grant (amounts, possibly lower, with conditions), reject (with
    reason) or hold (with questions). Moves the proposal and keeps the budget from going below zero silently."""
    locked = _lock(proposal)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "financiering.record_decision", meeting)
    if not meeting.items.filter(proposal=locked).exists():
        raise ValidationError(_("Dit voorstel staat niet op de agenda van deze vergadering."))
    if locked.state != State.GEAGENDEERD:
        raise ValidationError(_("Over dit voorstel is al besloten (status: %(state)s).") % {"state": State(locked.state).label})
    if meeting.status == Meeting.Status.VASTGESTELD:
        raise ValidationError(_("De besluitenlijst van deze vergadering is al vastgesteld."))
    if meeting.date > timezone.localdate():
        raise ValidationError(_("Deze vergadering is nog niet geweest."))
    if outcome not in Decision.Outcome.values:
        raise ValidationError({"outcome": _("Kies toekennen, afwijzen of aanhouden.")})
    if mode not in Decision.Mode.values:
        raise ValidationError({"mode": _("Kies bij consensus of bij stemming.")})
    if meeting.decisions.filter(proposal=locked).exists():
        raise ValidationError(_("In deze vergadering is al over dit voorstel besloten; agendeer het voor een volgende vergadering."))
    if locked.conflicts.filter(context=Conflict.Context.BOARD, status=Conflict.Status.OPEN).exists():
        raise ValidationError(_("Beslis eerst over de mogelijke belangenconflicten bij dit voorstel."))
    count = quorum(meeting, locked)
    if not count["enough"]:
        raise ValidationError(
            _("Niet genoeg stemgerechtigde leden: %(voting)s van de %(needed)s nodig (%(abstaining)s onthouden zich).")
            % {"voting": count["voting"], "needed": count["needed"], "abstaining": len(count["abstaining"])}
        )
    errors: dict[str, list] = {}
    if outcome == Decision.Outcome.AFGEWEZEN and not reason.strip():
        errors["reason"] = [_("Geef bij afwijzen de reden; de indieners krijgen die te lezen.")]
    if outcome == Decision.Outcome.AANGEHOUDEN and not questions.strip():
        errors["questions"] = [_("Schrijf bij aanhouden welke vragen de indieners moeten beantwoorden.")]
    if mode == Decision.Mode.STEMMING:
        if votes_for is None or votes_against is None:
            errors["votes_for"] = [_("Vul bij een stemming de stemmen voor en tegen in.")]
        elif votes_for + votes_against > count["voting"]:
            errors["votes_for"] = [
                _("Er zijn meer stemmen (%(votes)s) dan stemgerechtigde aanwezigen (%(voting)s).")
                % {"votes": votes_for + votes_against, "voting": count["voting"]}
            ]
    granted: list[tuple[Fund, int, Decimal]] = []
    if outcome == Decision.Outcome.TOEGEKEND:
        asked = {(line.fund_id, line.year): line for line in locked.lines.select_related("fund")}
        for line in lines or []:
            if line.get("fund") is None or line.get("year") is None:
                errors.setdefault("lines", []).append(_("Kies bij elk toegekend bedrag een fonds en een jaar."))
                continue
            key = (line["fund"].pk, int(line["year"]))
            amount = _as_amount(line.get("amount"))
            if key not in asked:
                errors.setdefault("lines", []).append(
                    _("%(fund)s in %(year)s is niet gevraagd.") % {"fund": line["fund"].name, "year": line["year"]}
                )
            elif amount is None or amount < ZERO:
                errors.setdefault("lines", []).append(_("Een toegekend bedrag kan niet negatief zijn."))
            elif amount != amount.quantize(Decimal("0.01")):
                errors.setdefault("lines", []).append(
                    _("Voor %(fund)s in %(year)s: gebruik hooguit twee decimalen.") % {"fund": line["fund"].name, "year": line["year"]}
                )
            elif amount > asked[key].amount:
                errors.setdefault("lines", []).append(
                    _("Voor %(fund)s in %(year)s is € %(asked)s gevraagd; er kan niet meer worden toegekend.")
                    % {"fund": line["fund"].name, "year": line["year"], "asked": dutch_amount(asked[key].amount)}
                )
            elif amount > ZERO:
                granted.append((line["fund"], int(line["year"]), amount))
        if not granted and "lines" not in errors:
            errors["lines"] = [_("Ken minstens één bedrag toe, of kies afwijzen.")]
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        meeting=meeting, proposal=locked, outcome=outcome, mode=mode,
        votes_for=votes_for if mode == Decision.Mode.STEMMING else None,
        votes_against=votes_against if mode == Decision.Mode.STEMMING else None,
        reason=reason.strip(), conditions=conditions.strip(), questions=questions.strip(),
        over_budget_reason=over_budget_reason.strip(), recorded_by=by,
    )
    decision.abstained.set(count["abstaining"])
    if granted:
        _record_overrides(
            by=by, proposal=locked, shortfalls=budget_shortfalls(granted, exclude=locked), reason=over_budget_reason, stage="besluit"
        )
        DecisionLine.objects.bulk_create(DecisionLine(decision=decision, fund=f, year=y, amount=a) for f, y, a in granted)
    locked.decided_at = timezone.now()
    _move(proposal=locked, to=outcome, by=by, reason=reason or questions or conditions)
    if meeting.status != Meeting.Status.GEHOUDEN:
        meeting.status = Meeting.Status.GEHOUDEN
        meeting.save(update_fields=["status"])
    audit.record("decision.recorded", actor=by, target=locked, meeting=meeting.pk, outcome=outcome)
    public_cache.bump_on_commit()
    return decision


@transaction.atomic
def adopt_minutes(*, by, meeting: Meeting, note: str = "") -> Meeting:
    """The besluitenlijst is adopted: from then on the decisions of this meeting are fixed."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    rights.require(by, "financiering.record_decision", meeting)
    if meeting.status == Meeting.Status.VASTGESTELD:
        raise ValidationError(_("De besluitenlijst is al vastgesteld."))
    if not meeting.decisions.exists():
        raise ValidationError(_("Er zijn nog geen besluiten vastgelegd."))
    if meeting.items.filter(proposal__state=State.GEAGENDEERD).exists():
        raise ValidationError(_("Niet elk geagendeerd voorstel heeft een besluit."))
    meeting.minutes_note = note.strip()
    meeting.status = Meeting.Status.VASTGESTELD
    meeting.minutes_adopted_at = timezone.now()
    meeting.save()
    audit.record("meeting.minutes_adopted", actor=by, target=meeting)
    return meeting


# --- execution and accountability ----------------------------------------------------------------

@transaction.atomic
def start_execution(*, by, proposal: Proposal) -> Proposal:
    locked = _lock(proposal)
    rights.require(by, "financiering.report", locked)
    _move(proposal=locked, to=State.IN_UITVOERING, by=by)
    return locked


@transaction.atomic
def save_final_report(*, by, proposal: Proposal, text: str) -> Proposal:
    locked = _lock(proposal)
    rights.require(by, "financiering.report", locked)
    if locked.state != State.IN_UITVOERING:
        raise ValidationError(_("De verantwoording hoort bij een voorstel in uitvoering."))
    if not text.strip():
        raise ValidationError({"final_report": _("Schrijf wat er met het geld is gedaan en wat het heeft opgeleverd.")})
    locked.final_report = text.strip()
    _touch(locked)
    locked.save()
    audit.record("proposal.final_report", actor=by, target=locked)
    return locked
