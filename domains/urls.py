from django.urls import path
from django.utils.translation import gettext_lazy as _

from domains import views

app_name = "domains"
urlpatterns = [
    path(_("domeinen/<slug:slug>/"), views.domain, name="domain"),
    path(_("teams/<slug:slug>/"), views.body, name="body"),
    path(_("buurten/"), views.buurten, name="buurten"),
    path(_("buurten/<slug:slug>/"), views.buurt, name="buurt"),
    path(_("partners/"), views.organisations, name="organisations"),
]
