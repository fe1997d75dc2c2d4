from django.contrib import admin
from guardian.admin import GuardedModelAdmin
from modeltranslation.admin import TranslationAdmin

from domains.models import (
    Body,
    Domain,
    Focusbuurt,
    MeetingReport,
    Opbrengst,
    Opdracht,
    Opgave,
    Organisation,
    OrganisationKindDecision,
    Seat,
)


@admin.register(Domain)
class DomainAdmin(TranslationAdmin):
    list_display = ("name", "kind", "slug")


@admin.register(Opdracht)
class OpdrachtAdmin(TranslationAdmin):
    list_display = ("title", "domain", "number")
    list_filter = ("domain",)


@admin.register(Opbrengst)
class OpbrengstAdmin(TranslationAdmin):
    list_display = ("title", "opdracht", "number")
    list_filter = ("opdracht__domain",)


@admin.register(Opgave)
class OpgaveAdmin(TranslationAdmin):
    list_display = ("title", "domain")


@admin.register(Organisation)
class OrganisationAdmin(TranslationAdmin):
    list_display = ("name", "kind", "sector", "is_alliance_partner")
    list_filter = ("kind", "sector")
    search_fields = ("name",)


@admin.register(OrganisationKindDecision)
class OrganisationKindDecisionAdmin(admin.ModelAdmin):
    list_display = ("organisation", "kind", "decided_on", "decided_by")


@admin.register(Focusbuurt)
class FocusbuurtAdmin(TranslationAdmin):
    list_display = ("name", "gebied", "cluster", "inhabitants")


@admin.register(Body)
class BodyAdmin(GuardedModelAdmin, TranslationAdmin):
    list_display = ("name", "kind", "domain", "is_active")
    list_filter = ("kind",)


@admin.register(Seat)
class SeatAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "body", "organisation", "starts_on", "ends_on")
    list_filter = ("role", "body__kind")


@admin.register(MeetingReport)
class MeetingReportAdmin(TranslationAdmin):
    list_display = ("title", "body", "held_on", "is_published")
