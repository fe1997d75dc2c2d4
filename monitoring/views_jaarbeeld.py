"""Pages where the programme team composes a jaarbeeld edition (issue 7, item 2; DECISIONS 15-17, 19).

The edition list with a form for a new edition, the editor (editorial texts in Dutch and English with a
version for concurrent editors, the story picker with up/down buttons that need no JavaScript, the
generated blocks with their switches and approval) and the preview: the whole edition rendered as HTML
from ``monitoring/jaarbeeld/edition_document.html``, the template the build job will reuse.

Editions are fetched only through ``monitoring.jaarbeeld.edition_for``: for anyone but the programme team
an edition is a 404 like a missing one; the list itself is a 403.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from monitoring import jaarbeeld as service
from monitoring import views_builds
from monitoring.models import Edition, EditionBlock, Verhaal
from samennw.rights import CanMap, require


class EditionCreateForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["report_year", "publication_year", "period_start", "period_end", "as_of", "title_nl"]
        widgets = {name: forms.DateInput(attrs={"type": "date"}) for name in ("period_start", "period_end", "as_of")}
        labels = {"title_nl": gettext_lazy("Titel")}


class EditorialForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Edition
        fields = [*service.PERIOD_FIELDS, *service.EDITORIAL_FIELDS]
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in ("period_start", "period_end", "as_of")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title_nl", "voorwoord_nl", "introduction_nl"):
            self.fields[name].required = name == "title_nl"
        for name in ("title_en",):
            self.fields[name].required = False

    def _post_clean(self):
        """The model is checked by the service (with the lock held), not here."""


def _edition(request, year: int) -> Edition:
    try:
        return service.edition_for(request.user, year)
    except Edition.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def edition_list(request):
    require(request.user, "monitoring.edit_jaarbeeld")
    form = EditionCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            edition = service.create_edition(
                by=request.user, report_year=data["report_year"], publication_year=data["publication_year"],
                period_start=data["period_start"], period_end=data["period_end"], as_of=data["as_of"], title=data["title_nl"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Het jaarbeeld is aangemaakt."))
            return redirect("monitoring:edition", year=edition.report_year)
    return render(
        request, "monitoring/jaarbeeld/edition_list.html",
        {"editions": service.editions_for(request.user), "form": form}, status=400 if form.errors else 200,
    )


def _editor_context(request, edition: Edition, form: EditorialForm) -> dict:
    chosen = service.current_selection(edition)
    chosen_ids = {story.pk for story, _title in chosen}
    return {
        "edition": edition,
        "form": form,
        "chosen": [(story, title, service.title_variants(story), service.story_problems(story)) for story, title in chosen],
        "candidates": [s for s in service.selectable_stories() if s.pk not in chosen_ids],
        "blocks": [(block, service.block_data(edition, block.kind) if block.enabled else None) for block in edition.blocks.all()],
        "can": CanMap(request.user, edition),
        "versions": views_builds.versions_context(request, edition),
    }


@login_required
def edition_edit(request, year: int):
    edition = _edition(request, year)
    require(request.user, "monitoring.edit_jaarbeeld", edition)
    status = 200
    if request.method == "POST":
        form = EditorialForm(request.POST, instance=Edition.objects.get(pk=edition.pk))
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in [*service.PERIOD_FIELDS, *service.EDITORIAL_FIELDS]}
            try:
                service.update_editorial(by=request.user, edition=edition, version=form.cleaned_data["version"], changes=changes)
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("De teksten zijn opgeslagen."))
                return redirect("monitoring:edition", year=edition.report_year)
        status = 400
    else:
        form = EditorialForm(instance=edition, initial={"version": edition.version})
    return render(request, "monitoring/jaarbeeld/edition_edit.html", _editor_context(request, edition, form), status=status)


@login_required
@require_POST
def edition_stories(request, year: int):
    """Add, remove or move one story; the whole selection is saved again through the service."""
    edition = _edition(request, year)
    require(request.user, "monitoring.edit_jaarbeeld", edition)
    selection = service.current_selection(edition)
    action = request.POST.get("actie", "")
    slug = request.POST.get("verhaal", "")[:120]
    index = next((i for i, (story, _title) in enumerate(selection) if story.slug == slug), None)
    if action == "toevoegen":
        story = Verhaal.objects.filter(slug=slug).first()
        if story is None:
            raise Http404
        selection.append((story, ""))
    elif index is None:
        raise Http404
    elif action == "weghalen":
        selection.pop(index)
    elif action in ("omhoog", "omlaag"):
        other = index - 1 if action == "omhoog" else index + 1
        if 0 <= other < len(selection):
            selection[index], selection[other] = selection[other], selection[index]
    elif action == "titel":
        selection[index] = (selection[index][0], request.POST.get("titel", "")[:200])
    try:
        service.set_story_selection(by=request.user, edition=edition, stories=selection)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("De verhalen zijn bijgewerkt."))
    return redirect(f"{redirect('monitoring:edition', year=edition.report_year).url}#verhalen")


@login_required
@require_POST
def edition_block(request, year: int, kind: str):
    edition = _edition(request, year)
    require(request.user, "monitoring.approve_jaarbeeld_block", edition)
    action = request.POST.get("actie", "")
    if kind not in EditionBlock.Kind.values:
        raise Http404
    try:
        service.set_block(
            by=request.user, edition=edition, kind=kind,
            enabled={"aan": True, "uit": False}.get(action),
            approve=action == "goedkeuren",
            note=request.POST.get("toelichting") if "toelichting" in request.POST else None,
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Het blok is bijgewerkt."))
    return redirect(f"{redirect('monitoring:edition', year=edition.report_year).url}#blokken")


def document_context(edition: Edition, *, preview: bool) -> dict:
    """What ``edition_document.html`` needs; the build job calls this with ``preview=False``."""
    return {
        "edition": edition,
        "stories": list(edition.stories.select_related("story__domain").order_by("order")),
        "blocks": service.document_blocks(edition, preview=preview),
        "preview": preview,
    }


@login_required
def edition_preview(request, year: int):
    """The whole edition as HTML, in the language asked (``?taal=en``) or the page's language."""
    edition = _edition(request, year)
    require(request.user, "monitoring.edit_jaarbeeld", edition)
    language = request.GET.get("taal") if request.GET.get("taal") in ("nl", "en") else translation.get_language()
    with translation.override(language):
        return render(request, "monitoring/jaarbeeld/edition_preview.html", {**document_context(edition, preview=True), "language": language})
