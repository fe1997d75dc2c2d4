"""Reads of stories and contact messages, scoped by the user first.

A concept story is invisible to whoever may not edit stories: the same 404 as a missing one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from monitoring.models import ContactBericht, Verhaal
from samennw import rights


def _with_labels(qs: QuerySet[Verhaal]) -> QuerySet[Verhaal]:
    return qs.select_related("domain", "focusbuurt")


def published_stories() -> QuerySet[Verhaal]:
    """Every published story, newest first, with its domain and neighbourhood in the same query."""
    return _with_labels(Verhaal.objects.filter(status=Verhaal.Status.GEPUBLICEERD))


def latest_stories(limit: int = 3) -> list[Verhaal]:
    """The most recent published stories (for the home page)."""
    return list(published_stories().order_by("-story_date", "-published_at", "title")[:limit])


def stories_for(user) -> QuerySet[Verhaal]:
    """The stories ``user`` may see: published ones for all, every story for the programme team
    (``monitoring.edit_story``), and HGKM stories for the netwerkregisseur who must approve them
    (``monitoring.sign_off_hgkm_story``)."""
    if rights.can(user, "monitoring.edit_story"):
        return _with_labels(Verhaal.objects.all())
    if rights.can(user, "monitoring.sign_off_hgkm_story"):
        return _with_labels(Verhaal.objects.filter(Q(status=Verhaal.Status.GEPUBLICEERD) | Q(is_hgkm=True)))
    return published_stories()


def story_detail(user, slug: str) -> Verhaal:
    """One story with its persons; raises ``Verhaal.DoesNotExist`` when missing or not visible."""
    return stories_for(user).prefetch_related("personen__organisation").get(slug=slug)


def filter_stories(qs: QuerySet[Verhaal], *, domain: str = "", buurt: str = "") -> QuerySet[Verhaal]:
    if domain:
        qs = qs.filter(domain__slug=domain)
    if buurt:
        qs = qs.filter(focusbuurt__slug=buurt)
    return qs


def contact_messages_for(user) -> QuerySet[ContactBericht]:
    if not rights.can(user, "monitoring.view_contact_messages"):
        return ContactBericht.objects.none()
    return ContactBericht.objects.select_related("handled_by")
