"""Spreadsheet export and import of cards; included by ``actielijnen/urls.py`` (app_name ``actielijnen``)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from actielijnen import views_transfer

urlpatterns = [
    path("export/", views_transfer.export_cards, name="export"),
    path("import/", views_transfer.import_cards, name="import"),
    path("import/bevestigen/", views_transfer.import_confirm, name="import_confirm"),
    path(_("import/taak/<slug:code>/"), views_transfer.import_job, name="import_job"),
    path(_("import/taak/<slug:code>/stand/"), views_transfer.import_job_status, name="import_job_status"),
    path(_("import/taak/<slug:code>/bevestigen/"), views_transfer.import_job_confirm, name="import_job_confirm"),
    path(_("import/taak/<slug:code>/opnieuw/"), views_transfer.import_job_restart, name="import_job_restart"),
]
