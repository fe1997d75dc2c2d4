from django.conf import settings

from samennw.rights import CanMap


def portal(request):
    """Values every page template needs: the rights table for the current user, the site URL."""
    return {
        "can": CanMap(getattr(request, "user", None)),
        "SITE_URL": settings.SAMENNW_SITE_URL,
    }


def navigation(request):
    """The domains for the main menu, read once per page and only when a template asks for them."""
    from django.utils.functional import SimpleLazyObject

    from domains import selectors

    return {"nav_domains": SimpleLazyObject(selectors.domains_in_order)}
