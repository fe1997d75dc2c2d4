"""Forms for stories (with the persons as an inline formset) and for the public "Doe mee" form."""

from __future__ import annotations

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from monitoring.models import Verhaal, VerhaalPersoon
from monitoring.services import PERSON_FIELDS
from samennw.uploads import check_image

STORY_FIELDS = [
    "slug", "title_nl", "title_en", "title_variants", "domain", "focusbuurt", "neighbourhood_text", "story_date",
    "summary_nl", "summary_en", "body_nl", "body_en", "image_alt_nl", "image_alt_en", "image_credit", "is_hgkm", "source",
]


class StoryForm(forms.ModelForm):
    """A story's fields; the photo is a plain file field checked by ``samennw.uploads`` (DECISIONS 23)."""

    image = forms.FileField(
        label=_("Foto"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_("JPEG, PNG of WebP, hoogstens 5 MB. Geef er een alt-tekst en de fotograaf bij."),
    )

    class Meta:
        model = Verhaal
        fields = STORY_FIELDS
        widgets = {
            "story_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "title_variants": forms.Textarea(attrs={"rows": 3}),
            "summary_nl": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = _("Het webadres van een bestaand verhaal verandert niet.")
        self.fields["image"].initial = self.instance.image or None
        self.fields["body_en"].required = False

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "read") and not getattr(image, "_committed", False):
            check_image(image)
        return image

    def story_values(self) -> dict:
        """The values for ``services.create_story``/``update_story``; ``image`` only when it changed."""
        values = {name: self.cleaned_data[name] for name in STORY_FIELDS if name != "slug"}
        image = self.cleaned_data.get("image")
        if image is False or (image and not getattr(image, "_committed", True)):
            values["image"] = image
        return values


class PersonForm(forms.ModelForm):
    class Meta:
        model = VerhaalPersoon
        fields = PERSON_FIELDS
        widgets = {"consent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


PersonFormSet = inlineformset_factory(Verhaal, VerhaalPersoon, form=PersonForm, extra=1, can_delete=True)


def person_changes(formset) -> list[dict]:
    """The persons to create, change or delete, as ``services.update_story`` takes them."""
    out = []
    for form in formset.forms:
        if not form.cleaned_data or (form.instance.pk is None and not form.has_changed()):
            continue
        data = {name: form.cleaned_data.get(name) for name in PERSON_FIELDS}
        data["id"] = form.instance.pk
        data["DELETE"] = bool(form.cleaned_data.get("DELETE"))
        out.append(data)
    return out


class ContactForm(forms.Form):
    """The "Doe mee" form. ``website`` is a honeypot: people leave it empty, simple bots fill it in."""

    name = forms.CharField(
        label=_("Je naam"), max_length=120, error_messages={"required": _("Vul je naam in.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Je e-mailadres"),
        help_text=_("Hierop antwoorden we je."),
        error_messages={
            "required": _("Vul je e-mailadres in."),
            "invalid": _("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation = forms.CharField(
        label=_("Organisatie of initiatief"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    message = forms.CharField(
        label=_("Je bericht"),
        max_length=5000,
        help_text=_("Vertel wie je bent, wat je doet of wilt doen en waarmee we kunnen helpen."),
        error_messages={
            "required": _("Schrijf een bericht."),
            "max_length": _("Je bericht is te lang: hoogstens %(limit_value)d tekens (nu %(show_value)d)."),
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    consent = forms.BooleanField(
        label=_("Ik geef toestemming om mijn naam, e-mailadres en bericht te bewaren zodat het programmateam kan antwoorden."),
        error_messages={"required": _("Geef toestemming om je bericht te bewaren; anders kunnen we het niet versturen.")},
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website", "").strip())


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=300, required=False)
