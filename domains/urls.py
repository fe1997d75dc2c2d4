from django.urls import path
from django.utils.translation import gettext_lazy as _

from domains import views, views_members

app_name = "domains"
urlpatterns = [
    path(_("domeinen/<slug:slug>/"), views.domain, name="domain"),
    path(_("teams/<slug:slug>/"), views.body, name="body"),
    path(_("organen/"), views_members.bodies, name="bodies"),
    path(_("organen/<slug:slug>/leden/"), views_members.members, name="members"),
    path(_("organen/<slug:slug>/leden/zetel-geven/"), views_members.seat_assign, name="seat_assign"),
    path(_("organen/<slug:slug>/leden/<int:pk>/beeindigen/"), views_members.seat_end, name="seat_end"),
    path(_("organen/<slug:slug>/leden/<int:pk>/kant/"), views_members.seat_side, name="seat_side"),
    path(_("buurten/"), views.buurten, name="buurten"),
    path(_("buurten/<slug:slug>/"), views.buurt, name="buurt"),
    path(_("partners/"), views.organisations, name="organisations"),
    path(_("partners/<slug:slug>/soort/"), views_members.organisation_kind, name="organisation_kind"),
]
