"""Routes of the netwerkgroep. Every case route goes through ``netwerkgroep.security.case_view``: login,
a verified second factor, a 15-minute idle limit and no-store headers."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from netwerkgroep import views_cases, views_figures, views_lessons, views_meetings

app_name = "netwerkgroep"
urlpatterns = [
    path("", views_cases.groups, name="groups"),
    path(_("mijn-afspraken/"), views_cases.my_agreements, name="my_agreements"),
    path(_("tellingen/"), views_meetings.stats, name="stats"),
    # cases
    path(_("casus/<str:code>/"), views_cases.case, name="case"),
    path(_("casus/<str:code>/bewerken/"), views_cases.case_edit, name="case_edit"),
    path(_("casus/<str:code>/toestemming/"), views_cases.consent, name="consent"),
    path(_("casus/<str:code>/notities/"), views_cases.note_add, name="note_add"),
    path(_("casus/<str:code>/notities/<int:pk>/schonen/"), views_cases.note_redact, name="note_redact"),
    path(_("casus/<str:code>/afspraken/"), views_cases.agreement_add, name="agreement_add"),
    path(_("casus/<str:code>/wachten/"), views_cases.case_wait, name="case_wait"),
    path(_("casus/<str:code>/overdragen/"), views_cases.case_transfer, name="case_transfer"),
    path(_("casus/<str:code>/sluiten/"), views_cases.case_close, name="case_close"),
    path(_("casus/<str:code>/inzage/"), views_cases.case_access_log, name="case_access_log"),
    path(_("casus/<str:code>/langer-bewaren/"), views_meetings.hold_back, name="hold_back"),
    path(_("afspraken/<int:pk>/accepteren/"), views_cases.agreement_accept, name="agreement_accept"),
    path(_("afspraken/<int:pk>/afronden/"), views_cases.agreement_finish, name="agreement_finish"),
    # meetings and the agenda
    path(_("bijeenkomst/<int:pk>/"), views_meetings.meeting, name="meeting"),
    path(_("bijeenkomst/<int:pk>/agenda-opbouwen/"), views_meetings.agenda_build, name="agenda_build"),
    path(_("bijeenkomst/<int:pk>/agenda/toevoegen/"), views_meetings.agenda_add, name="agenda_add"),
    path(_("bijeenkomst/<int:pk>/agenda/<int:item>/weghalen/"), views_meetings.agenda_remove, name="agenda_remove"),
    path(_("bijeenkomst/<int:pk>/agenda/volgorde/"), views_meetings.agenda_reorder, name="agenda_reorder"),
    path(_("bijeenkomst/<int:pk>/agenda/afdrukken/"), views_meetings.agenda_print, name="agenda_print"),
    path(_("bijeenkomst/<int:pk>/verplaatsen/"), views_meetings.meeting_move, name="meeting_move"),
    path(_("bijeenkomst/<int:pk>/annuleren/"), views_meetings.meeting_cancel, name="meeting_cancel"),
    path(_("bijeenkomst/<int:pk>/starten/"), views_meetings.meeting_start, name="meeting_start"),
    path(_("bijeenkomst/<int:pk>/punt/<int:item>/"), views_meetings.meeting_item, name="meeting_item"),
    path(_("bijeenkomst/<int:pk>/afsluiten/"), views_meetings.meeting_end, name="meeting_end"),
    # per group
    path("<slug:group>/", views_cases.group, name="group"),
    path(_("<slug:group>/inbrengen/"), views_cases.bring_in, name="bring_in"),
    path(_("<slug:group>/auditlog/"), views_cases.audit_log, name="audit_log"),
    path(_("<slug:group>/bijeenkomsten/"), views_meetings.meetings, name="meetings"),
    path(_("<slug:group>/bewaartermijn/"), views_meetings.retention, name="retention"),
    path(_("<slug:group>/jaarcijfers/"), views_figures.figures, name="figures"),
    path(_("<slug:group>/geleerde-lessen/"), views_lessons.lessons, name="lessons"),
    path("<slug:group>/agenda-<str:token>.ics", views_meetings.ics, name="ics"),
]
