"""The proposal pages through the test client: rights per role, the walk from concept to submitted,
bad input that changes nothing, advice and conflicts of interest, attachments and the public summary."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from financiering import services
from financiering.models import Attachment, BudgetOverride, Conflict, Proposal, Review, State
from tests.financiering.conftest import GOOD_SCORES, to_advice

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def url(name, proposal=None, **kwargs):
    if proposal is not None:
        kwargs["ref"] = proposal.reference
    return reverse(f"financiering:{name}", kwargs=kwargs or None)


def as_(client, user):
    client.force_login(user)
    return client


def lines_post(*rows):
    data = {"regels-TOTAL_FORMS": str(len(rows)), "regels-INITIAL_FORMS": "0", "regels-MIN_NUM_FORMS": "0", "regels-MAX_NUM_FORMS": "40"}
    for i, (fund, year, amount) in enumerate(rows):
        data.update({f"regels-{i}-fund": fund.pk, f"regels-{i}-year": year, f"regels-{i}-amount": amount})
    return data


def amounts(proposal):
    return sorted((line.fund.slug, line.year, line.amount) for line in proposal.lines.select_related("fund"))


# --- rights --------------------------------------------------------------------------------------

def test_list_is_for_teams_programme_and_board(client, people, proposal):
    for role, status in [("bewoner", 403), ("informeel", 403), ("otlid", 200), ("programmateam", 200), ("fondsbeheerder", 200), ("bestuur", 200)]:
        client.force_login(people[role])
        assert client.get(url("proposals")).status_code == status, role
    client.logout()
    assert client.get(url("proposals")).status_code == 302
    page = as_(client, people["otlid"]).get(url("proposals")).content.decode()
    assert proposal.title in page and "Nieuw voorstel" in page
    client.force_login(people["fondsbeheerder"])
    page = client.get(url("proposals")).content.decode()
    assert "Nieuw voorstel" not in page
    page = as_(client, people["programmateam"]).get(url("proposals") + "?status=ingediend").content.decode()
    assert proposal.title not in page
    page = client.get(url("proposals") + "?status=concept&fonds=preventie-met-gezag").content.decode()
    assert proposal.title in page


def test_detail_is_a_404_for_who_may_not_see_it(client, people, proposal):
    assert client.get(url("proposal", proposal)).status_code == 302
    # A fund's guardian sees a proposal once it is submitted: a concept is the team's own draft.
    for role, status in [("bewoner", 404), ("formeel", 404), ("bestuur", 404), ("fondsbeheerder", 404), ("otlid", 200),
                         ("otvoorzitter", 200), ("programmateam", 200)]:
        client.force_login(people[role])
        assert client.get(url("proposal", proposal)).status_code == status, role
    services.submit(by=people["otlid"], proposal=proposal)
    client.force_login(people["fondsbeheerder"])
    assert client.get(url("proposal", proposal)).status_code == 200
    assert as_(client, people["programmateam"]).get(url("proposal", ref="FV-2026-XXXX")).status_code == 404


def test_detail_shows_rationale_questions_lines_and_the_note_that_editing_stops(client, people, proposal):
    page = as_(client, people["otlid"]).get(url("proposal", proposal)).content.decode()
    assert "Wat betalen bestaande middelen?" in page
    assert "De eerste vraag: wat kan betaald worden" in page
    assert "40.000,00" in page and "Preventie met Gezag" in page
    assert "Veilig Thuis" in page  # co-financing per partner
    assert "Na het indienen stopt het bewerken" in page
    assert "Voorstel indienen" in page


def test_editing_is_refused_to_another_role_and_after_submitting(client, people, proposal):
    services.submit(by=people["otlid"], proposal=proposal)
    assert as_(client, people["fondsbeheerder"]).get(url("proposal_edit", proposal)).status_code == 403
    assert as_(client, people["otlid"]).get(url("proposal_edit", proposal)).status_code == 403
    assert client.get(url("proposal_lines", proposal)).status_code == 403
    assert as_(client, people["otlid"]).get(url("submit", proposal)).status_code == 405


# --- create → edit → lines → submit --------------------------------------------------------------

def test_create_edit_lines_and_submit_through_the_pages(client, people, structure, card, funds):
    client.force_login(people["otlid"])
    assert client.get(url("proposal_create")).status_code == 200
    response = client.post(url("proposal_create"), {
        "body": structure["bodies"]["ot"].pk, "title": "Buurtvaders in Slotervaart", "purpose": "Vaders lopen samen avondrondes.",
        "actielijnen": [card.pk],
    })
    p = Proposal.objects.get(title="Buurtvaders in Slotervaart")
    assert response.status_code == 302 and response["Location"] == url("proposal", p)
    texts = {
        "title": "Buurtvaders in Slotervaart", "purpose": "Vaders lopen samen avondrondes.",
        "existing_means": "Uren van het buurtteam.", "contribution": "Minder overlast.", "changes_the_rule": "Vaste werkwijze.",
        "resident_ownership": "De vaders bepalen de rondes.", "learning": "Monitoring met de HvA.", "exit_route": "Regulier vanaf 2027.",
    }
    response = client.post(url("proposal_edit", p), {**texts, "version": p.version, "actielijnen": [card.pk]})
    assert response.status_code == 302
    response = client.post(url("proposal_lines", p), lines_post((funds["pmg"], 2026, "12.500,50")))
    assert response.status_code == 302
    p.refresh_from_db()
    assert amounts(p) == [("preventie-met-gezag", 2026, Decimal("12500.50"))]
    response = client.post(url("submit", p), {"version": p.version})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.state == State.INGEDIEND
    # A second submit (double click, back button) is a clear message, not a 500.
    response = client.post(url("submit", p), {"version": p.version}, follow=True)
    assert response.status_code == 200
    assert "al ingediend" in response.content.decode()
    assert p.transitions.count() == 1


def test_create_with_empty_fields_shows_dutch_errors_and_saves_nothing(client, people, structure, card):
    response = as_(client, people["otlid"]).post(url("proposal_create"), {"body": structure["bodies"]["ot"].pk, "title": "", "purpose": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geef het voorstel een titel." in page and "Kies minstens één actielijn." in page
    assert not Proposal.objects.exists()
    from domains.models import Body

    other = Body.objects.create(slug="werkgroep-x", kind=Body.Kind.WERKGROEP, name="Werkgroep X", domain=structure["domain"])
    response = as_(client, people["otlid"]).post(
        url("proposal_create"), {"body": other.pk, "title": "X", "purpose": "Y", "actielijnen": [card.pk]}
    )
    assert response.status_code == 400 and not Proposal.objects.exists()


def test_stale_version_keeps_the_input_and_saves_nothing(client, people, proposal, card):
    old_version = proposal.version
    services.update_proposal(by=people["programmateam"], proposal=proposal, version=proposal.version, changes={"contribution": "Ander."})
    response = as_(client, people["otlid"]).post(url("proposal_edit", proposal), {
        "version": old_version, "title": "Mijn nieuwe titel", "purpose": proposal.purpose, "actielijnen": [card.pk],
    })
    page = response.content.decode()
    assert response.status_code == 400
    assert "Iemand anders heeft dit voorstel intussen opgeslagen" in page
    assert "Mijn nieuwe titel" in page
    proposal.refresh_from_db()
    assert proposal.title == "Vrouwen- en moederwerking in de buurt"


def test_bad_lines_show_a_dutch_error_and_change_nothing(client, people, proposal, funds):
    before = amounts(proposal)
    client.force_login(people["otlid"])
    for amount, year, message in [
        ("-500", 2026, "het bedrag moet groter zijn dan nul"),
        ("veertig", 2026, "Vul een bedrag in cijfers in"),
        ("40000", 2030, "2030 valt buiten de looptijd van Preventie met Gezag (2023–2026)"),
        ("", 2026, "Vul een bedrag in."),
    ]:
        response = client.post(url("proposal_lines", proposal), lines_post((funds["pmg"], year, amount)))
        assert response.status_code == 400
        assert message in response.content.decode(), amount
        assert amounts(proposal) == before


def test_lines_page_shows_period_remaining_and_warns_over_budget(client, people, proposal, funds):
    client.force_login(people["otlid"])
    response = client.post(url("proposal_lines", proposal), lines_post((funds["pmg"], 2026, "150000")), follow=True)
    page = response.content.decode()
    assert "2023–2026" in page and "100.000,00" in page
    assert "Let op:" in page and "50.000,00 meer" in page


def test_over_budget_submit_needs_a_reason(client, people, proposal, funds):
    services.set_lines(by=people["otlid"], proposal=proposal, lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("150000")}])
    proposal.refresh_from_db()
    client.force_login(people["otlid"])
    assert "Waarschuwing: meer gevraagd dan het fonds nog heeft" in client.get(url("proposal", proposal)).content.decode()
    response = client.post(url("submit", proposal), {"version": proposal.version, "over_budget_reason": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Geef een reden om" in page and "Waarschuwing" in page
    proposal.refresh_from_db()
    assert proposal.state == State.CONCEPT and not BudgetOverride.objects.exists()
    response = client.post(url("submit", proposal), {"version": proposal.version, "over_budget_reason": "Eenmalige start, 2027 lager."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.INGEDIEND
    assert BudgetOverride.objects.get().shortfall == Decimal("50000")


def test_incomplete_submit_lists_what_is_missing(client, people, proposal):
    services.update_proposal(by=people["otlid"], proposal=proposal, version=proposal.version, changes={"learning": ""})
    proposal.refresh_from_db()
    client.force_login(people["otlid"])
    assert "Leren en monitoren" in client.get(url("proposal", proposal)).content.decode()
    response = client.post(url("submit", proposal), {"version": proposal.version})
    assert response.status_code == 400 and "Nog niet compleet" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.state == State.CONCEPT


def test_cofinancing_with_negative_amount_is_refused(client, people, proposal, structure):
    data = {
        "cofinanciering-TOTAL_FORMS": "1", "cofinanciering-INITIAL_FORMS": "0", "cofinanciering-MIN_NUM_FORMS": "0",
        "cofinanciering-MAX_NUM_FORMS": "40", "cofinanciering-0-organisation": structure["orgs"]["blijf"].pk,
        "cofinanciering-0-kind": "geld", "cofinanciering-0-amount": "-10",
    }
    response = as_(client, people["otlid"]).post(url("proposal_cofinancing", proposal), data)
    assert response.status_code == 400 and "Cofinanciering regel 1" in response.content.decode()
    assert list(proposal.cofinancing.values_list("organisation__slug", flat=True)) == ["veilig-thuis"]
    data["cofinanciering-0-amount"] = "2.500"
    assert client.post(url("proposal_cofinancing", proposal), data).status_code == 302
    assert proposal.cofinancing.get().amount == Decimal("2500")
    response = as_(client, people["otlid"]).post(
        url("proposal_parties", proposal), {"applicants": [structure["orgs"]["blijf"].pk], "beneficiaries": [structure["orgs"]["informeel"].pk]}
    )
    assert response.status_code == 302
    assert sorted(proposal.parties.values_list("role", flat=True)) == ["aanvrager", "begunstigde"]


# --- attachments ---------------------------------------------------------------------------------

def test_a_png_named_pdf_is_refused(client, people, proposal):
    response = as_(client, people["otlid"]).post(
        url("attachment_add", proposal), {"file": SimpleUploadedFile("begroting.pdf", PNG_BYTES, content_type="application/pdf")}
    )
    assert response.status_code == 400
    assert "Dit bestand is geen PDF-, ODT- of DOCX-document" in response.content.decode()
    assert not Attachment.objects.exists()


def test_attachment_download_is_an_attachment_and_hidden_from_others(client, people, proposal):
    client.force_login(people["otlid"])
    response = client.post(url("attachment_add", proposal), {"file": SimpleUploadedFile("Begroting 2026.pdf", PDF_BYTES)})
    assert response.status_code == 302
    item = Attachment.objects.get()
    response = client.get(url("attachment", proposal, pk=item.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "Begroting 2026.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES
    from samennw.models import AuditEvent

    assert AuditEvent.objects.filter(event="proposal.attachment_read").exists()
    client.force_login(people["bewoner"])
    assert client.get(url("attachment", proposal, pk=item.pk)).status_code == 404
    client.force_login(people["otlid"])
    assert client.post(url("attachment_delete", proposal, pk=item.pk)).status_code == 302
    assert not Attachment.objects.exists()


# --- process, advice and conflicts ---------------------------------------------------------------

def test_programme_team_moves_checks_and_assigns(client, people, proposal, funds):
    services.submit(by=people["otlid"], proposal=proposal)
    client.force_login(people["programmateam"])
    assert client.post(url("move", proposal), {"to": "in-behandeling"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == State.IN_BEHANDELING
    # Sending back needs a reason.
    response = client.post(url("move", proposal), {"to": "aangehouden", "reason": ""})
    assert response.status_code == 400 and "Geef een reden" in response.content.decode()
    response = client.post(url("check", proposal), {"kind": "volledigheid", "outcome": "niet-akkoord", "note": ""})
    assert response.status_code == 400 and "Leg uit waarom je niet akkoord gaat." in response.content.decode()
    assert client.post(url("check", proposal), {"kind": "volledigheid", "outcome": "akkoord"}).status_code == 302
    # The fund's financial check belongs to its guardian.
    assert client.post(url("check", proposal), {"kind": "financieel", "fund": "preventie-met-gezag", "outcome": "akkoord"}).status_code == 403
    client.force_login(people["fondsbeheerder"])
    assert client.post(url("check", proposal), {"kind": "financieel", "fund": "preventie-met-gezag", "outcome": "akkoord"}).status_code == 302
    client.force_login(people["programmateam"])
    response = client.post(url("assign_reviewer", proposal), {"reviewer": people["formeel"].pk}, follow=True)
    assert "Mogelijk belangenconflict" in response.content.decode()
    assert Review.objects.filter(reviewer=people["formeel"]).exists()
    assert client.post(url("assign_reviewer", proposal), {"reviewer": people["otlid"].pk}).status_code == 400
    review = Review.objects.get(reviewer=people["formeel"])
    assert client.post(url("unassign_reviewer", proposal, pk=review.pk)).status_code == 302
    assert not Review.objects.exists()
    # Others may not move the proposal.
    client.force_login(people["otlid"])
    assert client.post(url("move", proposal), {"to": "advies"}).status_code == 403


def test_reviewer_sees_other_advice_only_after_giving_own(client, people, proposal):
    first, second = to_advice(people, proposal, reviewers=[people["regisseur"], people["regisseur_zo"]])
    services.submit_review(by=people["regisseur_zo"], review=second, recommendation="positief", text="Geheim advies Z.", scores=GOOD_SCORES)
    client.force_login(people["regisseur"])
    page = client.get(url("proposal", proposal)).content.decode()
    assert "Geheim advies Z." not in page and "Advies geven" in page
    data = {"recommendation": "voorwaarden", "text": "Mijn advies R."}
    data.update({f"score_{code}": "4" for code in GOOD_SCORES})
    response = client.post(url("review", proposal), data)
    assert response.status_code == 302
    page = client.get(url("proposal", proposal)).content.decode()
    assert "Geheim advies Z." in page and "Mijn advies R." in page


def test_review_with_a_missing_score_is_refused_and_others_cannot_review(client, people, proposal):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    client.force_login(people["regisseur"])
    assert client.get(url("review", proposal)).status_code == 200
    data = {"recommendation": "positief", "text": "Goed."}
    data.update({f"score_{code}": "4" for code in GOOD_SCORES if code != "leren"})
    response = client.post(url("review", proposal), data)
    assert response.status_code == 400
    assert "Geef een score van 1 tot 5 voor ‘Leren en monitoren’." in response.content.decode()
    review.refresh_from_db()
    assert not review.is_submitted and not review.scores.exists()
    assert as_(client, people["otlid"]).get(url("review", proposal)).status_code == 403
    assert as_(client, people["bewoner"]).get(url("review", proposal)).status_code == 404


def test_confirmed_conflict_blocks_the_review_with_a_message(client, people, proposal):
    to_advice(people, proposal, reviewers=[people["formeel"]])
    conflict = Conflict.objects.get(user=people["formeel"])
    client.force_login(people["programmateam"])
    response = client.post(url("decide_conflict", proposal, pk=conflict.pk), {"confirmed": "ja", "reason": ""})
    assert response.status_code == 400
    assert "Geef een reden voor je besluit over dit belangenconflict." in response.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == Conflict.Status.OPEN
    assert client.post(url("decide_conflict", proposal, pk=conflict.pk), {"confirmed": "ja", "reason": "Cofinancier."}).status_code == 302
    client.force_login(people["formeel"])
    page = client.get(url("review", proposal)).content.decode()
    assert "Je hebt een belangenconflict bij dit voorstel en geeft daarom geen advies." in page
    data = {"recommendation": "positief", "text": "x", **{f"score_{c}": "5" for c in GOOD_SCORES}}
    response = client.post(url("review", proposal), data)
    assert response.status_code == 400 and "belangenconflict" in response.content.decode()


def test_reviewer_declares_a_conflict(client, people, proposal):
    to_advice(people, proposal, reviewers=[people["regisseur"]])
    client.force_login(people["regisseur"])
    response = client.post(url("declare_conflict", proposal), {"context": "advies", "grounds": ""})
    assert response.status_code == 400 and "Beschrijf kort" in response.content.decode()
    assert client.post(url("declare_conflict", proposal), {"context": "advies", "grounds": "Mijn zus werkt er."}).status_code == 302
    assert Conflict.objects.get(user=people["regisseur"]).origin == Conflict.Origin.DECLARED
    assert as_(client, people["otlid"]).post(url("declare_conflict", proposal), {"context": "advies", "grounds": "x"}).status_code == 403


# --- queries -------------------------------------------------------------------------------------

def _make(people, structure, card, funds, n):
    for i in range(n):
        p = services.create_proposal(by=people["otlid"], body=structure["bodies"]["ot"], title=f"Voorstel {i}", purpose="Doel.", actielijnen=[card])
        services.set_lines(by=people["otlid"], proposal=p, lines=[
            {"fund": funds["pmg"], "year": 2026, "amount": Decimal("1000")}, {"fund": funds["spuk"], "year": 2026, "amount": Decimal("500")},
        ])


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("proposals")).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_does_not_grow_with_rows(client, people, structure, card, funds):
    client.force_login(people["otlid"])
    _make(people, structure, card, funds, 3)
    few = _count(client)
    _make(people, structure, card, funds, 27)
    assert _count(client) == few


# --- public summary ------------------------------------------------------------------------------

@pytest.fixture
def granted(people, proposal, meeting, funds, ab_voorzitter):
    (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
    services.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Adviestekst R.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=proposal, outcome="toegekend",
        lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("35000")}],
    )
    proposal.refresh_from_db()
    return proposal


def test_public_summary_shows_only_the_public_fields(client, people, structure, card, granted):
    concept = services.create_proposal(by=people["otlid"], body=structure["bodies"]["ot"], title="Nog een concept", purpose="X.", actielijnen=[card])
    page = client.get(url("public_grants")).content.decode()
    assert granted.title in page and "35.000,00" in page and "Preventie met Gezag" in page and "Veiligheid" in page
    assert "Informele partners organiseren" in page  # purpose
    for secret in ("Veilig Thuis", "Nisa 4 Nisa", "Adviestekst R.", "Ruimte en uren van het buurtteam", "Demo"):
        assert secret not in page.split('id="main"')[1]
    assert "Nog een concept" not in page
    detail = client.get(url("public_grant", granted)).content.decode()
    assert "35.000,00" in detail and "Adviestekst R." not in detail and "Veilig Thuis" not in detail
    assert client.get(url("public_grant", concept)).status_code == 404


def test_granted_proposal_starts_execution_and_reports(client, people, granted):
    client.force_login(people["otlid"])
    assert client.post(url("final_report", granted), {"start": "1"}).status_code == 302
    granted.refresh_from_db()
    assert granted.state == State.IN_UITVOERING
    response = client.post(url("final_report", granted), {"text": ""})
    assert response.status_code == 400 and "Schrijf wat er met het geld is gedaan" in response.content.decode()
    # A bad attachment leaves the text unsaved too: nothing half-saved.
    response = client.post(url("final_report", granted), {"text": "Twaalf bijeenkomsten.", "file": SimpleUploadedFile("eind.pdf", PNG_BYTES)})
    assert response.status_code == 400 and "geen PDF-, ODT- of DOCX-document" in response.content.decode()
    granted.refresh_from_db()
    assert granted.final_report == ""
    response = client.post(url("final_report", granted), {"text": "Twaalf bijeenkomsten.", "file": SimpleUploadedFile("eind.pdf", PDF_BYTES)})
    assert response.status_code == 302
    assert Attachment.objects.get().kind == Attachment.Kind.VERANTWOORDING


def test_detail_renders_at_every_stage_for_everyone_involved(client, people, proposal, meeting, funds, ab_voorzitter):
    def render_for(*roles, users=()):
        for user in [people[r] for r in roles] + list(users):
            client.force_login(user)
            response = client.get(url("proposal", proposal))
            assert response.status_code == 200, (user, proposal.state)
        return response.content.decode()

    render_for("otlid", "programmateam")
    reviews = to_advice(people, proposal, reviewers=[people["formeel"], people["regisseur"]])
    page = render_for("programmateam")
    assert "Klaar voor het bestuur?" in page and "Belangenconflicten" in page and "Besluit vastleggen" in page
    assert "Samenvatting: 0 van 2 adviezen gegeven" in page
    render_for("otlid", "otvoorzitter", "fondsbeheerder", "formeel", "regisseur")
    services.decide_conflict(by=people["programmateam"], conflict=Conflict.objects.get(user=people["formeel"]), confirmed=True, reason="Cofinancier.")
    services.submit_review(by=people["regisseur"], review=reviews[1], recommendation="positief", text="Doen.", scores=GOOD_SCORES)
    services.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
    proposal.refresh_from_db()
    page = render_for("bestuur", users=[ab_voorzitter])
    assert "Zelf een belangenconflict melden" in page and "Doen." in page
    services.record_decision(
        by=ab_voorzitter, meeting=meeting, proposal=proposal, outcome="toegekend", conditions="Tussenrapportage in juni.",
        lines=[{"fund": funds["pmg"], "year": 2026, "amount": Decimal("35000")}],
    )
    proposal.refresh_from_db()
    page = render_for("otlid")
    assert "Start uitvoering" in page and "Tussenrapportage in juni." in page
    render_for("programmateam", "bestuur", "fondsbeheerder", "regisseur")
