from django.urls import path
from django.utils.translation import gettext_lazy as _

from monitoring import views, views_builds, views_indicators, views_jaarbeeld

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
    path(_("indicatoren/"), views_indicators.dashboard, name="indicators"),
    path(_("indicatoren/nieuw/"), views_indicators.indicator_create, name="indicator_create"),
    path(_("indicatoren/importeren/"), views_indicators.import_measurements, name="indicator_import"),
    path(_("indicatoren/importeren/bevestigen/"), views_indicators.import_confirm, name="indicator_import_confirm"),
    path(_("indicatoren/export/"), views_indicators.export_measurements, name="indicator_export"),
    path(_("indicatoren/<slug:slug>/"), views_indicators.indicator_detail, name="indicator"),
    path(_("indicatoren/<slug:slug>/bewerken/"), views_indicators.indicator_edit, name="indicator_edit"),
    path(_("indicatoren/<slug:slug>/meting/"), views_indicators.measurement_add, name="measurement_add"),
    path(_("jaarbeeld/edities/"), views_jaarbeeld.edition_list, name="editions"),
    path(_("jaarbeeld/edities/<int:year>/"), views_jaarbeeld.edition_edit, name="edition"),
    path(_("jaarbeeld/edities/<int:year>/verhalen/"), views_jaarbeeld.edition_stories, name="edition_stories"),
    path(_("jaarbeeld/edities/<int:year>/blokken/<slug:kind>/"), views_jaarbeeld.edition_block, name="edition_block"),
    path(_("jaarbeeld/edities/<int:year>/voorbeeld/"), views_jaarbeeld.edition_preview, name="edition_preview"),
    path(_("jaarbeeld/edities/<int:year>/versies/"), views_builds.build_start, name="build_start"),
    path(_("jaarbeeld/edities/<int:year>/versies/<int:number>/"), views_builds.build_detail, name="build"),
    path(_("jaarbeeld/edities/<int:year>/versies/<int:number>/stand/"), views_builds.build_status, name="build_status"),
    path(_("jaarbeeld/edities/<int:year>/versies/<int:number>/publiceren/"), views_builds.build_publish, name="build_publish"),
    path(_("jaarbeeld/<int:year>/versie-<int:number>/<slug:fmt>/"), views_builds.build_download, name="build_download"),
]
