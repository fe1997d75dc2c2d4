"""Forms of the "Leden en zetels" pages and the partner-kind decision.

The forms check what a person typed; the rules (a seat ends after it starts, no second seat of the same
kind at the same time, a reason for every side change or kind decision) live in ``domains.services`` and
come back as ``ValidationError``s that ``add_service_errors`` puts next to the field they are about.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from domains.models import Body, Organisation, Seat
from samennw.forms import add_service_errors  # noqa: F401 - the views call it as forms.add_service_errors


def _date(label, *, error_messages=None, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Vul een geldige datum in, bijvoorbeeld 2026-03-01."), **(error_messages or {})},
        **kwargs,
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})"


class AssignSeatForm(forms.Form):
    user = PersonChoiceField(
        label=_("Persoon"),
        queryset=get_user_model().objects.none(),
        error_messages={
            "required": _("Kies de persoon die de zetel krijgt."),
            "invalid_choice": _("Deze persoon is niet bekend in het portaal (of het account is niet actief)."),
        },
    )
    organisation = forms.ModelChoiceField(
        label=_("Namens organisatie"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Aan de tafel van een netwerkgroep volgt de kant (formeel of informeel) uit de soort organisatie."),
        error_messages={"invalid_choice": _("Deze organisatie is niet bekend in het portaal.")},
    )
    role = forms.ChoiceField(
        label=_("Rol"),
        choices=Seat.Role.choices,
        error_messages={"required": _("Kies een rol."), "invalid_choice": _("Kies een rol uit de lijst.")},
    )
    board_seat = forms.ChoiceField(
        label=_("Zetel in het bestuur"),
        choices=[("", _("geen getypeerde zetel")), *Seat.BoardSeat.choices],
        required=False,
        error_messages={"invalid_choice": _("Kies een bestuurszetel uit de lijst.")},
    )
    starts_on = _date(_("Vanaf"), error_messages={"required": _("Vul de datum in waarop de zetel begint.")})
    ends_on = _date(_("Tot en met"), required=False, help_text=_("Leeg laten als het einde nog niet vaststaat."))

    def __init__(self, *args, body: Body, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = get_user_model().objects.filter(is_active=True).order_by("display_name", "username")
        if body.kind != Body.Kind.ALLIANTIEBESTUUR:
            del self.fields["board_seat"]

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("De einddatum ligt vóór de begindatum; een zetel eindigt niet voordat hij begint."))
        return data


class EndSeatForm(forms.Form):
    ends_on = _date(_("Laatste dag"), error_messages={"required": _("Vul de laatste dag van de zetel in.")})


class SeatSideForm(forms.Form):
    side = forms.ChoiceField(
        label=_("Kant aan tafel"),
        choices=Seat.Side.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies formeel of informeel."), "invalid_choice": _("Kies formeel of informeel.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Geef een reden voor de wijziging.")},
    )


class OrganisationKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Soort partner"),
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies formeel of informeel."), "invalid_choice": _("Kies formeel of informeel.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=3000,
        help_text=_("Waarom deze organisatie formeel of informeel is: de grens ligt niet vast."),
        error_messages={"required": _("Geef een reden voor het besluit.")},
    )
    decided_by_body = forms.CharField(
        label=_("Besloten door (orgaan)"), max_length=200, required=False,
        help_text=_("Bijvoorbeeld het alliantiebestuur, als het besluit daar is genomen."),
    )
