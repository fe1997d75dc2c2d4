"""Put a verified second factor in a test client's session, as ``django_otp.login`` does after a right code.

For tests of pages that ask for one (case pages, the admin) but are not about the two-step pages themselves.
"""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice


def verify_session(client, user):
    """Log ``user`` in on ``client`` with a confirmed TOTP device in the session; returns ``client``."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
