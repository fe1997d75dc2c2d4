"""RSS and Atom feeds of published stories and of placed status updates on public cards.

Only what the public pages show: stories with status gepubliceerd, and status updates that were
placed (not proposed or rejected) on cards that are gepubliceerd or afgerond. No author names: a
status update's author is an account, not something the public pages name. The feeds are in
Dutch at language-neutral addresses, so a feed reader gets the same feed whatever it sends as
Accept-Language.
"""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from samennw.search import story_url

ITEMS = 50


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class _DutchFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        with translation.override("nl"):
            return super().__call__(request, *args, **kwargs)


class StoriesFeed(_DutchFeed):
    title = _("Verhalen uit Samen Nieuw-West")
    description = _("Gepubliceerde verhalen uit de praktijk van Nationaal Programma Samen Nieuw-West.")

    def link(self):
        return reverse("home")

    def items(self):
        from monitoring.selectors import published_stories

        return (
            published_stories()
            .select_related(None)
            .only("slug", "title_nl", "summary_nl", "story_date", "published_at")
            .order_by("-story_date", "-published_at", "slug")[:ITEMS]
        )

    def item_title(self, item):
        return item.title_nl

    def item_description(self, item):
        return item.summary_nl or ""

    def item_link(self, item):
        return story_url(item)

    def item_pubdate(self, item):
        return item.published_at or _aware(item.story_date)


class StoriesAtomFeed(StoriesFeed):
    feed_type = Atom1Feed
    subtitle = StoriesFeed.description


class StatusUpdatesFeed(_DutchFeed):
    title = _("Stand van zaken van de actielijnen")
    description = _("De nieuwste stand van zaken van de gepubliceerde actielijnen van Samen Nieuw-West.")

    def link(self):
        return reverse("search")

    def items(self):
        from actielijnen.models import Statusupdate
        from actielijnen.selectors import public_cards

        return (
            Statusupdate.objects.filter(state=Statusupdate.State.GEPLAATST, actielijn__in=public_cards())
            .select_related("actielijn")
            .only("text_nl", "created_at", "actielijn__code", "actielijn__title_nl")
            .order_by("-created_at", "-id")[:ITEMS]
        )

    def item_title(self, item):
        return _("%(card)s: stand van zaken %(date)s") % {
            "card": item.actielijn.title_nl,
            "date": timezone.localtime(item.created_at).date().isoformat(),
        }

    def item_description(self, item):
        return item.text_nl

    def item_link(self, item):
        return item.actielijn.get_absolute_url()

    def item_guid(self, item):
        return f"urn:samennw:statusupdate:{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.created_at


class StatusUpdatesAtomFeed(StatusUpdatesFeed):
    feed_type = Atom1Feed
    subtitle = StatusUpdatesFeed.description
