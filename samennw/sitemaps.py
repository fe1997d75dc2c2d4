"""The sitemap: public pages in both languages, with hreflang alternates and an x-default.

Home, the public information pages, domains, public team pages (not netwerkgroepen), published
and completed cards, and published stories (once stories have their own pages). No site framework:
the address comes from the request's host.
"""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import NoReverseMatch, reverse


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        return ["home", "search", "open_data", "domains:organisations", "financiering:public_grants"]

    def location(self, item):
        return reverse(item)


class DomainSitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        from domains.models import Domain

        return Domain.objects.order_by("slug").only("slug")


class BodySitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        from domains.selectors import public_bodies

        return public_bodies().order_by("slug").only("slug")


class CardSitemap(_Bilingual):
    changefreq = "weekly"

    def items(self):
        from actielijnen.selectors import public_cards

        return public_cards().order_by("code").only("code", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class StorySitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        from monitoring.selectors import published_stories

        try:
            reverse("monitoring:story", kwargs={"slug": "x"})
        except NoReverseMatch:
            return []  # until the stories' pages are routed
        return published_stories().select_related(None).order_by("slug").only("slug", "updated_at")

    def lastmod(self, item):
        return item.updated_at


class GrantSitemap(_Bilingual):
    changefreq = "monthly"

    def items(self):
        from financiering.models import GRANTED_STATES, Proposal

        return Proposal.objects.filter(state__in=GRANTED_STATES).order_by("reference").only("reference")

    def location(self, item):
        return reverse("financiering:public_grant", kwargs={"ref": item.reference})


SITEMAPS = {
    "pages": StaticSitemap,
    "domains": DomainSitemap,
    "teams": BodySitemap,
    "actielijnen": CardSitemap,
    "verhalen": StorySitemap,
    "toekenningen": GrantSitemap,
}
