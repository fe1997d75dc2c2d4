"""The guard around every case page (issue 6, item 8; standards: "treat it like medical records").

``case_view`` wraps a view so that:
- the user is logged in (else the login page),
- the session has a verified second factor (TOTP, django-otp); without a device the user is sent to set one
  up, with one to enter a code,
- a case session that was idle for more than ``IDLE_MINUTES`` ends: the user is logged out and told why,
- the response is never cached (``Cache-Control: no-store``) and sends no referrer,
- an htmx request that must leave the page gets ``HX-Redirect``, so the login or code page replaces the
  whole page instead of landing inside a fragment.
The code pages themselves are ``samennw.views_otp``.
What a user may see of a case is decided by ``samennw.rights`` and ``services.visible_notes``; this module
only guards the door.
"""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from samennw import audit

IDLE_MINUTES = 15
SESSION_KEY = "snw_case_seen"


def has_device(user) -> bool:
    from django_otp import user_has_device

    return user_has_device(user, confirmed=True)


def no_store(response):
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    response["Pragma"] = "no-cache"
    # Not "no-referrer": browsers then send "Origin: null" on same-origin form posts, which the CSRF check
    # refuses. "same-origin" still sends nothing (no case code in a URL) to any other site.
    response["Referrer-Policy"] = "same-origin"
    return response


def _leave(request, name: str):
    """Send the user to ``name`` with the current page as ``next``; never cached."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        # Back to the page the fragment sits on (same site only), not to the fragment itself.
        url = f"{reverse(name)}?{urlencode({'next': htmx.current_url_abs_path or request.get_full_path()})}"
        return no_store(HttpResponseClientRedirect(url))
    return no_store(redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}"))


def case_view(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return _leave(request, "login")
        now = time.time()
        seen = request.session.get(SESSION_KEY)
        if seen is not None and now - seen > IDLE_MINUTES * 60:
            audit.record("case.idle_logout", actor=user, ip_address=audit.client_ip(request), minutes=IDLE_MINUTES)
            logout(request)
            messages.warning(request, _("Je was langer dan %(n)s minuten niet actief op de casuspagina's. Log opnieuw in.") % {"n": IDLE_MINUTES})
            return _leave(request, "login")
        if not user.is_verified():
            return _leave(request, "otp_verify" if has_device(user) else "otp_setup")
        request.session[SESSION_KEY] = now
        return no_store(view(request, *args, **kwargs))

    return guarded
