"""Public routes of issue 4: search and the open-data page (translated paths, inside
``i18n_patterns``), and the data files, feeds and sitemap at language-neutral addresses."""

from django.contrib.sitemaps.views import sitemap
from django.urls import path
from django.utils.translation import gettext_lazy as _

from domains import opendata
from samennw import feeds, sitemaps, views_search

urlpatterns_i18n = [
    path(_("zoeken/"), views_search.search_view, name="search"),
    path(_("open-data/"), opendata.open_data_page, name="open_data"),
]

urlpatterns_plain = [
    path("open-data/<slug:dataset>.<slug:fmt>", opendata.dataset_view, name="open_data_file"),
    path("feeds/verhalen.rss", feeds.StoriesFeed(), name="feed_stories_rss"),
    path("feeds/verhalen.atom", feeds.StoriesAtomFeed(), name="feed_stories_atom"),
    path("feeds/stand-van-zaken.rss", feeds.StatusUpdatesFeed(), name="feed_updates_rss"),
    path("feeds/stand-van-zaken.atom", feeds.StatusUpdatesAtomFeed(), name="feed_updates_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
]

urlpatterns = urlpatterns_i18n
