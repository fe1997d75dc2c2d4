from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from samennw.models import AuditEvent, User


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Portaal", {"fields": ("display_name", "preferred_language")}),)
    list_display = ("username", "display_name", "email", "is_active", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only everywhere."""

    list_display = ("at", "event", "actor", "target_type", "target_id", "ip_address")
    list_filter = ("event",)
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
