"""Pages of the action-line cards: the card, per-section editing, status updates, milestones,
comments, history with restore, the workflow, and the programme team's overview.

Every view fetches through ``selectors`` (a card you may not see is a 404, like a missing one) and
asks ``samennw.rights`` before acting. Forms work without JavaScript; htmx swaps the milestone rows
and the status-update list in place when it is there.
"""

from __future__ import annotations

from functools import partial
from operator import getitem

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actielijnen import forms, selectors, services, workflow
from actielijnen.models import Actielijn, Mijlpaal, Status, Statusupdate
from domains.models import Domain, Focusbuurt
from monitoring import indicators as indicator_selectors
from samennw import public_cache
from samennw.rights import CanMap, can, require


def _card(request, code: str, *, for_update: bool = False) -> Actielijn:
    try:
        return selectors.card_detail(request.user, code)
    except Actielijn.DoesNotExist as exc:
        raise Http404 from exc


def _require(request, action: str, obj=None) -> None:
    """Refuse with 403 (the object is visible, the action is not allowed)."""
    require(request.user, action, obj)


# What the card's content shows (everything inside its cached fragment in card.html).
CARD_CONTENT = ("card", "can", "sections", "updates", "proposals", "comments", "moves", "update_form", "milestone_form",
                "comment_form", "missing", "is_stale", "public_view", "indicators")


def _card_content(request, obj: Actielijn) -> dict:
    """The context of the card's content, with one entry per name in ``CARD_CONTENT``."""
    can_map = CanMap(request.user, obj)
    updates = [u for u in obj.statusupdates.all() if u.state == Statusupdate.State.GEPLAATST]
    proposals = [u for u in obj.statusupdates.all() if u.state == Statusupdate.State.VOORGESTELD]
    show_work = can(request.user, "actielijnen.propose_update", obj)
    moves = [e for e in workflow.edges_from(obj.status) if can(request.user, e.action, obj)]
    return {
        "card": obj,
        "can": can_map,
        "sections": forms.SECTIONS,
        "updates": updates,
        "proposals": proposals if show_work else [],
        "comments": obj.comments.select_related("author") if show_work else [],
        "moves": moves,
        "update_form": forms.StatusUpdateForm(),
        # Distinct ids: the page holds several forms with a "text" or "title" field.
        "milestone_form": forms.MilestoneForm(auto_id="id_nieuw_%s"),
        "comment_form": forms.CommentForm(auto_id="id_reactie_%s"),
        "missing": forms.missing_translations(obj) if can_map["actielijnen__edit_card"] else [],
        "is_stale": selectors.is_stale(obj),
        # Who does not work on the card sees its public parts only (issue 4): no money, risks or people.
        "public_view": not can_map["actielijnen__view_history"],
        "indicators": SimpleLazyObject(lambda: indicator_selectors.public_panel(actielijn=obj)),
    }


def card(request, code: str):
    """The card page. ``card_head`` (the card's row with its domain) fills the page around the content
    and keys its cached fragment.

    Signed-in visitors never use the cache, so the whole card is read at once. Anonymous visitors mostly
    get the content from the cache: for them only the head is read before the fragment, through
    ``cards_for`` so that a card that is not public is a 404 whatever the cache holds, and the content's
    context is lazy, read (with its prefetches) only when the fragment has to be rendered.
    """
    if request.user.is_authenticated:
        obj = _card(request, code)
        context = {"card_head": obj, **_card_content(request, obj)}
    else:
        head = get_object_or_404(
            selectors.cards_for(request.user)
            .select_related("domain")
            .only("code", "status", "title", "goal", "domain__slug", "domain__name"),  # modeltranslation adds each language
            code=code,
        )
        content = SimpleLazyObject(lambda: _card_content(request, _card(request, code)))
        context = {"card_head": head, **{name: SimpleLazyObject(partial(getitem, content, name)) for name in CARD_CONTENT}}
        # The menu in base.html reads `can` outside the fragment (rights by role, not by card): a map over the
        # lazy card answers those without reading it.
        context["can"] = CanMap(request.user, context["card"])
    context["public_cache"] = public_cache.for_request(request)
    return render(request, "actielijnen/card.html", context)


@login_required
def edit_section(request, code: str, section: str):
    if section not in forms.SECTIONS:
        raise Http404
    obj = _card(request, code)
    _require(request, "actielijnen.edit_card", obj)
    form_class = forms.section_form_class(section)
    conflict = None
    if request.method == "POST":
        form = form_class(request.POST, instance=Actielijn.objects.get(pk=obj.pk), section=section)
        if form.is_valid():
            try:
                services.update_card(by=request.user, card=obj, version=form.cleaned_data["version"], changes=form.changes())
            except services.ConcurrentEdit as exc:
                conflict = selectors.changes_since(exc.card, form.cleaned_data["version"])
                form.add_error(None, exc)
                # The form now carries the version the person has seen the changes of: saving again is a choice.
                form.data = form.data.copy()
                form.data["version"] = exc.card.version
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
                return redirect(f"{obj.get_absolute_url()}#sectie-{section}")
    else:
        form = form_class(instance=obj, section=section, initial={"version": obj.version})
    return render(
        request,
        "actielijnen/edit_section.html",
        {"card": obj, "form": form, "section": section, "heading": forms.SECTIONS[section][0], "conflict": conflict},
    )


@login_required
@require_POST
def add_update(request, code: str):
    obj = _card(request, code)
    propose = not can(request.user, "actielijnen.add_status_update", obj)
    _require(request, "actielijnen.propose_update" if propose else "actielijnen.add_status_update", obj)
    form = forms.StatusUpdateForm(request.POST)
    if form.is_valid():
        services.add_status_update(
            by=request.user, card=obj, text=form.cleaned_data["text"], text_en=form.cleaned_data["text_en"], propose=propose
        )
        messages.success(
            request, _("Je voorstel is doorgestuurd naar de aanvoerder.") if propose else _("De stand van zaken is bijgewerkt.")
        )
        return redirect(f"{obj.get_absolute_url()}#stand-van-zaken")
    return render(request, "actielijnen/update_form.html", {"card": obj, "form": form}, status=400)


@login_required
@require_POST
def decide_update(request, code: str, pk: int):
    obj = _card(request, code)
    _require(request, "actielijnen.add_status_update", obj)
    update = get_object_or_404(obj.statusupdates, pk=pk, state=Statusupdate.State.VOORGESTELD)
    services.decide_proposed_update(by=request.user, update=update, accept=request.POST.get("besluit") == "plaatsen")
    return redirect(f"{obj.get_absolute_url()}#stand-van-zaken")


@login_required
def milestone(request, code: str, pk: int | None = None):
    """Add (pk None) or edit a milestone. htmx gets the row partial back; others the card page."""
    obj = _card(request, code)
    _require(request, "actielijnen.edit_card", obj)
    item = get_object_or_404(Mijlpaal, pk=pk, actielijn=obj) if pk else None
    # An edit form swapped into the card page by htmx needs ids of its own (the page has an add form).
    auto_id = f"id_mijlpaal{item.pk}_%s" if item else "id_nieuw_%s"
    if request.method == "POST":
        form = forms.MilestoneForm(request.POST, instance=item or Mijlpaal(actielijn=obj), auto_id=auto_id)
        if form.is_valid():
            try:
                saved = services.save_milestone(
                    by=request.user, card=obj, milestone=item, **{k: v for k, v in form.cleaned_data.items()}
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if request.htmx:
                    return render(request, "actielijnen/card.html#milestone-row", {"m": saved, "card": obj, "can": CanMap(request.user, obj)})
                messages.success(request, _("De mijlpaal is opgeslagen."))
                return redirect(f"{obj.get_absolute_url()}#planning")
        template = "actielijnen/milestone_form.html#milestone-form" if request.htmx else "actielijnen/milestone_form.html"
        return render(request, template, {"card": obj, "form": form, "item": item}, status=400 if not request.htmx else 200)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    form = forms.MilestoneForm(instance=item, auto_id=auto_id)
    template = "actielijnen/milestone_form.html#milestone-form" if request.htmx else "actielijnen/milestone_form.html"
    return render(request, template, {"card": obj, "form": form, "item": item})


@login_required
def milestone_row(request, code: str, pk: int):
    """The read-only row again (htmx 'annuleren')."""
    obj = _card(request, code)
    item = get_object_or_404(Mijlpaal, pk=pk, actielijn=obj)
    return render(request, "actielijnen/card.html#milestone-row", {"m": item, "card": obj, "can": CanMap(request.user, obj)})


@login_required
@require_POST
def milestone_delete(request, code: str, pk: int):
    obj = _card(request, code)
    _require(request, "actielijnen.edit_card", obj)
    item = get_object_or_404(Mijlpaal, pk=pk, actielijn=obj)
    services.delete_milestone(by=request.user, milestone=item)
    if request.htmx:
        return render(request, "actielijnen/empty.html")
    messages.success(request, _("De mijlpaal is verwijderd."))
    return redirect(f"{obj.get_absolute_url()}#planning")


@login_required
@require_POST
def comment(request, code: str):
    obj = _card(request, code)
    _require(request, "actielijnen.propose_update", obj)
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        services.add_comment(by=request.user, card=obj, text=form.cleaned_data["text"])
        messages.success(request, _("Je reactie is geplaatst."))
        return redirect(f"{obj.get_absolute_url()}#reacties")
    return render(request, "actielijnen/comment_form.html", {"card": obj, "form": form}, status=400)


@login_required
def history(request, code: str):
    obj = _card(request, code)
    _require(request, "actielijnen.view_history", obj)
    versions = selectors.versions_with_diffs(obj)
    page = Paginator(versions, 20).get_page(request.GET.get("pagina"))
    return render(request, "actielijnen/history.html", {"card": obj, "page": page, "can": CanMap(request.user, obj)})


@login_required
@require_POST
def restore(request, code: str, history_id: int):
    obj = _card(request, code)
    _require(request, "actielijnen.restore_version", obj)
    try:
        services.restore_version(by=request.user, card=obj, history_id=history_id)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("actielijnen:history", code=obj.code)
    messages.success(request, _("De eerdere versie is teruggezet als nieuwe versie."))
    return redirect(obj.get_absolute_url())


@login_required
@require_POST
def move(request, code: str):
    obj = _card(request, code)
    form = forms.MoveForm(request.POST)
    if not form.is_valid() or form.cleaned_data["to"] not in Status.values:
        messages.error(request, _("Onbekende statuswijziging."))
        return redirect(obj.get_absolute_url())
    target = form.cleaned_data["to"]
    edge = workflow.edge(obj.status, target)
    if edge is not None and not can(request.user, edge.action, obj):
        raise PermissionDenied
    try:
        services.move_card(card=obj, to=target, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De status is nu: %(status)s.") % {"status": Status(target).label})
    return redirect(obj.get_absolute_url())


@login_required
def overview(request):
    _require(request, "actielijnen.view_overview")
    params = request.GET
    try:
        stale = int(params.get("stil", "") or 0)
    except ValueError:
        stale = 0
    stale = stale if 0 < stale <= 520 else 0
    filters = {
        "domain": params.get("domein", "")[:80],
        "status": params.get("status", "") if params.get("status", "") in Status.values else "",
        "buurt": params.get("buurt", "")[:80],
        "trekker": params.get("trekker", "")[:150],
        "stale_weeks": stale or None,
        "sort": params.get("sorteer", "domein") if params.get("sorteer") in selectors.SORTS else "domein",
    }
    qs = selectors.overview(request.user, **filters)
    page = Paginator(qs, 50).get_page(params.get("pagina"))
    cutoff = selectors.stale_cutoff()
    return render(
        request,
        "actielijnen/overview.html",
        {
            "page": page,
            "rows": [(c, selectors.is_stale(c, cutoff=cutoff)) for c in page.object_list],
            "counts": selectors.status_counts(selectors.overview(request.user, **{**filters, "status": ""})),
            "total": page.paginator.count,
            "filters": filters,
            "domains": Domain.objects.order_by("name"),
            "buurten": Focusbuurt.objects.order_by("name"),
            "statuses": Status.choices,
            "sorts": selectors.SORTS,
            "stale_weeks": selectors.STALE_WEEKS,
        },
    )


@login_required
def create(request):
    _require(request, "actielijnen.create_card")
    form = forms.CreateCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.create_card(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("De actielijn is aangemaakt als concept."))
            return redirect(obj.get_absolute_url())
    return render(request, "actielijnen/create.html", {"form": form}, status=400 if form.errors else 200)
