"""The Django admin is for administrators (the ``beheerder`` role) only, not for every staff account.

An administrator can change almost everything, so the admin asks for the same verified second factor
(TOTP, django-otp) as the case pages (issue 8): a logged-in administrator without one is sent to the
portal's two-step page (set up an app when there is no confirmed device yet, enter a code otherwise) with
the admin page as ``next``. Anonymous visitors and people without the ``admin.access`` right never get that
far: Django's own check (``has_permission``) sends them to the admin login as before.
"""

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from netwerkgroep.security import has_device, no_store
from samennw.rights import can


def restrict_admin(site) -> None:
    def has_permission(request) -> bool:
        return request.user.is_active and request.user.is_staff and can(request.user, "admin.access")

    django_admin_view = site.admin_view

    def admin_view(view, cacheable=False):
        """Django's wrapper (permission check, CSRF, never_cache) around a second-factor check of ``view``."""

        @wraps(view)
        def second_factor(request, *args, **kwargs):
            # Logging out needs no code: an administrator who does not have the app at hand can still leave.
            if request.user.is_verified() or request.path == reverse("admin:logout", current_app=site.name):
                return view(request, *args, **kwargs)
            name = "otp_verify" if has_device(request.user) else "otp_setup"
            return no_store(redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"))

        return django_admin_view(second_factor, cacheable)

    site.has_permission = has_permission
    site.admin_view = admin_view
    site.site_header = "Samen Nieuw-West — beheer"
    site.site_title = "Samen Nieuw-West"
