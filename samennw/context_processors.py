from django.conf import settings

from samennw.rights import CanMap


def portal(request):
    """Values every page template needs: the rights table for the current user, the site URL."""
    return {
        "can": CanMap(getattr(request, "user", None)),
        "SITE_URL": settings.SAMENNW_SITE_URL,
    }
