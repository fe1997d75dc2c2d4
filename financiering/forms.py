"""Forms of the funding pages: proposals, amounts, co-financing, checks, advice, conflicts and funds.

Forms only parse and label input; the rules (periods, budgets, states, rights) live in
``financiering.services`` and come back as ``ValidationError``s that ``add_service_errors`` puts on
the matching field, so the person sees each message next to the input it is about.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actielijnen.models import Actielijn
from domains.models import Body, Opbrengst, Organisation, Seat
from financiering.models import CRITERIA, CoFinancing, Conflict, Fund, Proposal, Review
from samennw import rights
from samennw.forms import add_service_errors  # noqa: F401 - the views call it as forms.add_service_errors

TEXT_FIELDS = ("title", "purpose", "existing_means", "contribution", "changes_the_rule", "resident_ownership", "learning", "exit_route")


class AmountField(forms.Field):
    """An amount in euros as people type it: 40000, 40.000 or 40.000,50 (Dutch) or 40000.50."""

    default_error_messages = {
        "invalid": _("Vul een bedrag in cijfers in, bijvoorbeeld 40000 of 40.000,00."),
    }

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"})

    def to_python(self, value):
        value = str(value).strip() if value is not None else ""
        if value in self.empty_values:
            return None
        if len(value) > 20:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        text = value.replace("€", "").replace(" ", "").replace("\u00a0", "")
        if not re.fullmatch(r"-?[0-9.,]+", text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if "," in text:  # Dutch: dots group thousands, the comma is the decimal sign
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1 or re.fullmatch(r"-?[0-9]{1,3}(\.[0-9]{3})+", text):
            text = text.replace(".", "")
        try:
            return Decimal(text)
        except InvalidOperation as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


def _radio() -> forms.RadioSelect:
    return forms.RadioSelect(attrs={"class": "utrecht-radio-button utrecht-radio-button--html-input"})


def _checkboxes() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"})


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def _model_text_field(name: str, *, required: bool = False) -> forms.Field:
    field = Proposal._meta.get_field(name).formfield()
    field.required = required
    field.label = str(field.label)[:1].upper() + str(field.label)[1:]
    return field


# --- proposals -----------------------------------------------------------------------------------

def bodies_for(user):
    """The opgaveteams and werkgroepen a person may submit for: their own seats; the programme team: any."""
    qs = Body.objects.filter(kind__in=[Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP], domain__isnull=False, is_active=True)
    if rights.is_programmateam(user):
        return qs.select_related("domain").order_by("name")
    return qs.filter(pk__in=[seat.body_id for seat in rights.active_seats(user)]).select_related("domain").order_by("name")


class ProposalCreateForm(forms.Form):
    body = forms.ModelChoiceField(
        label=_("Ingediend door (opgaveteam of werkgroep)"),
        queryset=Body.objects.none(),
        error_messages={"required": _("Kies het opgaveteam of de werkgroep die het voorstel indient.")},
    )
    title = forms.CharField(label=_("Titel"), max_length=200, error_messages={"required": _("Geef het voorstel een titel.")})
    purpose = forms.CharField(
        label=_("Doel (openbaar na toekenning)"),
        widget=_textarea(3),
        max_length=3000,
        help_text=Proposal._meta.get_field("purpose").help_text,
        error_messages={"required": _("Beschrijf in twee of drie zinnen wat het geld mogelijk maakt.")},
    )
    actielijnen = forms.ModelMultipleChoiceField(
        label=_("Actielijnen"),
        queryset=Actielijn.objects.none(),
        widget=_checkboxes(),
        help_text=_("De actielijnen van het domein waar dit voorstel aan bijdraagt."),
        error_messages={"required": _("Kies minstens één actielijn.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bodies = bodies_for(user)
        self.fields["body"].queryset = bodies
        self.fields["actielijnen"].queryset = (
            Actielijn.objects.filter(domain__in=bodies.values("domain")).select_related("domain").order_by("domain__name", "title")
        )
        self.fields["actielijnen"].label_from_instance = lambda card: f"{card.domain.name}: {card.title}"

    def clean(self):
        data = super().clean()
        body, cards = data.get("body"), data.get("actielijnen")
        if body and cards and any(card.domain_id != body.domain_id for card in cards):
            self.add_error("actielijnen", _("Kies alleen actielijnen van het domein van %(body)s.") % {"body": body.name})
        return data


class ProposalEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, proposal: Proposal, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TEXT_FIELDS:
            self.fields[name] = _model_text_field(name, required=name in ("title", "purpose"))
            if name != "title":
                self.fields[name].widget = _textarea(4)
        self.fields["title"].error_messages["required"] = _("Geef het voorstel een titel.")
        self.fields["purpose"].error_messages["required"] = _("Beschrijf in twee of drie zinnen wat het geld mogelijk maakt.")
        self.fields["actielijnen"] = forms.ModelMultipleChoiceField(
            label=_("Actielijnen"),
            queryset=Actielijn.objects.filter(domain=proposal.domain_id).order_by("title"),
            widget=_checkboxes(),
            error_messages={"required": _("Kies minstens één actielijn.")},
        )
        self.fields["opbrengsten"] = forms.ModelMultipleChoiceField(
            label=_("Opbrengsten"),
            queryset=Opbrengst.objects.filter(opdracht__domain=proposal.domain_id).select_related("opdracht"),
            widget=_checkboxes(),
            required=False,
            help_text=_("Aan welke opbrengst van het uitvoeringsprogramma draagt dit voorstel bij?"),
        )

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class LineForm(forms.Form):
    fund = forms.ModelChoiceField(label=_("Fonds"), queryset=Fund.objects.none(), error_messages={"required": _("Kies een fonds.")})
    year = forms.IntegerField(
        label=_("Jaar"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Vul een jaar in."),
            "invalid": _("Vul een jaar in cijfers in, bijvoorbeeld 2026."),
            "min_value": _("Vul een jaar in cijfers in, bijvoorbeeld 2026."),
            "max_value": _("Vul een jaar in cijfers in, bijvoorbeeld 2026."),
        },
    )
    amount = AmountField(label=_("Gevraagd bedrag (€)"), error_messages={"required": _("Vul een bedrag in.")})

    def __init__(self, *args, funds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fund"].queryset = funds if funds is not None else Fund.objects.filter(is_active=True)
        self.fields["year"].widget.attrs["class"] = "snw-field__input--short"


class CoFinancingForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Partner"), queryset=Organisation.objects.order_by("name"), error_messages={"required": _("Kies een partner.")}
    )
    # The select always has a value; with it as the initial, an untouched extra row counts as empty and is skipped.
    kind = forms.ChoiceField(
        label=_("Soort"), choices=CoFinancing.Kind.choices, initial=CoFinancing.Kind.CASH,
        error_messages={"required": _("Kies geld of in natura.")},
    )
    amount = AmountField(label=_("Waarde (€)"), error_messages={"required": _("Vul een bedrag in.")})
    description = forms.CharField(label=_("Omschrijving"), max_length=300, required=False)


class BaseRowFormSet(forms.BaseFormSet):
    """Rows left empty are skipped; rows marked for removal are dropped."""

    def __init__(self, *args, form_kwargs=None, **kwargs):
        super().__init__(*args, form_kwargs=form_kwargs or {}, **kwargs)

    def rows(self) -> list[dict]:
        out = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            out.append({k: v for k, v in data.items() if k != "DELETE"})
        return out


LineFormSet = forms.formset_factory(LineForm, formset=BaseRowFormSet, extra=2, can_delete=True, max_num=40, validate_max=True)
CoFinancingFormSet = forms.formset_factory(
    CoFinancingForm, formset=BaseRowFormSet, extra=2, can_delete=True, max_num=40, validate_max=True
)


class PartiesForm(forms.Form):
    applicants = forms.ModelMultipleChoiceField(
        label=_("Aanvragers en uitvoerders"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("De organisaties die het werk dragen. Houd Ctrl (of Cmd) ingedrukt om er meer te kiezen."),
    )
    beneficiaries = forms.ModelMultipleChoiceField(
        label=_("Begunstigden"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("De organisaties die geld of inzet ontvangen. Gebruikt om mogelijke belangenconflicten te signaleren."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["size"] = 8


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Bestand"),
        help_text=_("PDF, ODT of DOCX, hooguit 10 MB."),
        error_messages={"required": _("Kies een bestand."), "empty": _("Het bestand is leeg.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".pdf,.odt,.docx,application/pdf"


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    over_budget_reason = forms.CharField(
        label=_("Reden om boven het resterende budget te vragen"),
        widget=_textarea(3),
        required=False,
        max_length=3000,
        help_text=Proposal._meta.get_field("over_budget_reason").help_text,
    )


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Toelichting"), widget=_textarea(2), required=False, max_length=3000)


class CheckForm(forms.Form):
    kind = forms.CharField(widget=forms.HiddenInput)
    fund = forms.ModelChoiceField(queryset=Fund.objects.all(), to_field_name="slug", required=False, widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[("akkoord", _("Akkoord")), ("niet-akkoord", _("Niet akkoord"))],
        widget=_radio(),
        error_messages={"required": _("Kies akkoord of niet akkoord.")},
    )
    note = forms.CharField(
        label=_("Toelichting"), widget=_textarea(2), required=False, max_length=3000, help_text=_("Verplicht bij niet akkoord.")
    )


def reviewer_candidates():
    """Active people with at least one active seat, by name."""
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=Seat.objects.active(today).values("user_id"))
        .order_by("display_name", "username")
    )


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Adviseur"), queryset=get_user_model().objects.none(), error_messages={"required": _("Kies een adviseur.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewer_candidates()


def _score_text(label) -> str:
    return gettext("Geef een score van 1 tot 5 voor ‘%(c)s’.") % {"c": label}


_score_message = lazy(_score_text, str)


class ReviewForm(forms.Form):
    """A score of 1 to 5 and a text per criterion (models.CRITERIA), then the overall advice."""

    recommendation = forms.ChoiceField(
        label=_("Eindadvies"), choices=Review.Recommendation.choices, widget=_radio(),
        error_messages={"required": _("Kies een eindadvies.")},
    )
    text = forms.CharField(
        label=_("Toelichting op je eindadvies"), widget=_textarea(5), max_length=10000,
        error_messages={"required": _("Licht je eindadvies toe.")},
    )

    SCORES = [(str(n), str(n)) for n in range(1, 6)]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for code, label in CRITERIA:
            fields[f"score_{code}"] = forms.ChoiceField(
                label=label, choices=self.SCORES, widget=_radio(),
                error_messages={"required": _score_message(label)},
            )
            fields[f"text_{code}"] = forms.CharField(
                label=format_lazy("{}: {}", _("Toelichting"), label), widget=_textarea(3), required=False, max_length=5000
            )
        self.fields = {**fields, **self.fields}

    def criteria(self) -> list[tuple]:
        return [(code, label, self[f"score_{code}"], self[f"text_{code}"]) for code, label in CRITERIA]

    def scores(self) -> dict[str, dict]:
        return {
            code: {"score": self.cleaned_data.get(f"score_{code}") or None, "text": self.cleaned_data.get(f"text_{code}", "")}
            for code, _label in CRITERIA
        }


class DeclareConflictForm(forms.Form):
    context = forms.ChoiceField(
        label=_("Bij"), choices=Conflict.Context.choices, widget=_radio(),
        error_messages={"required": _("Kies bij advies of bij het besluit.")},
    )
    grounds = forms.CharField(
        label=_("Waarom kan er een belangenconflict zijn?"),
        widget=_textarea(3),
        max_length=3000,
        error_messages={"required": _("Beschrijf kort waarom er een belangenconflict kan zijn.")},
    )

    def __init__(self, *args, contexts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if contexts is not None:
            self.fields["context"].choices = [c for c in Conflict.Context.choices if c[0] in contexts]
            if len(contexts) == 1:
                self.fields["context"].initial = next(iter(contexts))


class DecideConflictForm(forms.Form):
    confirmed = forms.ChoiceField(
        label=_("Besluit"),
        choices=[("ja", _("Bevestigen: doet niet mee")), ("nee", _("Geen belangenconflict"))],
        widget=_radio(),
        error_messages={"required": _("Kies bevestigen of geen belangenconflict.")},
    )
    reason = forms.CharField(label=_("Reden"), widget=_textarea(2), required=False, max_length=3000)


class FinalReportForm(forms.Form):
    text = forms.CharField(
        label=_("Verantwoording"),
        widget=_textarea(8),
        required=False,
        max_length=20000,
        help_text=_("Wat is er met het geld gedaan en wat heeft het opgeleverd?"),
    )
    file = forms.FileField(label=_("Bijlage bij de verantwoording"), required=False, help_text=_("PDF, ODT of DOCX, hooguit 10 MB."))


# --- funds ---------------------------------------------------------------------------------------

FUND_FIELDS = ["slug", "name", "source", "scope", "first_year", "last_year", "total_text", "rules", "notes", "source_ref", "is_temporary", "is_active"]


class FundForm(forms.ModelForm):
    class Meta:
        model = Fund
        fields = FUND_FIELDS
        widgets = {"rules": _textarea(5), "notes": _textarea(3)}
        error_messages = {
            "slug": {"required": _("Geef een code."), "invalid": _("Gebruik alleen kleine letters, cijfers en streepjes.")},
            "name": {"required": _("Geef het fonds een naam.")},
            "source": {"required": _("Vul in wie het geld beschikbaar stelt.")},
            "first_year": {"required": _("Vul het eerste jaar in."), "invalid": _("Vul een jaar in cijfers in, bijvoorbeeld 2026.")},
            "last_year": {"required": _("Vul het laatste jaar in."), "invalid": _("Vul een jaar in cijfers in, bijvoorbeeld 2026.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = str(field.label)[:1].upper() + str(field.label)[1:]
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("De code blijft vast.")

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("Het laatste jaar ligt vóór het eerste jaar."))
        return data

    def _post_clean(self):
        """Nothing here: ``services.save_fund`` runs the model validation (uniqueness included) when it
        saves, and its errors come back on the fields."""


class FundYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Jaar"),
        error_messages={"required": _("Vul een jaar in."), "invalid": _("Vul een jaar in cijfers in, bijvoorbeeld 2026.")},
    )
    available = AmountField(label=_("Beschikbaar (€)"), error_messages={"required": _("Vul een bedrag in.")})
    note = forms.CharField(label=_("Toelichting"), max_length=300, required=False)

    def clean_available(self):
        amount = self.cleaned_data["available"]
        if amount is not None and amount < 0:
            raise ValidationError(_("Het beschikbare bedrag kan niet negatief zijn."))
        return amount

