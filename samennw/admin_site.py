"""The Django admin is for administrators (the ``beheerder`` role) only, not for every staff account."""

from samennw.rights import can


def restrict_admin(site) -> None:
    def has_permission(request) -> bool:
        return request.user.is_active and request.user.is_staff and can(request.user, "admin.access")

    site.has_permission = has_permission
    site.site_header = "Samen Nieuw-West — beheer"
    site.site_title = "Samen Nieuw-West"
