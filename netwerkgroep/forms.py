"""Forms of the case pages. They only shape input: the services decide, and their Dutch
``ValidationError``s (the PII guard's included) are put back on the field they name with ``add_errors``.

Field names follow the services' error keys (``question``, ``consent_given_on``, ``owner_org``, ...), so
an error lands next to the input that caused it. Checkbox and radio groups render as fieldsets.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from netwerkgroep import pii
from netwerkgroep.models import Agreement, Bouwsteen, Case, Consent, Note

ROLE_CHOICES = [
    ("slachtoffer", _("Slachtoffer")),
    ("pleger", _("Pleger")),
    ("kind", _("Kind")),
    ("omstander", _("Omstander")),
]
TEXT_FIELDS = ("question", "tried", "stuck_on", "involved", "consent_scope", "consent_household_wishes")


def _date(**kwargs) -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)


def _text(label, *, required: bool = False, help_text: str = "", rows: int = 4) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows}))


def _count(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=20, initial=0)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the named field where the form has one, else form-wide."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _guard(form: forms.Form, names) -> None:
    """The PII guard at once, next to the field, even when another field is still missing; the service
    checks again before saving."""
    for name in names:
        value = form.cleaned_data.get(name)
        if name in form.fields and isinstance(value, str) and name not in form.errors:
            try:
                pii.check_text(value, field_label=str(form.fields[name].label))
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(name, message)


class ConsentFields(forms.Form):
    """The household's consent as a record (DECISIONS 10)."""

    def clean(self):
        cleaned = super().clean()
        _guard(self, ("consent_scope", "consent_household_wishes"))
        return cleaned

    consent_given_on = _date(label=_("Datum van de toestemming"), required=False)
    consent_form = forms.ChoiceField(label=_("Vorm van de toestemming"), choices=Consent.Form.choices, widget=forms.RadioSelect)
    consent_scope = _text(
        _("Wat mag besproken worden, en met wie"), required=True,
        help_text=_("Bijvoorbeeld: bespreken aan de tafel van de netwerkgroep, zonder namen."),
    )
    consent_household_wishes = _text(_("Wat wil het huishouden zelf, en in welk tempo"))

    def consent_data(self) -> dict:
        data = self.cleaned_data
        return {
            "given_on": data.get("consent_given_on"),
            "form": data.get("consent_form", ""),
            "scope": data.get("consent_scope", ""),
            "household_wishes": data.get("consent_household_wishes", ""),
        }


class CaseFields(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgentie"), choices=Case.Urgency.choices, initial=Case.Urgency.NORMAAL, widget=forms.RadioSelect)
    adults = forms.IntegerField(label=_("Volwassenen"), min_value=0, max_value=20, initial=1)
    children_0_4 = _count(_("Kinderen 0-4 jaar"))
    children_4_12 = _count(_("Kinderen 4-12 jaar"))
    children_12_18 = _count(_("Kinderen 12-18 jaar"))
    roles = forms.MultipleChoiceField(
        label=_("Wie zijn betrokken"), choices=ROLE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    bouwstenen = forms.MultipleChoiceField(
        label=_("Bouwstenen"), choices=Bouwsteen.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    question = _text(_("Vraag aan de tafel"), required=True, help_text=_("Wat wil je dat de netwerkgroep met je meedenkt of doet?"))
    tried = _text(_("Wat is al geprobeerd"))
    stuck_on = _text(_("Waar loopt het vast"))
    involved = _text(_("Wie is al betrokken"), help_text=_("Soorten organisaties, geen namen van hulpverleners."), rows=3)

    def clean(self):
        cleaned = super().clean()
        _guard(self, ("question", "tried", "stuck_on", "involved"))
        return cleaned

    def case_fields(self) -> dict:
        data = self.cleaned_data
        roles = set(data.get("roles") or [])
        fields = {name: data.get(name) for name in ("urgency", "adults", "children_0_4", "children_4_12", "children_12_18")}
        fields.update({f"has_{role}": role in roles for role, _label in ROLE_CHOICES})
        fields["bouwstenen"] = list(data.get("bouwstenen") or [])
        fields.update({name: (data.get(name) or "").strip() for name in ("question", "tried", "stuck_on", "involved")})
        return fields

    @staticmethod
    def initial_from(case: Case) -> dict:
        initial = {
            name: getattr(case, name)
            for name in ("urgency", "adults", "children_0_4", "children_4_12", "children_12_18", "question", "tried", "stuck_on", "involved")
        }
        initial["roles"] = [role for role, _label in ROLE_CHOICES if getattr(case, f"has_{role}")]
        initial["bouwstenen"] = list(case.bouwstenen)
        return initial

    def name_warnings(self) -> dict[str, str]:
        """Per text field, the guard's warning that it may hold a name (never blocking)."""
        warnings = {}
        for name in TEXT_FIELDS:
            if name in self.fields:
                warning = pii.name_warning(self.cleaned_data.get(name) or "")
                if warning:
                    warnings[name] = warning
        return warnings


class BringInForm(CaseFields, ConsentFields):
    # The page's order, so the error summary lists the errors as the person meets the fields.
    field_order = [
        "adults", "children_0_4", "children_4_12", "children_12_18", "roles", "bouwstenen", "urgency", "question", "tried",
        "stuck_on", "involved", "consent_given_on", "consent_form", "consent_scope", "consent_household_wishes", "names_checked",
    ]
    names_checked = forms.BooleanField(label=_("Ik heb gecontroleerd dat er geen namen in staan"), required=False)


class CaseEditForm(CaseFields):
    version = forms.IntegerField(widget=forms.HiddenInput)
    names_checked = forms.BooleanField(label=_("Ik heb gecontroleerd dat er geen namen in staan"), required=False)


class ConsentForm(ConsentFields):
    pass


class NoteForm(forms.Form):
    text = _text(_("Notitie"), required=True)
    visibility = forms.ChoiceField(label=_("Wie mag deze notitie zien"), choices=Note.Visibility.choices, initial=Note.Visibility.TAFEL, widget=forms.RadioSelect)

    def __init__(self, *args, formal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not formal:  # a formal-level note is for formal partners and the regisseur only (issue 6, item 7)
            self.fields["visibility"].choices = [c for c in Note.Visibility.choices if c[0] != Note.Visibility.FORMEEL]


class RedactForm(forms.Form):
    fragments = _text(
        _("Woorden om weg te halen"), rows=2,
        help_text=_("Eén per regel, bijvoorbeeld een naam. Leeg laten vervangt de hele tekst."),
    )

    def fragment_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("fragments") or "").splitlines() if line.strip()]


class AgreementForm(forms.Form):
    text = _text(_("Afspraak"), required=True, help_text=_("Wie doet wat; zonder namen van het huishouden."))
    owner_org = forms.ModelChoiceField(label=_("Eigenaar (organisatie)"), queryset=None, required=False)
    owner = forms.ModelChoiceField(label=_("Eigenaar (persoon)"), queryset=None, required=False)
    deadline = _date(label=_("Uiterlijk"), required=False)
    discussed_with_household = forms.ChoiceField(
        label=_("Besproken met het huishouden"), choices=Agreement.Household.choices, initial=Agreement.Household.NVT,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, organisations, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_org"].queryset = organisations
        self.fields["owner"].queryset = members


class AcceptForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Neem je deze afspraak aan?"), choices=[("ja", _("Ja, wij nemen haar aan")), ("nee", _("Nee, wij nemen haar niet aan"))],
        widget=forms.RadioSelect,
    )
    reason = _text(_("Waarom niet"), rows=2, help_text=_("Alleen nodig als je de afspraak niet aanneemt."))


class FinishForm(forms.Form):
    done = forms.ChoiceField(
        label=_("Hoe is het gegaan?"), choices=[("ja", _("Gedaan")), ("nee", _("Niet gelukt"))], widget=forms.RadioSelect
    )
    outcome = _text(_("Uitkomst"), rows=2, help_text=_("Verplicht als het niet gelukt is."))


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(label=_("Overdragen aan"), queryset=None, required=False)
    reason = _text(_("Reden van de overdracht"), required=True, rows=3)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = organisations


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reden van sluiten"), choices=Case.CloseReason.choices, widget=forms.RadioSelect)
    terugblik_on = _date(label=_("Terugblik op"), required=False, help_text=_("Wanneer kijkt de tafel terug op deze casus?"))
    lesson = _text(_("Geleerde les"), rows=3, help_text=_("Anoniem; blijft bewaard als de casus na twaalf maanden wordt verwijderd."))
    new_route = forms.BooleanField(label=_("Dit was een nieuwe route, buiten de gebaande paden"), required=False)
