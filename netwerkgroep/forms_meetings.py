"""Forms of the netwerkgroep's meetings: move and cancel, the agenda, meeting mode, retention, statistics.

The forms only parse input; the rules (who may, reasons, the PII guard, deadlines, holding back once)
live in ``netwerkgroep.services`` and their ValidationErrors are put back on these forms with
``add_service_error``, so the Dutch message appears next to the field it is about.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from domains.models import Organisation, Seat
from netwerkgroep.models import Agreement, Case

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Vul een geldige datum in.")}


def add_service_error(form: forms.Form, exc: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names, else at the top."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for key, errors in exc.error_dict.items():
            field = aliases.get(key, key)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class MoveForm(forms.Form):
    date = forms.DateField(
        label=_("Nieuwe datum"), widget=DATE_WIDGET, error_messages={"required": _("Kies de nieuwe datum."), **DATE_ERRORS}
    )
    reason = forms.CharField(
        label=_("Reden"), max_length=300, error_messages={"required": _("Geef een reden voor het verplaatsen.")},
        help_text=_("Zonder namen of andere gegevens over een huishouden."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"), max_length=300, error_messages={"required": _("Geef een reden voor het annuleren.")},
        help_text=_("Zonder namen of andere gegevens over een huishouden."),
    )


class AgendaAddForm(forms.Form):
    case = forms.ModelChoiceField(
        label=_("Open casus"),
        queryset=Case.objects.none(),
        to_field_name="code",
        empty_label=_("Kies een casus"),
        error_messages={
            "required": _("Kies de casus die op de agenda komt."),
            "invalid_choice": _("Deze casus kan niet op deze agenda."),
        },
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases
        self.fields["case"].label_from_instance = lambda case: f"{case.code} · {case.get_status_display()}"


class StartForm(forms.Form):
    """Who sits at the table, and the regisseur's confirmation on their behalf (DECISIONS 13b)."""

    present = forms.TypedMultipleChoiceField(
        label=_("Aanwezig"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Kies wie er aan tafel zitten."),
            "invalid_choice": _("Kies alleen leden van deze netwerkgroep."),
        },
    )
    confirmed = forms.BooleanField(
        label=_("De aanwezigen hebben de geheimhoudingsverklaring bevestigd."),
        error_messages={"required": _("Bevestig dat de aanwezigen de geheimhoudingsverklaring hebben bevestigd.")},
    )

    def __init__(self, *args, seats: list[Seat], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(seat.pk, seat_label(seat)) for seat in seats]


def seat_label(seat: Seat) -> str:
    name = seat.user.display_name or seat.user.get_username()
    org = seat.organisation.name if seat.organisation_id else ""
    return f"{name} · {org} · {seat.get_role_display()}" if org else f"{name} · {seat.get_role_display()}"


class DiscussionForm(forms.Form):
    summary = forms.CharField(
        label=_("Samenvatting van de bespreking"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("Zonder namen, adressen, geboortedata, telefoonnummers of e-mailadressen."),
    )
    review_on = forms.DateField(label=_("Volgende bespreking uiterlijk"), widget=DATE_WIDGET, required=False, error_messages=DATE_ERRORS)


class AgreementForm(forms.Form):
    """One afspraak; a form left wholly empty is skipped (``has_changed``)."""

    text = forms.CharField(
        label=_("Afspraak"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
        error_messages={"required": _("Schrijf op wat er is afgesproken.")},
    )
    owner_org = forms.ModelChoiceField(
        label=_("Eigenaar (organisatie)"),
        queryset=Organisation.objects.none(),
        to_field_name="slug",
        empty_label=_("Kies een organisatie aan tafel"),
        error_messages={
            "required": _("Kies de organisatie die de afspraak uitvoert."),
            "invalid_choice": _("Deze organisatie zit niet aan tafel in deze netwerkgroep."),
        },
    )
    owner = forms.TypedChoiceField(label=_("Eigenaar (persoon)"), required=False, coerce=int, empty_value=None)
    deadline = forms.DateField(
        label=_("Uiterlijk"), widget=DATE_WIDGET,
        error_messages={"required": _("Geef een datum waarop de afspraak uiterlijk is uitgevoerd."), **DATE_ERRORS},
    )
    household = forms.ChoiceField(
        label=_("Besproken met het huishouden"), choices=Agreement.Household.choices, initial=Agreement.Household.NVT
    )

    def __init__(self, *args, organisations, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].queryset = organisations
        self.fields["owner"].choices = [("", _("Geen persoon gekozen")), *people]

    def has_changed(self) -> bool:
        # The household choice has a default; only typed input makes this an agreement.
        return any(name in self.changed_data for name in ("text", "owner_org", "owner", "deadline"))


AGREEMENT_FORMS = 3


def agreement_forms(data=None, *, organisations, people) -> list[AgreementForm]:
    """Three blank agreement forms (prefixes ``afspraak-1`` …) in the meeting mode page; without JavaScript."""
    return [
        AgreementForm(data, organisations=organisations, people=people, prefix=f"afspraak-{n}")
        for n in range(1, AGREEMENT_FORMS + 1)
    ]


class HoldBackForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden om langer te bewaren"), max_length=300,
        error_messages={"required": _("Geef een reden om deze casus langer te bewaren.")},
    )


class StatsForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Jaar"), coerce=int)
    quarter = forms.TypedChoiceField(
        label=_("Kwartaal"), coerce=int, required=False, empty_value=None,
        choices=[("", _("Heel het jaar")), (1, "Q1"), (2, "Q2"), (3, "Q3"), (4, "Q4")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, 2024, -1)]
        self.fields["year"].initial = this_year
