"""The case pages through the test client: bringing in (with the PII guard and the name warning), what
each seat sees of the notes, agreements from proposal to done, transfer, closing, and the audit trail."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from netwerkgroep import selectors, services
from netwerkgroep.models import Agreement, Case, Note
from samennw.models import AuditEvent
from tests.netwerkgroep.conftest import QUESTION, bring, fresh, in_days
from tests.netwerkgroep.test_case_access import verified_client


def _form(**changes) -> dict:
    data = {
        "adults": "1", "children_0_4": "0", "children_4_12": "2", "children_12_18": "0",
        "roles": ["slachtoffer", "kind"], "bouwstenen": ["samenwerking"], "urgency": "normaal",
        "question": QUESTION, "tried": "Gesprekken met het buurtteam.", "stuck_on": "Vertrouwen in hulpverlening.",
        "involved": "Buurtteam en school.",
        "consent_given_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "consent_form": "mondeling", "consent_scope": "Bespreken aan de tafel, zonder namen.",
        "consent_household_wishes": "Rustig aan.",
    }
    data.update(changes)
    return data


@pytest.fixture
def nw_url(structure):
    return reverse("netwerkgroep:bring_in", args=[structure["bodies"]["ng_nw"].slug])


def test_bring_in_refuses_a_phone_number_and_keeps_the_input(people, nw_url):
    client = verified_client(people["informeel"])
    question = "Moeder is bereikbaar op 06-12345678 en wil hulp."
    response = client.post(nw_url, _form(question=question))
    assert response.status_code == 400
    assert Case.objects.count() == 0
    form = response.context["form"]
    assert "question" in form.errors
    assert "Vraag aan de tafel" in form.errors["question"][0]
    assert "telefoonnummer" in form.errors["question"][0]
    assert "06-12345678" not in form.errors["question"][0]  # masked in the message
    assert question in response.content.decode()  # the input is kept


def test_bring_in_refuses_a_case_without_consent_date(people, nw_url):
    client = verified_client(people["informeel"])
    response = client.post(nw_url, _form(consent_given_on=""))
    assert response.status_code == 400
    assert "consent_given_on" in response.context["form"].errors
    assert "toestemming" in response.context["form"].errors["consent_given_on"][0]
    assert Case.objects.count() == 0


def test_bring_in_warns_about_a_name_then_saves_after_the_check(people, nw_url):
    client = verified_client(people["informeel"])
    data = _form(tried="Mevrouw Jansen van het buurtteam sprak met moeder.")
    first = client.post(nw_url, data)
    assert first.status_code == 400
    assert first.context["warnings"]["tried"]
    assert "Ik heb gecontroleerd dat er geen namen in staan" in first.content.decode()
    assert Case.objects.count() == 0
    second = client.post(nw_url, {**data, "names_checked": "on"})
    assert second.status_code == 302
    case = Case.objects.get()
    assert second["Location"] == reverse("netwerkgroep:case", args=[case.code])
    assert case.code in second["Location"] and "Jansen" not in second["Location"]
    assert case.inbrenger_org.slug == "nisa-4-nisa" and case.inbrenger_side == "informeel"
    assert case.has_slachtoffer and case.has_kind and not case.has_pleger
    assert case.bouwstenen == ["samenwerking"] and case.children_4_12 == 2
    consent = case.consents.get()
    assert consent.form == "mondeling" and consent.recorded_by == people["informeel"]


def test_case_page_shows_what_each_seat_may_see(people, structure):
    case = bring(people, structure)
    formeel, informeel, regisseur = people["formeel"], people["informeel"], people["regisseur"]
    services.add_note(by=formeel, case=case, text="Er loopt een traject met een tijdelijk huisverbod.", visibility=Note.Visibility.FORMEEL)
    services.add_note(by=formeel, case=case, text="Alleen voor de inbrenger en de regisseur.", visibility=Note.Visibility.BEPERKT)
    services.add_note(by=informeel, case=case, text="Moeder heeft weer contact gezocht.")
    fresh(formeel, informeel, regisseur)
    url = reverse("netwerkgroep:case", args=[case.code])

    as_informal = verified_client(informeel).get(url).content.decode()
    assert "tijdelijk huisverbod." not in as_informal
    assert "Alleen voor de inbrenger en de regisseur." in as_informal  # the inbrenger sees restricted notes
    assert "Moeder heeft weer contact gezocht." in as_informal
    assert "Nisa 4 Nisa (informeel)" in as_informal

    as_formal = verified_client(formeel).get(url).content.decode()
    assert "tijdelijk huisverbod." in as_formal
    assert "Alleen voor de inbrenger en de regisseur." in as_formal  # the author

    as_regisseur = verified_client(regisseur).get(url).content.decode()
    assert "tijdelijk huisverbod." in as_regisseur and "Alleen voor de inbrenger en de regisseur." in as_regisseur


def test_restricted_note_is_hidden_from_other_members(people, structure):
    case = bring(people, structure)
    services.add_note(by=people["regisseur"], case=case, text="Beperkt zichtbaar.", visibility=Note.Visibility.BEPERKT)
    fresh(people["regisseur"])
    page = verified_client(people["formeel"]).get(reverse("netwerkgroep:case", args=[case.code])).content.decode()
    assert "Beperkt zichtbaar." not in page


def test_informal_partner_cannot_choose_a_formal_note(people, structure):
    case = bring(people, structure)
    client = verified_client(people["informeel"])
    page = client.get(reverse("netwerkgroep:case", args=[case.code])).content.decode()
    assert 'value="formeel"' not in page
    response = client.post(reverse("netwerkgroep:note_add", args=[case.code]), {"text": "Iets formeels.", "visibility": "formeel"})
    assert response.status_code == 400
    assert not case.notes.exists()
    ok = client.post(reverse("netwerkgroep:note_add", args=[case.code]), {"text": "Voor de tafel.", "visibility": "tafel"})
    assert ok.status_code == 302 and case.notes.get().visibility == "tafel"


def test_formal_partner_adds_a_formal_note_the_informal_partner_cannot_see(people, structure):
    case = bring(people, structure)
    formal = verified_client(people["formeel"])
    response = formal.post(
        reverse("netwerkgroep:note_add", args=[case.code]), {"text": "Politie is betrokken.", "visibility": "formeel"}
    )
    assert response.status_code == 302
    page = verified_client(people["informeel"]).get(reverse("netwerkgroep:case", args=[case.code])).content.decode()
    assert "Politie is betrokken." not in page


def test_agreement_accepted_by_the_informal_owner_only_then_finished(people, structure):
    case = bring(people, structure)
    regisseur = verified_client(people["regisseur"])
    response = regisseur.post(
        reverse("netwerkgroep:agreement_add", args=[case.code]),
        {
            "text": "Moeder meenemen naar de inloop.", "owner_org": structure["orgs"]["informeel"].pk,
            "deadline": in_days(10).isoformat(), "discussed_with_household": "ja",
        },
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get()
    assert agreement.status == Agreement.Status.VOORGESTELD

    accept = reverse("netwerkgroep:agreement_accept", args=[agreement.pk])
    prefix = f"a{agreement.pk}-"
    assert verified_client(people["formeel"]).post(accept, {prefix + "decision": "ja"}).status_code == 403
    assert regisseur.post(accept, {prefix + "decision": "ja"}).status_code == 403
    informal = verified_client(people["informeel"])
    page = informal.get(reverse("netwerkgroep:case", args=[case.code])).content.decode()
    assert accept in page
    assert informal.post(accept, {prefix + "decision": "ja"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.OPEN

    mine = informal.get(reverse("netwerkgroep:my_agreements"))
    assert mine.status_code == 200
    assert "Moeder meenemen naar de inloop." in mine.content.decode() and case.code in mine.content.decode()
    assert "Moeder meenemen" not in verified_client(people["formeel"]).get(reverse("netwerkgroep:my_agreements")).content.decode()

    finish = reverse("netwerkgroep:agreement_finish", args=[agreement.pk])
    assert informal.post(finish, {f"f{agreement.pk}-done": "ja"}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.GEDAAN


def test_decline_needs_a_reason(people, structure):
    case = bring(people, structure)
    agreement = services.add_agreement(
        by=people["regisseur"], case=case, text="Iets doen.", owner_org=structure["orgs"]["informeel"], deadline=in_days(5)
    )
    fresh(people["regisseur"])
    informal = verified_client(people["informeel"])
    url = reverse("netwerkgroep:agreement_accept", args=[agreement.pk])
    response = informal.post(url, {f"a{agreement.pk}-decision": "nee"})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.VOORGESTELD


def test_overdue_agreement_is_flagged_on_my_agreements(people, structure):
    case = bring(people, structure, who="formeel")
    agreement = services.add_agreement(
        by=people["regisseur"], case=case, text="Huisbezoek plannen.", owner_org=structure["orgs"]["formeel"], deadline=in_days(1)
    )
    Agreement.objects.filter(pk=agreement.pk).update(deadline=in_days(-3))  # time passed since it was made
    page = verified_client(people["formeel"]).get(reverse("netwerkgroep:my_agreements")).content.decode()
    assert "Huisbezoek plannen." in page and "over tijd" in page


def test_transfer_keeps_ingebracht_door(people, structure):
    case = bring(people, structure)
    regisseur = verified_client(people["regisseur"])
    response = regisseur.post(
        reverse("netwerkgroep:case_transfer", args=[case.code]),
        {"to": structure["orgs"]["formeel"].pk, "reason": "Er is een melding nodig."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Case.Status.OVERGEDRAGEN and case.transferred_to == structure["orgs"]["formeel"]
    page = verified_client(people["informeel"]).get(reverse("netwerkgroep:case", args=[case.code])).content.decode()
    assert "Ingebracht door" in page and "Nisa 4 Nisa (informeel)" in page
    assert "overgedragen aan Veilig Thuis" in page


def test_transfer_to_an_informal_partner_is_refused(people, structure):
    case = bring(people, structure)
    response = verified_client(people["regisseur"]).post(
        reverse("netwerkgroep:case_transfer", args=[case.code]), {"to": structure["orgs"]["informeel"].pk, "reason": "Zomaar."}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.transferred_to is None


def test_close_with_reason_then_the_case_is_no_longer_editable(people, structure):
    case = bring(people, structure)
    regisseur = verified_client(people["regisseur"])
    url = reverse("netwerkgroep:case_close", args=[case.code])
    missing = regisseur.post(url, {"reason": "doorbraak"})
    assert missing.status_code == 400 and "terugblik_on" in missing.context["form"].errors
    response = regisseur.post(url, {"reason": "doorbraak", "terugblik_on": in_days(90).isoformat(), "lesson": "Samen optrekken werkt."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.is_closed and case.close_reason == "doorbraak"
    assert regisseur.get(reverse("netwerkgroep:case_edit", args=[case.code])).status_code == 404
    assert regisseur.get(url).status_code == 404
    assert regisseur.get(reverse("netwerkgroep:case", args=[case.code])).status_code == 200


def test_edit_with_personal_data_saves_nothing(people, structure):
    case = bring(people, structure)
    client = verified_client(people["informeel"])
    url = reverse("netwerkgroep:case_edit", args=[case.code])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items()}
    data.update(question="Mail naar moeder@example.org", roles=["slachtoffer"], bouwstenen=[])
    response = client.post(url, data)
    assert response.status_code == 400 and "question" in response.context["form"].errors
    case.refresh_from_db()
    assert case.question == QUESTION
    data["question"] = "Een nieuwe vraag aan de tafel."
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.question == "Een nieuwe vraag aan de tafel." and case.version == 2


def test_every_case_view_is_audited_and_listed_in_the_access_log(people, structure):
    case = bring(people, structure)
    url = reverse("netwerkgroep:case", args=[case.code])
    verified_client(people["formeel"]).get(url, REMOTE_ADDR="10.1.2.3")
    verified_client(people["informeel"]).get(url, REMOTE_ADDR="10.1.2.4")
    views = AuditEvent.objects.filter(event="case.viewed", target_type="netwerkgroep.case", target_id=case.code)
    assert {(e.actor_id, e.ip_address) for e in views} == {(people["formeel"].pk, "10.1.2.3"), (people["informeel"].pk, "10.1.2.4")}
    log = verified_client(people["regisseur"]).get(reverse("netwerkgroep:case_access_log", args=[case.code]))
    text = log.content.decode()
    assert "10.1.2.3" in text and "10.1.2.4" in text and str(people["formeel"]) in text
    group_log = verified_client(people["privacy"]).get(reverse("netwerkgroep:audit_log", args=[structure["bodies"]["ng_nw"].slug]))
    assert group_log.status_code == 200
    assert case.code in group_log.content.decode() and "case.brought_in" in group_log.content.decode()
    assert case.question not in group_log.content.decode()


def test_no_case_text_in_the_audit_details(people, structure, nw_url):
    client = verified_client(people["informeel"])
    client.post(nw_url, _form())
    case = Case.objects.get()
    client.post(reverse("netwerkgroep:note_add", args=[case.code]), {"text": "Een geheime notitie.", "visibility": "tafel"})
    client.get(reverse("netwerkgroep:case", args=[case.code]))
    client.get(reverse("netwerkgroep:case", args=["NW-0000-00"]))
    texts = [QUESTION, "Gesprekken met het buurtteam.", "Een geheime notitie.", "Bespreken aan de tafel"]
    for event in AuditEvent.objects.all():
        dumped = str(event.details)
        assert not any(text in dumped for text in texts), event.event


def test_guessed_code_is_a_404_and_the_attempt_is_audited(people, structure):
    bring(people, structure)
    response = verified_client(people["formeel"]).get(reverse("netwerkgroep:case", args=["NW-2345-67"]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(event="case.access_refused", actor=people["formeel"]).exists()


def test_group_page_lists_cases_with_filters_and_the_regisseur_tools(people, structure, meetings):
    bring(people, structure, urgency="hoog", bouwstenen=["plegeraanpak"])
    bring(people, structure, who="formeel")
    body = structure["bodies"]["ng_nw"]
    url = reverse("netwerkgroep:group", args=[body.slug])
    regisseur = verified_client(people["regisseur"])
    page = regisseur.get(url)
    assert page.status_code == 200 and len(page.context["cases"]) == 2
    text = page.content.decode()
    assert "Nisa 4 Nisa (informeel)" in text and "Veilig Thuis (formeel)" in text
    assert reverse("netwerkgroep:meeting", args=[meetings.first().pk]) in text
    assert reverse("netwerkgroep:audit_log", args=[body.slug]) in text
    assert len(regisseur.get(url, {"bouwsteen": "plegeraanpak"}).context["cases"]) == 1
    assert len(regisseur.get(url, {"urgentie": "hoog"}).context["cases"]) == 1
    member = verified_client(people["informeel"]).get(url).content.decode()
    assert reverse("netwerkgroep:audit_log", args=[body.slug]) not in member


def test_case_list_query_count_does_not_grow(people, structure):
    body = structure["bodies"]["ng_nw"]
    user = people["regisseur"]

    def count() -> int:
        fresh(user)
        with CaptureQueriesContext(connection) as ctx:
            rows = list(selectors.cases_for(user, body))
            for row in rows:
                (row.inbrenger_org.name, row.open_agreements, row.last_discussed, row.bouwsteen_labels())
        return len(ctx.captured_queries)

    bring(people, structure)
    one = count()
    for _ in range(4):
        bring(people, structure)
    assert count() == one
