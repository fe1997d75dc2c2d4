"""Pages of the stories ("Uit de praktijk"), the "Doe mee" form with its inbox, and the jaarbeeld archive.

Stories are fetched only through ``selectors``: a concept is a 404 for whoever may not see it, like a
missing story. Actions ask ``samennw.rights``. The "Doe mee" form is public and protected without third
parties: a honeypot field and a limit per IP address per hour (``samennw.ratelimit``, kept in the Django cache).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from domains.models import Domain, Focusbuurt
from monitoring import builds, forms, selectors, services
from monitoring.models import Verhaal
from samennw import audit, public_cache, ratelimit
from samennw.rights import CanMap, require

STORIES_PER_PAGE = 12
MESSAGES_PER_PAGE = 25
RATE_LIMIT = 5  # messages per IP address ...
RATE_WINDOW = 3600  # ... per hour (seconds)
DOE_MEE_RATE = ratelimit.RateLimit("doe-mee", requests=RATE_LIMIT, window=RATE_WINDOW)


def _story(request, slug: str) -> Verhaal:
    try:
        return selectors.story_detail(request.user, slug)
    except Verhaal.DoesNotExist as exc:
        raise Http404 from exc


def story_list(request):
    domain = request.GET.get("domein", "")[:80]
    buurt = request.GET.get("buurt", "")[:80]
    stories = selectors.filter_stories(selectors.published_stories(), domain=domain, buurt=buurt)
    page = Paginator(stories, STORIES_PER_PAGE).get_page(request.GET.get("pagina"))
    can = CanMap(request.user)
    drafts = []
    if can["monitoring__edit_story"]:
        drafts = list(selectors.stories_for(request.user).exclude(status=Verhaal.Status.GEPUBLICEERD))
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "monitoring/story_list.html",
        {
            "page": page,
            "drafts": drafts,
            "domains": Domain.objects.order_by("name"),
            "buurten": Focusbuurt.objects.order_by("name"),
            "filters": {"domein": domain, "buurt": buurt},
            "query": query.urlencode(),
            "can": can,
        },
    )


def story_detail(request, slug: str):
    story = _story(request, slug)
    can = CanMap(request.user, story)
    editor = can["monitoring__edit_story"] or can["monitoring__sign_off_hgkm_story"]
    return render(
        request,
        "monitoring/story_detail.html",
        {
            "story": story,
            "can": can,
            "persons": list(story.personen.all()),
            "problems": services.publication_problems(story) if editor and story.status != Verhaal.Status.GEPUBLICEERD else [],
            "variants": [v.strip() for v in story.title_variants.splitlines() if v.strip()],
            "withdraw_form": forms.WithdrawForm(),
        },
    )


@login_required
def story_create(request):
    require(request.user, "monitoring.edit_story")
    form = forms.StoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.create_story(by=request.user, slug=form.cleaned_data["slug"], **form.story_values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Het verhaal is opgeslagen als concept. Voeg nu de personen toe."))
            return redirect("monitoring:story_edit", slug=story.slug)
    return render(request, "monitoring/story_form.html", {"form": form, "formset": None, "story": None})


@login_required
def story_edit(request, slug: str):
    story = _story(request, slug)
    require(request.user, "monitoring.edit_story", story)
    if request.method == "POST":
        form = forms.StoryForm(request.POST, request.FILES, instance=Verhaal.objects.get(pk=story.pk))
        formset = forms.PersonFormSet(request.POST, instance=story, prefix="personen")
        if form.is_valid() and formset.is_valid():
            try:
                services.update_story(
                    by=request.user, story=story, changes=form.story_values(), persons=forms.person_changes(formset)
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(story.get_absolute_url())
    else:
        form = forms.StoryForm(instance=story)
        formset = forms.PersonFormSet(instance=story, prefix="personen")
    return render(request, "monitoring/story_form.html", {"form": form, "formset": formset, "story": story})


def _act(request, slug: str, action: str, run, success: str):
    story = _story(request, slug)
    require(request.user, action, story)
    try:
        run(story)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, success)
    return redirect(story.get_absolute_url())


@login_required
@require_POST
def story_publish(request, slug: str):
    return _act(
        request, slug, "monitoring.publish_story",
        lambda story: services.publish_story(by=request.user, story=story), _("Het verhaal is gepubliceerd."),
    )


@login_required
@require_POST
def story_withdraw(request, slug: str):
    form = forms.WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _act(
        request, slug, "monitoring.publish_story",
        lambda story: services.withdraw_story(by=request.user, story=story, reason=reason), _("Het verhaal is ingetrokken."),
    )


@login_required
@require_POST
def story_sign_off(request, slug: str):
    return _act(
        request, slug, "monitoring.sign_off_hgkm_story",
        lambda story: services.sign_off_hgkm_story(by=request.user, story=story),
        _("Je akkoord is vastgelegd. Het programmateam kan het verhaal nu publiceren."),
    )


# --- Doe mee ---------------------------------------------------------------------------------------

def doe_mee(request):
    """How to join the alliance, and a form to tell the programme team (002:1591-1595, 003:67-70)."""
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST":
        ip = audit.client_ip(request)
        # Only valid messages count (a typo costs nothing); once the limit is reached even an invalid one is
        # refused. ``hit`` refuses again when parallel requests reached the limit after ``peek``.
        verdict = ratelimit.peek(DOE_MEE_RATE, request)
        if verdict.allowed and form.is_valid():
            verdict = ratelimit.hit(DOE_MEE_RATE, request)
        if not verdict.allowed:
            # The form comes back with what was typed: nothing is lost, it can be sent later.
            response = render(request, "monitoring/doe_mee.html", {"form": form, "limited": True}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if form.is_valid():
            if not form.is_spam():
                with transaction.atomic():
                    services.receive_contact_message(
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        organisation=form.cleaned_data["organisation"],
                        message=form.cleaned_data["message"],
                        ip_address=ip,
                    )
            messages.success(request, _("Dank je wel! Je bericht is verstuurd. Het programmateam neemt contact met je op."))
            return redirect("monitoring:doe_mee")
    return render(request, "monitoring/doe_mee.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def contact_messages(request):
    require(request.user, "monitoring.view_contact_messages")
    qs = selectors.contact_messages_for(request.user)
    if request.method == "POST":
        message = get_object_or_404(qs, pk=request.POST.get("bericht") if str(request.POST.get("bericht", "")).isdigit() else None)
        handled = request.POST.get("afgehandeld") != "nee"
        services.mark_contact_message_handled(by=request.user, message=message, handled=handled)
        messages.success(request, _("Het bericht is gemarkeerd als afgehandeld.") if handled else _("Het bericht staat weer open."))
        return redirect("monitoring:contact_messages")
    page = Paginator(qs, MESSAGES_PER_PAGE).get_page(request.GET.get("pagina"))
    audit.record("contact.list_viewed", actor=request.user, ip_address=audit.client_ip(request), page=page.number)
    return render(request, "monitoring/contact_messages.html", {"page": page})


# --- Jaarbeeld ----------------------------------------------------------------------------------------

JAARBEELDEN = [
    # The published 2025 edition (seed 001): report year 2025, published in 2026 (001:885). Its file is not in the
    # portal, so it is listed without one, until a version of the 2025 edition is published here.
    {"title": gettext_lazy("Jaarbeeld 2025"), "report_year": 2025, "publication_year": 2026},
]


def jaarbeeld_archive() -> list[dict]:
    """The archive, newest first: every edition with a published version (its PDF and HTML per language), and
    each known edition of ``JAARBEELDEN`` whose year has no published version yet."""
    entries = []
    for edition in builds.published_editions():
        files = [
            {
                "code": build.language, "language": builds.LANGUAGE_NAMES.get(build.language, build.language),
                "pages": build.pdf_pages or 0, "size": build.pdf_size or 0,
                "pdf": reverse("monitoring:build_download", kwargs={"year": edition.report_year, "number": build.number, "fmt": "pdf"}),
                "html": reverse("monitoring:build_download", kwargs={"year": edition.report_year, "number": build.number, "fmt": "html"}),
            }
            for build in edition.public_builds
        ]
        entries.append({
            "title": edition.title, "report_year": edition.report_year, "publication_year": edition.publication_year, "files": files,
        })
    published = {entry["report_year"] for entry in entries}
    entries += [{**known, "files": []} for known in JAARBEELDEN if known["report_year"] not in published]
    return sorted(entries, key=lambda entry: entry["report_year"], reverse=True)


def jaarbeeld(request):
    """The public archive, cached for anonymous visitors (``samennw.public_cache``); publishing a version bumps
    the content version, so it shows at once. The callables are evaluated only on a cache miss."""
    return render(
        request,
        "monitoring/jaarbeeld.html",
        {
            "archive": jaarbeeld_archive,
            "has_stories": selectors.published_stories().exists,
            "public_cache": public_cache.for_request(request),
        },
    )
