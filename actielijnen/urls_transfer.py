"""Spreadsheet export and import of cards; included by ``actielijnen/urls.py`` (app_name ``actielijnen``)."""

from django.urls import path

from actielijnen import views_transfer

urlpatterns = [
    path("export/", views_transfer.export_cards, name="export"),
    path("import/", views_transfer.import_cards, name="import"),
    path("import/bevestigen/", views_transfer.import_confirm, name="import_confirm"),
]
