"""Forms of the card, one per section of the Bijlage 3 format (002:1722-1737)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from actielijnen.models import Actielijn, Mijlpaal
from actielijnen.translation import CARD_TEXT_FIELDS
from domains.models import Body, Opbrengst

# section slug → (heading, model fields). Text fields get a Dutch and an English input.
SECTIONS: dict[str, tuple[object, tuple[str, ...]]] = {
    "doel": (_("Actielijn en doel"), ("title", "goal", "smart", "opbrengsten")),
    "trekkers": (
        _("Trekkers, contactpersoon en betrokken partijen"),
        ("aanvoerder", "trekkers", "trekker_organisations", "contact", "partners"),
    ),
    "plaats": (_("Opgaveteam en focusbuurten"), ("opgaveteam", "focusbuurten")),
    "eigenaarschap": (_("Eigenaarschap bewoners"), ("resident_ownership",)),
    "probleem": (_("Wat lossen we op?"), ("problem", "must_change", "current_state")),
    "werkwijze": (_("Werkwijze"), ("way_of_working",)),
    "resultaat": (_("Resultaat"), ("result", "learning", "monitoring")),
    "voorwaarden": (
        _("Voorwaarden en risico's"),
        ("risks", "money", "people_needed", "time_needed", "policy_changes"),
    ),
}


def form_fields(section: str) -> list[str]:
    """The model fields of a section, with text fields split per language."""
    out: list[str] = []
    for name in SECTIONS[section][1]:
        if name in CARD_TEXT_FIELDS:
            out += [f"{name}_nl", f"{name}_en"]
        else:
            out.append(name)
    return out


def missing_translations(card: Actielijn) -> list[str]:
    """Labels of text fields that have Dutch text but no English translation."""
    missing = []
    for name in CARD_TEXT_FIELDS:
        if (getattr(card, f"{name}_nl") or "").strip() and not (getattr(card, f"{name}_en") or "").strip():
            missing.append(str(Actielijn._meta.get_field(name).verbose_name))
    return missing


class SectionForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Actielijn
        fields: list[str] = []

    def __init__(self, *args, section: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.section = section
        card = self.instance
        if "opbrengsten" in self.fields:
            self.fields["opbrengsten"].queryset = Opbrengst.objects.filter(opdracht__domain=card.domain_id).select_related("opdracht")
            self.fields["opbrengsten"].widget = forms.CheckboxSelectMultiple(choices=self.fields["opbrengsten"].choices)
        if "opgaveteam" in self.fields:
            self.fields["opgaveteam"].queryset = Body.objects.filter(
                kind__in=[Body.Kind.OPGAVETEAM, Body.Kind.WERKGROEP], domain=card.domain_id
            )
        users = get_user_model().objects.filter(is_active=True).order_by("display_name", "username")
        for name in ("aanvoerder", "trekkers"):
            if name in self.fields:
                self.fields[name].queryset = users
        for name in ("focusbuurten", "partners", "trekker_organisations", "trekkers"):
            if name in self.fields:
                self.fields[name].widget.attrs["size"] = 8
        for name, field in self.fields.items():
            if name.endswith("_en"):
                field.label = f"{field.label} (English)"
                field.required = False
            elif name.endswith("_nl"):
                field.label = f"{field.label} (Nederlands)"
        if "title_nl" in self.fields:
            self.fields["title_nl"].required = True
            self.fields["title_nl"].error_messages["required"] = _("Een actielijn heeft een titel.")

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def section_form_class(section: str) -> type[SectionForm]:
    return forms.modelform_factory(Actielijn, form=SectionForm, fields=form_fields(section))


class StatusUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Stand van zaken"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Schrijf wat de stand van zaken is.")},
    )
    text_en = forms.CharField(label=_("Stand van zaken (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Mijlpaal
        fields = ["title_nl", "title_en", "starts_on", "due_on", "state", "progress"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 5}),
        }
        error_messages = {
            "title_nl": {"required": _("Geef de mijlpaal een naam.")},
            "due_on": {"required": _("Geef een datum waarop de mijlpaal gereed is."), "invalid": _("Vul een geldige datum in.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_nl"].required = True
        self.fields["title_nl"].label = _("Mijlpaal")
        self.fields["title_en"].label = _("Mijlpaal (English)")
        self.fields["title_en"].required = False


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Reactie"), widget=forms.Textarea(attrs={"rows": 3}), max_length=3000,
        error_messages={"required": _("Een lege reactie kan niet worden geplaatst.")},
    )


class MoveForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class CreateCardForm(forms.Form):
    domain = forms.ModelChoiceField(label=_("Domein"), queryset=None, error_messages={"required": _("Kies een domein.")})
    title = forms.CharField(label=_("Actielijn"), max_length=200, error_messages={"required": _("Een actielijn heeft een titel.")})
    code = forms.SlugField(
        label=_("Code"),
        max_length=80,
        help_text=_("Kleine letters, cijfers en streepjes; blijft vast, ook als de titel verandert."),
        error_messages={"required": _("Geef een code."), "invalid": _("Gebruik alleen kleine letters, cijfers en streepjes.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from domains.models import Domain

        self.fields["domain"].queryset = Domain.objects.order_by("name")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Actielijn.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Er is al een actielijn met deze code."))
        return code
