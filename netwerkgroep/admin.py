"""The technical administrator's view of the netwerkgroepen: meeting schedules and meetings only.

Cases, consent records, notes, agendas, agreements, attendance and lessons are deliberately not
registered: the Django admin must not expose case texts, not even to a superuser (issue 6, item 7).
Nothing of a case is reachable under ``/beheer/netwerkgroep/``; the regisseur works in the portal,
where every read is audited. A meeting's time, place and status are shown; moving or cancelling one
needs a reason and goes through ``services.move_meeting`` / ``cancel_meeting`` in the portal, so the
admin shows them read-only.
"""

from __future__ import annotations

from django.contrib import admin

from netwerkgroep.models import Meeting, Schedule


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("body", "weekday", "starts_at", "ends_at", "location", "weeks_ahead")
    fields = ("body", "weekday", "starts_at", "ends_at", "location", "weeks_ahead", "confidentiality")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("body", "date", "starts_at", "ends_at", "location", "status")
    list_filter = ("body", "status")
    date_hierarchy = "date"
    fields = ("body", "slot", "date", "starts_at", "ends_at", "location", "status", "change_reason")
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:  # meetings come from the schedule (services.ensure_meetings)
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # a slot is cancelled with a reason, never deleted
        return False
