"""Two-step verification (TOTP) for everyone who opens case pages (issue 6, item 8).

``netwerkgroep.security.case_view`` sends a user without a verified second factor here: to
``otp_setup`` when the user has no confirmed device yet, to ``otp_verify`` when one exists. Both pages
end with ``django_otp.login`` and a redirect to a same-site ``next``.

Constraints:
- The secret of a device is shown only on the setup page, as a QR code (inline SVG, allowed by the CSP)
  and as text in groups of four for typing over; it never reaches the audit log or the logs.
- Codes are checked with the device row locked, so parallel guesses cannot slip past django-otp's
  throttling (1, 2, 4, ... seconds after each wrong code); a throttled attempt is answered in Dutch with
  the number of seconds to wait.
- WCAG 2.2 SC 3.3.8 (accessible authentication): pasting and password managers work
  (``autocomplete="one-time-code"``), spaces in a pasted code are ignored, there is no puzzle.
"""

from __future__ import annotations

import math
import re
from base64 import b32encode
from urllib.parse import quote, urlencode

import django_otp
import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from netwerkgroep.security import no_store
from samennw import audit

ISSUER = "Samen Nieuw-West"
CODE_PATTERN = re.compile(r"[0-9]{6}")


class CodeForm(forms.Form):
    """One field: the six digits the authenticator app shows now."""

    code = forms.CharField(
        label=gettext_lazy("Code uit je app"),
        help_text=gettext_lazy(
            "De 6 cijfers die je app nu laat zien. Plakken mag; spaties worden genegeerd."
        ),
        max_length=20,
        error_messages={"required": gettext_lazy("Vul de code van 6 cijfers uit je app in.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not CODE_PATTERN.fullmatch(code):
            raise ValidationError(gettext_lazy("De code bestaat uit precies 6 cijfers."), code="format")
        return code


def _next_url(request) -> str:
    """The ``next`` of the request when it stays on this site; otherwise the user's own portal page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("my_portal")


def _with_next(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def _secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode().rstrip("=")


def provisioning_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads (Key Uri Format), with the portal as issuer."""
    label = quote(f"{ISSUER}:{device.user.get_username()}")
    params = urlencode(
        {
            "secret": _secret(device),
            "issuer": ISSUER,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def _qr_svg(uri: str, title: str) -> str:
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="snw-qr__image", lineclass=None
    )
    # segno escapes the title and writes no style attributes, so the markup passes the strict CSP.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308


def _wait_message(info: dict | None) -> str:
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return _("Je kunt nu even geen code invullen. Probeer het over een paar minuten opnieuw.")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    return ngettext(
        "Er is kort na elkaar een verkeerde code ingevuld. Wacht %(seconds)s seconde en vul dan de nieuwe code uit je app in.",
        "Er is kort na elkaar een verkeerde code ingevuld. Wacht %(seconds)s seconden en vul dan de nieuwe code uit je app in.",
        seconds,
    ) % {"seconds": seconds}


def check_code(
    *, device: TOTPDevice, code: str, by, ip_address: str | None, stage: str, confirm: bool
) -> tuple[TOTPDevice | None, str]:
    """Check ``code`` against ``device`` with its row locked; confirm the device when ``confirm``.

    Returns the verified device and an empty message, or ``None`` and the Dutch error to show. The
    audit row (``otp.setup``, ``otp.verified`` or ``otp.failed``) is written in the same transaction;
    it names the device, never its key.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=by)
        allowed, info = locked.verify_is_allowed()
        if not allowed:
            audit.record(
                "otp.failed", actor=by, target=locked, ip_address=ip_address, stage=stage, reason="throttled"
            )
            return None, _wait_message(info)
        if not locked.verify_token(code):
            audit.record(
                "otp.failed", actor=by, target=locked, ip_address=ip_address, stage=stage, reason="wrong_code"
            )
            return None, _(
                "Deze code klopt niet. Vul de code in die je app nu laat zien; die verandert elke 30 seconden."
            )
        if confirm:
            locked.confirmed = True
            locked.full_clean()
            locked.save(update_fields=["confirmed"])
        audit.record(
            "otp.setup" if confirm else "otp.verified", actor=by, target=locked, ip_address=ip_address
        )
    return locked, ""


def _log_in_device(request, device: TOTPDevice) -> None:
    django_otp.login(request, device)
    # A new session key once the second factor is in: a key seen before this point is worth nothing.
    request.session.cycle_key()


def _confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


@login_required
def setup(request):
    """Add an authenticator app: show its secret as QR code and text, confirm it with a first code."""
    next_url = _next_url(request)
    if _confirmed_device(request.user) is not None:
        return no_store(redirect(_with_next("otp_verify", next_url)))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice(user=request.user, name="Authenticator-app", confirmed=False)
        device.full_clean()
        device.save()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, error = check_code(
            device=device,
            code=form.cleaned_data["code"],
            by=request.user,
            ip_address=audit.client_ip(request),
            stage="setup",
            confirm=True,
        )
        if verified is not None:
            _log_in_device(request, verified)
            return no_store(redirect(next_url))
        form.add_error("code", error)
    uri = provisioning_uri(device)
    secret = _secret(device)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(uri, _("QR-code voor je authenticator-app")),
        "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "otpauth_uri": uri,
        "issuer": ISSUER,
        "account": request.user.get_username(),
    }
    return no_store(render(request, "registration/otp_setup.html", context))


@login_required
def verify(request):
    """Ask for the code of the user's confirmed authenticator app."""
    next_url = _next_url(request)
    if request.user.is_verified():
        return no_store(redirect(next_url))
    device = _confirmed_device(request.user)
    if device is None:
        return no_store(redirect(_with_next("otp_setup", next_url)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, error = check_code(
            device=device,
            code=form.cleaned_data["code"],
            by=request.user,
            ip_address=audit.client_ip(request),
            stage="verify",
            confirm=False,
        )
        if verified is not None:
            _log_in_device(request, verified)
            return no_store(redirect(next_url))
        form.add_error("code", error)
    return no_store(render(request, "registration/otp_verify.html", {"form": form, "next": next_url}))
