"""Forms of the board-meeting pages: the meeting, its agenda, attendance, conflicts and decisions.

The forms only parse input; the rules (gates, quorum, amounts, reasons) live in ``services`` and
their ValidationErrors are put back on these forms by ``add_service_error``.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from financiering.models import Attendance, Decision, Proposal, dutch_amount

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_error(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names, else at the top."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            field = aliases.get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class MeetingForm(forms.Form):
    date = forms.DateField(
        label=_("Datum"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Kies de datum van de vergadering."), "invalid": _("Vul een geldige datum in.")},
    )
    location = forms.CharField(label=_("Plaats"), max_length=200, required=False)


class AgendaItemForm(forms.Form):
    title = forms.CharField(
        label=_("Onderwerp"), max_length=200, error_messages={"required": _("Geef het agendapunt een onderwerp.")}
    )
    note = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class PutOnAgendaForm(forms.Form):
    proposal = forms.ModelChoiceField(
        label=_("Voorstel met advies"),
        queryset=Proposal.objects.none(),
        to_field_name="reference",
        empty_label=_("Kies een voorstel"),
        error_messages={
            "required": _("Kies het voorstel dat op de agenda komt."),
            "invalid_choice": _("Dit voorstel kan niet op de agenda: het heeft (nog) niet de status advies."),
        },
    )

    def __init__(self, *args, proposals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].queryset = proposals
        self.fields["proposal"].label_from_instance = lambda p: f"{p.reference} · {p.title}"


class AttendanceForm(forms.Form):
    """One choice per seat of the meeting (``seat_<id>``)."""

    def __init__(self, *args, rows: list[Attendance], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"seat_{row.seat_id}"] = forms.ChoiceField(
                label=str(row.seat.user),
                choices=Attendance.Presence.choices,
                initial=row.presence,
                error_messages={"required": _("Kies aanwezig, afwezig of niet bekend."), "invalid_choice": _("Kies aanwezig, afwezig of niet bekend.")},
            )

    def presence(self) -> dict[int, str]:
        return {row.seat_id: self.cleaned_data[f"seat_{row.seat_id}"] for row in self.rows}

    def pairs(self):
        """(attendance row, bound field) for the table."""
        return [(row, self[f"seat_{row.seat_id}"]) for row in self.rows]


class ConflictDecisionForm(forms.Form):
    CONFIRM = "bevestigd"
    DISMISS = "afgewezen"

    verdict = forms.ChoiceField(
        label=_("Besluit van de voorzitter"),
        widget=forms.RadioSelect,
        choices=[
            (CONFIRM, _("Belangenconflict: doet niet mee aan dit besluit")),
            (DISMISS, _("Geen belangenconflict: doet mee")),
        ],
        error_messages={"required": _("Kies of er een belangenconflict is.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Geef een reden voor je besluit over dit belangenconflict.")},
    )

    @property
    def confirmed(self) -> bool:
        return self.cleaned_data["verdict"] == self.CONFIRM


class DecisionForm(forms.Form):
    """The board's decision on one proposal; one amount field per fund and year that was asked."""

    outcome = forms.ChoiceField(
        label=_("Besluit"),
        widget=forms.RadioSelect,
        choices=Decision.Outcome.choices,
        error_messages={"required": _("Kies toekennen, afwijzen of aanhouden."), "invalid_choice": _("Kies toekennen, afwijzen of aanhouden.")},
    )
    conditions = forms.CharField(
        label=_("Voorwaarden"), help_text=_("Bij toekennen: waar de indieners zich aan houden."),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000,
    )
    reason = forms.CharField(
        label=_("Motivering"), help_text=_("Verplicht bij afwijzen; de indieners krijgen die te lezen."),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000,
    )
    questions = forms.CharField(
        label=_("Vragen aan de indieners"), help_text=_("Verplicht bij aanhouden."),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000,
    )
    mode = forms.ChoiceField(
        label=_("Wijze van besluiten"), widget=forms.RadioSelect, choices=Decision.Mode.choices, initial=Decision.Mode.CONSENSUS,
        error_messages={"required": _("Kies consensus of stemming.")},
    )
    votes_for = forms.IntegerField(
        label=_("Stemmen voor"), required=False, min_value=0, max_value=100,
        error_messages={"invalid": _("Vul een heel getal in."), "min_value": _("Het aantal stemmen kan niet negatief zijn.")},
    )
    votes_against = forms.IntegerField(
        label=_("Stemmen tegen"), required=False, min_value=0, max_value=100,
        error_messages={"invalid": _("Vul een heel getal in."), "min_value": _("Het aantal stemmen kan niet negatief zijn.")},
    )
    over_budget_reason = forms.CharField(
        label=_("Reden om boven het resterende budget toe te kennen"),
        help_text=_("Alleen nodig als een toegekend bedrag meer is dan wat het fonds in dat jaar nog heeft."),
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000,
    )

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        self.asked = list(proposal.lines.all())
        self.amount_names = []
        for line in self.asked:
            name = f"amount_{line.fund_id}_{line.year}"
            self.amount_names.append(name)
            self.fields[name] = forms.DecimalField(
                label=_("%(fund)s %(year)s: toegekend bedrag (€)") % {"fund": line.fund.name, "year": line.year},
                help_text=_("Gevraagd: € %(amount)s. Een lager bedrag mag.") % {"amount": dutch_amount(line.amount)},
                initial=line.amount,
                required=False,
                max_digits=12,
                decimal_places=2,
                localize=True,
                error_messages={
                    "invalid": _("Vul een bedrag in, bijvoorbeeld 35000 of 35000,50."),
                    "max_digits": _("Dit bedrag is te groot; controleer het."),
                    "max_decimal_places": _("Gebruik hooguit twee decimalen."),
                    "max_whole_digits": _("Dit bedrag is te groot; controleer het."),
                },
            )

    def amount_fields(self):
        return [self[name] for name in self.amount_names]

    def lines(self) -> list[dict]:
        out = []
        for line, name in zip(self.asked, self.amount_names, strict=True):
            amount = self.cleaned_data.get(name)
            out.append({"fund": line.fund, "year": line.year, "amount": amount if amount is not None else Decimal("0")})
        return out

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "reason": data["reason"],
            "conditions": data["conditions"],
            "questions": data["questions"],
            "mode": data["mode"],
            "votes_for": data["votes_for"],
            "votes_against": data["votes_against"],
            "lines": self.lines() if data["outcome"] == Decision.Outcome.TOEGEKEND else None,
            "over_budget_reason": data["over_budget_reason"],
        }

    def add_service_error(self, exc: ValidationError) -> None:
        add_service_error(self, exc, aliases={"lines": self.amount_names[0] if self.amount_names else ""})


class AdoptForm(forms.Form):
    note = forms.CharField(
        label=_("Aanvulling op de besluitenlijst"),
        help_text=_("Bijvoorbeeld een afspraak die geen besluit over een voorstel is."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )
