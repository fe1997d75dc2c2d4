"""The technical administrator's view of funds, proposals, meetings and decisions (``/beheer/``).

The portal's own pages are where the process happens (``financiering.services``: rights, workflow,
audit). The admin is for repairs, so it refuses what would bypass the process: a proposal's state,
reference and timestamps are read-only (only the workflow moves a proposal, STYLE 5), proposals are
not added here (they come from the domains' teams, DECISIONS 6), and decisions and their granted
amounts are records that are never changed or deleted afterwards. A fund-year's budget cannot go below
what has already been granted from it, the same rule as ``services.set_fund_year``.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from modeltranslation.admin import TranslationAdmin

from financiering.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionLine,
    Fund,
    FundYear,
    Meeting,
    Proposal,
    ProposalLine,
    dutch_amount,
)
from financiering.services import granted_for


class FundYearForm(forms.ModelForm):
    class Meta:
        model = FundYear
        fields = ("year", "available", "note")

    def clean(self):
        cleaned = super().clean()
        fund, year, available = self.instance.fund if self.instance.fund_id else None, cleaned.get("year"), cleaned.get("available")
        if fund is not None and year is not None and available is not None:
            granted = granted_for(fund, year)
            if available < granted:
                raise forms.ValidationError(
                    _("Er is in %(year)s al € %(granted)s toegekend uit dit fonds; het budget kan niet lager.")
                    % {"year": year, "granted": dutch_amount(granted)}
                )
        return cleaned


class FundYearInline(admin.TabularInline):
    model = FundYear
    form = FundYearForm
    extra = 0


@admin.register(Fund)
class FundAdmin(GuardedModelAdmin, TranslationAdmin):
    list_display = ("name", "source", "scope", "first_year", "last_year", "is_temporary", "is_active")
    list_filter = ("is_active", "is_temporary")
    search_fields = ("name", "slug", "source")
    inlines = [FundYearInline]


class ProposalLineInline(admin.TabularInline):
    """Read-only: amounts are set through ``services.set_lines``, which checks funds, periods and budgets."""

    model = ProposalLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "domain", "body", "state", "is_example", "submitted_at", "decided_at")
    list_filter = ("state", "domain", "body", "is_example")
    search_fields = ("reference", "title")
    readonly_fields = (
        "reference", "state", "version", "round", "created_by", "created_at", "updated_at", "submitted_at", "decided_at",
    )
    filter_horizontal = ("actielijnen", "opbrengsten")
    inlines = [ProposalLineInline]

    def has_add_permission(self, request):
        return False


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    raw_id_fields = ("proposal",)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("seat",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("date", "body", "status", "location")
    list_filter = ("status",)
    date_hierarchy = "date"
    readonly_fields = ("status", "pack_sent_at", "minutes_adopted_at")
    inlines = [AgendaItemInline, AttendanceInline]


class DecisionLineInline(admin.TabularInline):
    model = DecisionLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    """Read-only: a decision is a record of the board; a new meeting takes a new decision."""

    list_display = ("meeting", "proposal", "outcome", "mode", "recorded_at")
    list_filter = ("outcome", "mode", "meeting__date")
    search_fields = ("proposal__reference", "proposal__title")
    inlines = [DecisionLineInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Decision._meta.fields] + ["abstained"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
