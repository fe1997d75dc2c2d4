from django.urls import path
from django.utils.translation import gettext_lazy as _

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path(_("verhalen/"), views.story_list, name="stories"),
    path(_("verhalen/nieuw/"), views.story_create, name="story_create"),
    path(_("verhalen/<slug:slug>/"), views.story_detail, name="story"),
    path(_("verhalen/<slug:slug>/bewerken/"), views.story_edit, name="story_edit"),
    path(_("verhalen/<slug:slug>/publiceren/"), views.story_publish, name="story_publish"),
    path(_("verhalen/<slug:slug>/intrekken/"), views.story_withdraw, name="story_withdraw"),
    path(_("verhalen/<slug:slug>/akkoord/"), views.story_sign_off, name="story_sign_off"),
    path(_("doe-mee/"), views.doe_mee, name="doe_mee"),
    path(_("doe-mee/berichten/"), views.contact_messages, name="contact_messages"),
    path(_("jaarbeeld/"), views.jaarbeeld, name="jaarbeeld"),
]
