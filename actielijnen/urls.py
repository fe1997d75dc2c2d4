from django.urls import path
from django.utils.translation import gettext_lazy as _

from actielijnen import urls_transfer, views

app_name = "actielijnen"
urlpatterns = [
    path("", views.overview, name="overview"),
    path(_("nieuw/"), views.create, name="create"),
    *urls_transfer.urlpatterns,
    path("<slug:code>/", views.card, name="card"),
    path(_("<slug:code>/bewerken/<slug:section>/"), views.edit_section, name="edit_section"),
    path(_("<slug:code>/stand-van-zaken/"), views.add_update, name="add_update"),
    path(_("<slug:code>/stand-van-zaken/<int:pk>/besluit/"), views.decide_update, name="decide_update"),
    path(_("<slug:code>/mijlpalen/nieuw/"), views.milestone, name="milestone_add"),
    path(_("<slug:code>/mijlpalen/<int:pk>/"), views.milestone, name="milestone_edit"),
    path(_("<slug:code>/mijlpalen/<int:pk>/rij/"), views.milestone_row, name="milestone_row"),
    path(_("<slug:code>/mijlpalen/<int:pk>/verwijderen/"), views.milestone_delete, name="milestone_delete"),
    path(_("<slug:code>/reacties/"), views.comment, name="comment"),
    path(_("<slug:code>/geschiedenis/"), views.history, name="history"),
    path(_("<slug:code>/geschiedenis/<int:history_id>/terugzetten/"), views.restore, name="restore"),
    path(_("<slug:code>/status/"), views.move, name="move"),
]
