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
    SeatSideChange,
)

# An organisation's kind and a member's side at a netwerkgroep table are recorded decisions (DECISIONS 2):
# they change only through the portal's pages and services, which write the decision and the audit row.
# Here they are read-only; the field's help text names the page.


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
    readonly_fields = ("kind",)


class _RecordAdmin(admin.ModelAdmin):
    """A decision record: readable here, written only by its service (never added, edited or deleted)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OrganisationKindDecision)
class OrganisationKindDecisionAdmin(_RecordAdmin):
    list_display = ("organisation", "kind", "decided_on", "decided_by")


@admin.register(SeatSideChange)
class SeatSideChangeAdmin(_RecordAdmin):
    list_display = ("seat", "from_side", "to_side", "changed_by", "changed_at")


@admin.register(Focusbuurt)
class FocusbuurtAdmin(TranslationAdmin):
    list_display = ("name", "gebied", "cluster", "inhabitants")


@admin.register(Body)
class BodyAdmin(GuardedModelAdmin, TranslationAdmin):
    list_display = ("name", "kind", "domain", "is_active")
    list_filter = ("kind",)


@admin.register(Seat)
class SeatAdmin(_RecordAdmin):
    """Seats are given and ended on the portal's "Leden en zetels" pages (``assign_seat``/``end_seat``), which
    check overlaps, write the audit row and sync the role groups; here they can only be looked at."""

    list_display = ("user", "role", "body", "organisation", "side", "starts_on", "ends_on")
    list_filter = ("role", "body__kind")


@admin.register(MeetingReport)
class MeetingReportAdmin(TranslationAdmin):
    list_display = ("title", "body", "held_on", "is_published")
