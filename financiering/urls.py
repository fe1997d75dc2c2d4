from django.urls import path
from django.utils.translation import gettext_lazy as _

from financiering import views_board, views_export, views_proposals

app_name = "financiering"
urlpatterns = [
    # public summary of granted proposals (issue 5, item 7)
    path(_("toekenningen/"), views_proposals.public_grants, name="public_grants"),
    path(_("toekenningen/<str:ref>/"), views_proposals.public_grant, name="public_grant"),
    # funds and budget
    path(_("budget/"), views_proposals.budget, name="budget"),
    path(_("fondsen/"), views_proposals.funds, name="funds"),
    path(_("fondsen/nieuw/"), views_proposals.fund_edit, name="fund_create"),
    path(_("fondsen/<slug:slug>/"), views_proposals.fund_detail, name="fund"),
    path(_("fondsen/<slug:slug>/bewerken/"), views_proposals.fund_edit, name="fund_edit"),
    path(_("fondsen/<slug:slug>/jaren/"), views_proposals.fund_year, name="fund_year"),
    path(_("fondsen/<slug:slug>/bewakers/"), views_proposals.fund_guardian, name="fund_guardian"),
    path(_("export/"), views_export.export, name="export"),
    # board meetings
    path(_("bestuur/"), views_board.meetings, name="meetings"),
    path(_("bestuur/nieuw/"), views_board.meeting_create, name="meeting_create"),
    path(_("bestuur/<int:pk>/"), views_board.meeting, name="meeting"),
    path(_("bestuur/<int:pk>/agendapunt/"), views_board.agenda_item, name="agenda_item"),
    path(_("bestuur/<int:pk>/agenderen/"), views_board.put_on_agenda, name="put_on_agenda"),
    path(_("bestuur/<int:pk>/aanwezigheid/"), views_board.attendance, name="attendance"),
    path(_("bestuur/<int:pk>/agendapakket/"), views_board.agenda_pack, name="agenda_pack"),
    path(_("bestuur/<int:pk>/agendapakket.pdf"), views_board.agenda_pack_pdf, name="agenda_pack_pdf"),
    path(_("bestuur/<int:pk>/agendapakket/versturen/"), views_board.send_pack, name="send_pack"),
    path(_("bestuur/<int:pk>/besluit/<str:ref>/"), views_board.decide, name="decide"),
    path(_("bestuur/<int:pk>/belangen/<int:conflict>/"), views_board.decide_conflict, name="board_conflict"),
    path(_("bestuur/<int:pk>/besluitenlijst/"), views_board.minutes, name="minutes"),
    path(_("bestuur/<int:pk>/besluitenlijst.pdf"), views_board.minutes_pdf, name="minutes_pdf"),
    path(_("bestuur/<int:pk>/vaststellen/"), views_board.adopt, name="adopt"),
    # proposals
    path("", views_proposals.proposals, name="proposals"),
    path(_("nieuw/"), views_proposals.proposal_create, name="proposal_create"),
    path("<str:ref>/", views_proposals.proposal, name="proposal"),
    path(_("<str:ref>/bewerken/"), views_proposals.proposal_edit, name="proposal_edit"),
    path(_("<str:ref>/bedragen/"), views_proposals.proposal_lines, name="proposal_lines"),
    path(_("<str:ref>/cofinanciering/"), views_proposals.proposal_cofinancing, name="proposal_cofinancing"),
    path(_("<str:ref>/organisaties/"), views_proposals.proposal_parties, name="proposal_parties"),
    path(_("<str:ref>/bijlagen/"), views_proposals.attachment_add, name="attachment_add"),
    path(_("<str:ref>/bijlagen/<int:pk>/"), views_proposals.attachment, name="attachment"),
    path(_("<str:ref>/bijlagen/<int:pk>/verwijderen/"), views_proposals.attachment_delete, name="attachment_delete"),
    path(_("<str:ref>/indienen/"), views_proposals.submit, name="submit"),
    path(_("<str:ref>/status/"), views_proposals.move, name="move"),
    path(_("<str:ref>/toetsen/"), views_proposals.check, name="check"),
    path(_("<str:ref>/adviseurs/"), views_proposals.assign_reviewer, name="assign_reviewer"),
    path(_("<str:ref>/adviseurs/<int:pk>/verwijderen/"), views_proposals.unassign_reviewer, name="unassign_reviewer"),
    path(_("<str:ref>/advies/"), views_proposals.review, name="review"),
    path(_("<str:ref>/belangen/"), views_proposals.declare_conflict, name="declare_conflict"),
    path(_("<str:ref>/belangen/<int:pk>/besluit/"), views_proposals.decide_conflict, name="decide_conflict"),
    path(_("<str:ref>/verantwoording/"), views_proposals.final_report, name="final_report"),
]
