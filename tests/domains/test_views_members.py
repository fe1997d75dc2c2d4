"""The "Leden en zetels" pages through the test client, role by role: seats given and ended, a member's side
at a netwerkgroep table, the partner-kind decision, and the admin that can no longer bypass them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.sites import site as admin_site
from django.urls import reverse
from django.utils import timezone

from domains import services
from domains.models import Organisation, OrganisationKindDecision, Seat, SeatSideChange
from samennw.models import AuditEvent
from samennw.rights import Role, roles_of
from tests.otp_session import verify_session


def _members(structure, key: str) -> str:
    return reverse("domains:members", kwargs={"slug": structure["bodies"][key].slug})


def _login(client, people, kind):
    if kind != "anoniem":
        client.force_login(people[kind])
    return client


def _text(response) -> str:
    return response.content.decode()


# --- who sees the page ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind,body_key,status",
    [
        ("programmateam", "ot", 200),
        ("programmateam", "ng_nw", 200),
        ("programmateam", "bestuur", 200),
        ("beheerder", "ot", 200),
        ("regisseur", "ng_nw", 200),
        ("regisseur", "ng_zo", 403),  # the regisseur of group A has no say over group B's table
        ("regisseur_zo", "ng_nw", 403),
        ("regisseur", "ot", 403),
        ("informeel", "ng_nw", 403),  # a member of the table does not manage it
        ("otvoorzitter", "ot", 403),
        ("bewoner", "ot", 403),
    ],
)
def test_who_sees_the_page(client, people, structure, kind, body_key, status):
    response = _login(client, people, kind).get(_members(structure, body_key))
    assert response.status_code == status
    if status == 200:
        assert structure["bodies"][body_key].name in _text(response)


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, structure):
    response = client.get(_members(structure, "ot"))
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "inloggen" in response["Location"]


@pytest.mark.django_db
def test_page_lists_current_seats_and_folds_ended_ones(client, people, structure):
    ot = structure["bodies"]["ot"]
    old = services.assign_seat(
        by=None, user=people["bewoner"], body=ot, role=Seat.Role.LID,
        starts_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2025, 6, 30),
    )
    html = _text(_login(client, people, "programmateam").get(_members(structure, "ot")))
    current, ended = html.split("Beëindigde zetels tonen")
    assert "Demo Otvoorzitter" in current and "Voorzitter" in current
    assert "Demo Bewoner" not in current  # an ended seat is not a current one
    assert "Demo Bewoner" in ended and "30 juni 2025" in ended
    assert '<details class="snw-disclosure">' in html.split("Beëindigde zetels")[1]  # folded away, opened without JS
    assert old.pk


@pytest.mark.django_db
def test_regisseur_sees_sides_and_side_forms_but_no_seat_forms(client, people, structure):
    html = _text(_login(client, people, "regisseur").get(_members(structure, "ng_nw")))
    assert "Kant aan tafel" in html
    assert "Informeel" in html and "Formeel" in html
    assert "wijzigen" in html  # the side forms
    assert "Zetel geven" not in html
    assert "beëindigen" not in html


@pytest.mark.django_db
def test_programme_team_gives_seats_but_does_not_change_sides(client, people, structure):
    html = _text(_login(client, people, "programmateam").get(_members(structure, "ng_nw")))
    assert "Zetel geven" in html
    assert "Zetel beëindigen" in html
    assert "Kant aan tafel van" not in html


@pytest.mark.django_db
def test_bodies_index_links_every_body_for_the_programme_team_only(client, people, structure):
    response = _login(client, people, "programmateam").get(reverse("domains:bodies"))
    assert response.status_code == 200
    assert _members(structure, "ng_zo") in _text(response)  # netwerkgroepen, whose own pages only members enter
    assert _login(client, people, "regisseur").get(reverse("domains:bodies")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("kind,sees_link", [("programmateam", True), ("otvoorzitter", False), ("bewoner", False)])
def test_link_from_the_team_page(client, people, structure, kind, sees_link):
    html = _text(_login(client, people, kind).get(reverse("domains:body", kwargs={"slug": "opgaveteam-veiligheid"})))
    assert (_members(structure, "ot") in html) is sees_link


@pytest.mark.django_db
def test_link_from_the_netwerkgroep_page_for_its_regisseur(client, people, structure):
    url = reverse("netwerkgroep:group", kwargs={"group": structure["bodies"]["ng_nw"].slug})
    assert _members(structure, "ng_nw") in _text(verify_session(client, people["regisseur"]).get(url))
    assert _members(structure, "ng_nw") not in _text(verify_session(client, people["informeel"]).get(url))


# --- giving a seat ------------------------------------------------------------------------------------

def _assign(client, structure, body_key="ot", **data):
    post = {"user": "", "organisation": "", "role": "lid", "starts_on": "2026-03-01", "ends_on": "", **data}
    return client.post(reverse("domains:seat_assign", kwargs={"slug": structure["bodies"][body_key].slug}), post)


@pytest.mark.django_db
def test_programme_team_gives_a_seat_with_audit_row(client, people, structure):
    _login(client, people, "programmateam")
    response = _assign(client, structure, user=people["bewoner"].pk, ends_on="2026-12-31")
    assert response.status_code == 302
    seat = Seat.objects.get(user=people["bewoner"], body=structure["bodies"]["ot"])
    assert (seat.role, seat.starts_on, seat.ends_on) == ("lid", datetime.date(2026, 3, 1), datetime.date(2026, 12, 31))
    event = AuditEvent.objects.get(event="seat.assigned", target_id=str(seat.pk))
    assert event.actor == people["programmateam"]
    assert "Demo Bewoner heeft nu de zetel" in _text(client.get(response["Location"]))


@pytest.mark.django_db
def test_a_seat_at_a_netwerkgroep_table_takes_its_side_from_the_organisation(client, people, structure):
    _login(client, people, "programmateam")
    org = structure["orgs"]["informeel"]
    assert _assign(client, structure, "ng_nw", user=people["bewoner"].pk, organisation=org.pk, starts_on="2026-01-01").status_code == 302
    seat = Seat.objects.get(user=people["bewoner"], body=structure["bodies"]["ng_nw"])
    assert seat.side == Seat.Side.INFORMEEL
    people["bewoner"].refresh_from_db()
    assert Role.INFORMELE_PARTNER in roles_of(people["bewoner"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"ends_on": "2026-02-01"}, "De einddatum ligt vóór de begindatum"),
        ({"user": 987654}, "Deze persoon is niet bekend in het portaal"),
        ({"user": ""}, "Kies de persoon die de zetel krijgt."),
        ({"starts_on": ""}, "Vul de datum in waarop de zetel begint."),
        ({"starts_on": "1-3-twintig"}, "Vul een geldige datum in"),
        ({"role": "koning"}, "Kies een rol uit de lijst."),
        ({"role": "bestuurslid"}, "Een bestuurszetel hoort bij het alliantiebestuur."),
        ({"role": "netwerkregisseur"}, "Een netwerkregisseur hoort bij een netwerkgroep."),
    ],
)
def test_bad_input_for_a_new_seat_is_refused_and_nothing_saved(client, people, structure, data, message):
    _login(client, people, "programmateam")
    seats, audits = Seat.objects.count(), AuditEvent.objects.count()
    data = {"user": people["bewoner"].pk, **data}
    response = _assign(client, structure, **data)
    assert response.status_code == 400
    assert message in _text(response)
    assert "Er ging iets mis" in _text(response)  # the error summary
    assert Seat.objects.count() == seats
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_an_inactive_account_is_an_unknown_person(client, people, structure):
    people["bewoner"].is_active = False
    people["bewoner"].save()
    response = _assign(_login(client, people, "programmateam"), structure, user=people["bewoner"].pk)
    assert response.status_code == 400
    assert "Deze persoon is niet bekend in het portaal" in _text(response)


@pytest.mark.django_db
def test_a_person_who_already_holds_the_seat_gets_no_second_one(client, people, structure):
    _login(client, people, "programmateam")
    seats = Seat.objects.count()
    response = _assign(client, structure, user=people["otlid"].pk, starts_on="2026-05-01")  # otlid is lid since 1 Jan
    assert response.status_code == 400
    assert "Demo Otlid heeft deze zetel al in die periode" in _text(response)
    assert Seat.objects.count() == seats


@pytest.mark.django_db
def test_regisseur_may_not_give_seats_at_the_own_table(client, people, structure):
    seats = Seat.objects.count()
    response = _assign(_login(client, people, "regisseur"), structure, "ng_nw", user=people["bewoner"].pk)
    assert response.status_code == 403
    assert Seat.objects.count() == seats


# --- ending a seat ------------------------------------------------------------------------------------

def _end(client, structure, seat, value, body_key="ot"):
    url = reverse("domains:seat_end", kwargs={"slug": structure["bodies"][body_key].slug, "pk": seat.pk})
    return client.post(url, {f"einde-{seat.pk}-ends_on": value})


@pytest.mark.django_db
def test_programme_team_ends_a_seat_and_the_role_goes(client, people, structure):
    seat = people["otlid"].seats.get()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _end(_login(client, people, "programmateam"), structure, seat, yesterday.isoformat())
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.ends_on == yesterday
    assert AuditEvent.objects.get(event="seat.ended", target_id=str(seat.pk)).actor == people["programmateam"]
    people["otlid"].refresh_from_db()
    assert Role.OPGAVETEAMLID not in roles_of(people["otlid"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value,message",
    [
        ("2025-12-31", "Een zetel kan niet eindigen voordat hij begint."),
        ("", "Vul de laatste dag van de zetel in."),
        ("morgen", "Vul een geldige datum in"),
    ],
)
def test_bad_end_dates_are_refused(client, people, structure, value, message):
    seat = people["otlid"].seats.get()
    audits = AuditEvent.objects.count()
    response = _end(_login(client, people, "programmateam"), structure, seat, value)
    assert response.status_code == 400
    html = _text(response)
    assert message in html
    assert "open>" in html.split(f'id="zetel-{seat.pk}"')[1].split("</tr>")[0]  # the failed form is shown open
    seat.refresh_from_db()
    assert seat.ends_on is None
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
def test_a_seat_of_another_body_is_not_found_through_this_one(client, people, structure):
    seat = people["regisseur"].seats.get()  # at the Nieuw-West table
    response = _end(_login(client, people, "programmateam"), structure, seat, "2026-06-30", body_key="ot")
    assert response.status_code == 404


@pytest.mark.django_db
def test_regisseur_may_not_end_seats(client, people, structure):
    seat = people["informeel"].seats.get(body=structure["bodies"]["ng_nw"])
    assert _end(_login(client, people, "regisseur"), structure, seat, "2026-06-30", body_key="ng_nw").status_code == 403
    seat.refresh_from_db()
    assert seat.ends_on is None


# --- the side at a netwerkgroep table -----------------------------------------------------------------

def _side(client, structure, seat, side, reason, body_key="ng_nw"):
    url = reverse("domains:seat_side", kwargs={"slug": structure["bodies"][body_key].slug, "pk": seat.pk})
    return client.post(url, {f"kant-{seat.pk}-side": side, f"kant-{seat.pk}-reason": reason})


@pytest.mark.django_db
def test_regisseur_moves_a_member_to_the_other_side_with_a_reason(client, people, structure):
    seat = people["informeel"].seats.get(body=structure["bodies"]["ng_nw"])
    _login(client, people, "regisseur")
    response = _side(client, structure, seat, "formeel", "Werkt sinds maart onder contract van de gemeente.")
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.side == Seat.Side.FORMEEL
    change = SeatSideChange.objects.get(seat=seat)
    assert (change.from_side, change.to_side, change.changed_by) == ("informeel", "formeel", people["regisseur"])
    event = AuditEvent.objects.get(event="seat.side_changed", target_id=str(seat.pk))
    assert event.actor == people["regisseur"]
    assert event.details["to_side"] == "formeel"
    page = _text(client.get(response["Location"]))
    assert "Werkt sinds maart onder contract van de gemeente." in page  # the history of side changes
    assert "Demo Informeel zit nu formeel aan tafel." in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "side,reason,message",
    [
        ("formeel", "", "Geef een reden voor de wijziging."),
        ("formeel", "   ", "Geef een reden voor de wijziging."),
        ("informeel", "Klopt al.", "Dit lid zit al aan de informele kant van de tafel."),
        ("half", "Geen idee.", "Kies formeel of informeel."),
        ("", "Geen keuze.", "Kies formeel of informeel."),
    ],
)
def test_bad_side_changes_are_refused_and_nothing_saved(client, people, structure, side, reason, message):
    seat = people["informeel"].seats.get(body=structure["bodies"]["ng_nw"])
    audits = AuditEvent.objects.count()
    response = _side(_login(client, people, "regisseur"), structure, seat, side, reason)
    assert response.status_code == 400
    assert message in _text(response)
    seat.refresh_from_db()
    assert seat.side == Seat.Side.INFORMEEL
    assert not SeatSideChange.objects.exists()
    assert AuditEvent.objects.count() == audits


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["regisseur_zo", "programmateam", "formeel", "beheerder"])
def test_only_the_own_regisseur_changes_a_side(client, people, structure, kind):
    seat = people["informeel"].seats.get(body=structure["bodies"]["ng_nw"])
    response = _side(_login(client, people, kind), structure, seat, "formeel", "Poging van buiten.")
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.side == Seat.Side.INFORMEEL
    assert not SeatSideChange.objects.exists()


# --- the partner's kind -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_programme_team_records_a_partner_kind_decision(client, people, structure):
    org = structure["orgs"]["informeel"]
    url = reverse("domains:organisation_kind", kwargs={"slug": org.slug})
    _login(client, people, "programmateam")
    assert url in _text(client.get(reverse("domains:organisations")))  # linked from the partners page
    response = client.post(url, {"kind": "formeel", "reason": "Heeft sinds 2026 een subsidierelatie.", "decided_by_body": "Alliantiebestuur"})
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.kind == Organisation.Kind.FORMEEL
    decision = OrganisationKindDecision.objects.get(organisation=org)
    assert (decision.decided_by, decision.decided_by_body) == (people["programmateam"], "Alliantiebestuur")
    assert AuditEvent.objects.get(event="organisation.kind_decided", target_id=str(org.pk)).actor == people["programmateam"]
    assert "Heeft sinds 2026 een subsidierelatie." in _text(client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "formeel", "reason": ""}, "Geef een reden voor het besluit."),
        ({"kind": "formeel", "reason": "  "}, "Geef een reden"),
        ({"kind": "soms", "reason": "Twijfel."}, "Kies formeel of informeel."),
    ],
)
def test_a_kind_decision_needs_a_kind_and_a_reason(client, people, structure, data, message):
    org = structure["orgs"]["informeel"]
    response = _login(client, people, "programmateam").post(reverse("domains:organisation_kind", kwargs={"slug": org.slug}), data)
    assert response.status_code == 400
    assert message in _text(response)
    org.refresh_from_db()
    assert org.kind == Organisation.Kind.INFORMEEL
    assert not OrganisationKindDecision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind,status", [("regisseur", 403), ("bewoner", 403), ("programmateam", 200)])
def test_who_decides_a_partner_kind(client, people, structure, kind, status):
    url = reverse("domains:organisation_kind", kwargs={"slug": structure["orgs"]["formeel"].slug})
    assert _login(client, people, kind).get(url).status_code == status
    assert (url in _text(client.get(reverse("domains:organisations")))) is (status == 200)


# --- the admin no longer bypasses the decision record ---------------------------------------------------

@pytest.mark.django_db
def test_admin_shows_kind_and_side_read_only_with_a_pointer_to_the_portal(client, people, structure):
    verify_session(client, people["beheerder"])
    org = structure["orgs"]["informeel"]
    url = reverse("admin:domains_organisation_change", args=[org.pk])
    html = _text(client.get(url))
    assert 'name="kind"' not in html
    assert "Soort vastleggen" in html  # the help text names the portal page
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    response = client.post(url, {**data, "kind": "formeel"})
    assert response.status_code == 302  # the rest of the form saved
    org.refresh_from_db()
    assert org.kind == Organisation.Kind.INFORMEEL  # a posted kind is ignored

    seat = people["informeel"].seats.get(body=structure["bodies"]["ng_nw"])
    response = client.get(reverse("admin:domains_seat_change", args=[seat.pk]))
    assert response.status_code == 200  # view only: the seat is shown without a form field for anything
    html = _text(response)
    assert 'name="side"' not in html and 'name="ends_on"' not in html and 'name="user"' not in html
    assert "Leden en zetels" in html
    # nothing bypasses end_seat: a change posted to the admin is refused
    assert client.post(reverse("admin:domains_seat_change", args=[seat.pk]), {"ends_on": "2020-01-01"}).status_code == 403


@pytest.mark.django_db
def test_admin_cannot_add_change_or_delete_seats_or_decision_records(rf, people):
    request = rf.get("/")
    request.user = people["beheerder"]
    for model in (OrganisationKindDecision, SeatSideChange, Seat):
        model_admin = admin_site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
