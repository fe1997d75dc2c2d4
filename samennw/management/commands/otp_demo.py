"""``manage.py otp_demo <username>``: the TOTP key and the current code of a demo account, for demos only.

Case pages ask for a code from an authenticator app (issue 6, item 8). For a demo without a phone this
command prints what the app would show. It refuses to run unless ``SAMENNW_DEBUG`` is on, because the
current code is the second factor itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samennw.views_otp import provisioning_uri


class Command(BaseCommand):
    help = (
        "Toont voor een demo-account de sleutel, de otpauth-link en de code van nu voor tweestapsverificatie. "
        "Alleen met SAMENNW_DEBUG aan."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "otp_demo werkt alleen met SAMENNW_DEBUG=true: de code van nu is de tweede factor zelf."
            )
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"Geen account met gebruikersnaam {username!r}.") from exc
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            # The same unconfirmed device the setup page shows, so the code below confirms it there.
            device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
            if device is None:
                device = TOTPDevice(user=user, name="Authenticator-app", confirmed=False)
                device.full_clean()
                device.save()
            self.stdout.write("Nog niet bevestigd: vul de code in op /tweestapsverificatie/instellen/.")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"otpauth-link: {provisioning_uri(device)}")
        self.stdout.write(f"Code van nu (ongeveer {device.step} seconden geldig): {code:0{device.digits}d}")
