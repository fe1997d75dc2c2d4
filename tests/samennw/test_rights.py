"""The rights table, walked role by role: each role × each right, on own and other bodies."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from domains import services
from samennw import rights
from samennw.rights import Role
from tests.financiering.conftest import GOOD_SCORES, ab_voorzitter, funds, meeting, proposal, to_advice

__all__ = ["ab_voorzitter", "funds", "meeting", "proposal"]  # fixtures shared with the funding tests

ALL = {
    "anoniem", "bewoner", "informeel", "formeel", "regisseur", "regisseur_zo", "programmateam", "otlid",
    "aanvoerder", "otvoorzitter", "bestuur", "fondsbeheerder", "privacy", "beheerder", "abvoorzitter",
}
OT_MEMBERS = {"otlid", "aanvoerder", "otvoorzitter"}
PT = {"programmateam"}
CARD_EDITORS = {"programmateam", "aanvoerder"}
# "bestuur" holds an opgaveteam chair's board seat, "abvoorzitter" the board chair's seat (the mayor, DECISIONS 8).
BOARD = {"bestuur", "abvoorzitter"}
# In the funding rows, "regisseur" is the assigned reviewer of the proposal once it is in advice.
REVIEWER = {"regisseur"}
NW = {"informeel", "formeel", "regisseur"}  # the Nieuw-West netwerkgroep's members
ZO = {"regisseur_zo"}  # the Zuidoost netwerkgroep's member

# action, object key (None = no object), the roles that may
EXPECTED = [
    ("portal.view_public", None, ALL),
    ("portal.view_own_profile", None, ALL - {"anoniem"}),
    ("portal.view_audit_log", None, {"privacy"}),
    ("admin.access", None, {"beheerder"}),
    ("domains.view_member_list", "ot", {"programmateam"} | OT_MEMBERS),
    ("domains.view_member_list", "bestuur", {"programmateam"} | BOARD),
    ("domains.manage_body", "ot", {"programmateam", "otvoorzitter"}),
    ("domains.manage_body", "bestuur", {"programmateam"}),
    ("domains.add_report", "ot", {"programmateam", "otvoorzitter"}),
    ("domains.view_unpublished_report", "ot", {"programmateam"} | OT_MEMBERS),
    ("domains.edit_structure", None, {"programmateam"}),
    ("domains.assign_seat", None, {"programmateam", "beheerder"}),
    ("domains.decide_organisation_kind", None, {"programmateam"}),
    ("domains.view_seats", "ot", {"programmateam", "beheerder"}),
    ("domains.view_seats", "ng_nw", {"programmateam", "beheerder", "regisseur"}),
    ("domains.view_seats", "ng_zo", {"programmateam", "beheerder", "regisseur_zo"}),
    ("domains.change_seat_side", "ng_nw", {"regisseur"}),
    ("domains.change_seat_side", "ng_zo", {"regisseur_zo"}),
    ("domains.change_seat_side", "ot", set()),
    ("domains.view_dashboard", None, {"programmateam"} | BOARD | OT_MEMBERS),
    # action-line cards: "card" is the aanvoerder's concept card in Veiligheid, "other" a concept in
    # another domain without leads, "published" the first card after publication.
    ("actielijnen.view_card", "card", {"programmateam"} | BOARD | OT_MEMBERS),
    ("actielijnen.view_card", "published", ALL),
    ("actielijnen.view_card", "other", {"programmateam"} | BOARD),
    ("actielijnen.view_overview", None, {"programmateam"} | BOARD | OT_MEMBERS),
    ("actielijnen.create_card", None, PT),
    ("actielijnen.edit_card", "card", CARD_EDITORS),
    ("actielijnen.edit_card", "other", PT),
    ("actielijnen.add_status_update", "card", CARD_EDITORS),
    ("actielijnen.add_status_update", "other", PT),
    ("actielijnen.propose_update", "card", {"programmateam"} | OT_MEMBERS),
    ("actielijnen.propose_update", "other", PT),
    ("actielijnen.view_history", "card", {"programmateam"} | OT_MEMBERS),
    ("actielijnen.view_history", "other", PT),
    ("actielijnen.restore_version", "card", PT),
    ("actielijnen.submit", "card", CARD_EDITORS),
    ("actielijnen.submit", "other", PT),
    ("actielijnen.send_back", "card", PT),
    ("actielijnen.publish", "card", PT),
    ("actielijnen.withdraw", "published", PT),
    ("actielijnen.complete", "published", PT),
    ("actielijnen.archive", "card", PT),
    ("actielijnen.reopen", "card", PT),
    ("actielijnen.export", None, PT),
    ("actielijnen.import", None, PT),
    ("monitoring.edit_story", None, PT),
    ("monitoring.publish_story", None, PT),
    ("monitoring.sign_off_hgkm_story", None, {"regisseur", "regisseur_zo"}),
    ("monitoring.view_contact_messages", None, PT),
    # indicators (issue 7 item 1): "ind_public" a public indicator, "ind_hidden" one that is not public
    ("monitoring.view_indicator_dashboard", None, PT),
    ("monitoring.view_indicator", "ind_public", ALL),
    ("monitoring.view_indicator", "ind_hidden", PT),
    ("monitoring.manage_indicators", None, PT),
    ("monitoring.import_measurements", None, PT),
    ("monitoring.edit_jaarbeeld", None, PT),
    ("monitoring.approve_jaarbeeld_block", None, PT),
    ("monitoring.build_jaarbeeld", None, PT),
    ("monitoring.publish_jaarbeeld", None, PT),
    # jaarbeeld versions (issue 7 item 3): "build_published" the public version, "build_internal" an earlier one
    ("monitoring.view_jaarbeeld_build", "build_published", ALL),
    ("monitoring.view_jaarbeeld_build", "build_internal", PT),
    # funding (issue 5, DECISIONS 5-7). Objects: "concept" is the Veiligheid team's proposal written by otlid;
    # "submitted" the same once submitted; "advies" the same in advice with regisseur as reviewer; "granted"
    # the same after the board granted it; "fund" is guarded by fondsbeheerder, "fund_other" by nobody;
    # "meeting" a board meeting.
    ("financiering.view_public_summary", "granted", ALL),
    ("financiering.view_public_summary", "concept", set()),
    ("financiering.view_public_summary", "submitted", set()),
    ("financiering.view_budget", None, {"programmateam", "fondsbeheerder"} | BOARD),
    ("financiering.manage_funds", None, {"programmateam", "fondsbeheerder"}),
    ("financiering.view_proposals", None, {"programmateam", "fondsbeheerder"} | BOARD | OT_MEMBERS),
    ("financiering.create_proposal", None, PT | OT_MEMBERS),
    # submitters see their own; a concept is not yet for guardians, reviewers or the board
    ("financiering.view_proposal", "concept", PT | OT_MEMBERS),
    ("financiering.view_proposal", "submitted", PT | OT_MEMBERS | {"fondsbeheerder"}),
    ("financiering.view_proposal", "advies", PT | OT_MEMBERS | {"fondsbeheerder"} | REVIEWER),
    ("financiering.view_proposal", "granted", PT | OT_MEMBERS | {"fondsbeheerder"} | REVIEWER | BOARD),
    ("financiering.edit_proposal", "concept", PT | OT_MEMBERS),
    ("financiering.edit_proposal", "submitted", set()),
    ("financiering.edit_proposal", "granted", set()),
    ("financiering.submit", "concept", OT_MEMBERS),
    ("financiering.submit", "submitted", set()),
    ("financiering.manage_process", "submitted", PT),
    ("financiering.team_akkoord", "submitted", {"otvoorzitter"}),
    ("financiering.financial_check", "fund", {"fondsbeheerder"}),
    ("financiering.financial_check", "fund_other", set()),
    ("financiering.assign_reviewer", "submitted", PT),
    ("financiering.give_review", "advies", REVIEWER),
    ("financiering.give_review", "submitted", set()),
    ("financiering.view_review_summary", "advies", PT),
    ("financiering.view_review_summary", "granted", PT | BOARD),
    ("financiering.declare_conflict", "advies", REVIEWER),
    ("financiering.declare_conflict", "granted", REVIEWER | BOARD),
    ("financiering.declare_conflict", "concept", set()),
    ("financiering.decide_review_conflict", "advies", PT),
    ("financiering.decide_board_conflict", "meeting", {"abvoorzitter"}),
    ("financiering.manage_meeting", None, PT),
    ("financiering.view_meeting", "meeting", PT | BOARD),
    ("financiering.record_decision", "meeting", PT | {"abvoorzitter"}),
    ("financiering.report", "granted", OT_MEMBERS),
    ("financiering.report", "concept", set()),
    ("financiering.export", None, {"programmateam", "fondsbeheerder"}),
    ("netwerkgroep.enter", "ng_nw", {"informeel", "formeel", "regisseur"}),
    ("netwerkgroep.enter", "ng_zo", {"regisseur_zo"}),
    # The HGKM netwerkgroep (issue 6, item 7; DECISIONS 10-14). Objects: "case_inf" a Nieuw-West case brought
    # in by the informal partner, "case_form" one brought in by the formal partner, "case_closed" a closed
    # Nieuw-West case, "case_zo" a Zuidoost case brought in by the Zuidoost regisseur, "agr_nisa" an agreement
    # proposed to Nisa 4 Nisa (informal: waits for acceptance), "agr_vt" one given to Veilig Thuis. Members of
    # one group see nothing of the other; programme team, board, beheerder (a superuser) and the privacy
    # officer see no case at all (the privacy officer reads the audit only).
    *[("netwerkgroep.view_case", key, NW) for key in ("case_inf", "case_form", "case_closed", "agr_nisa")],
    ("netwerkgroep.view_case", "case_zo", ZO),
    ("netwerkgroep.bring_in", "ng_nw", NW),
    ("netwerkgroep.bring_in", "ng_zo", ZO),
    ("netwerkgroep.edit_case", "case_inf", {"informeel", "regisseur"}),
    ("netwerkgroep.edit_case", "case_form", {"formeel", "regisseur"}),
    ("netwerkgroep.edit_case", "case_closed", set()),
    ("netwerkgroep.edit_case", "case_zo", ZO),
    ("netwerkgroep.record_consent", "case_inf", {"informeel", "regisseur"}),
    ("netwerkgroep.record_consent", "case_form", {"formeel", "regisseur"}),
    ("netwerkgroep.record_consent", "case_closed", set()),
    ("netwerkgroep.record_consent", "case_zo", ZO),
    ("netwerkgroep.add_note", "case_inf", NW),
    ("netwerkgroep.add_note", "case_closed", NW),
    ("netwerkgroep.add_note", "case_zo", ZO),
    ("netwerkgroep.manage_agenda", "ng_nw", {"regisseur"}),
    ("netwerkgroep.manage_agenda", "ng_zo", ZO),
    ("netwerkgroep.run_meeting", "ng_nw", {"regisseur"}),
    ("netwerkgroep.run_meeting", "ng_zo", ZO),
    ("netwerkgroep.manage_meetings", "ng_nw", {"regisseur"}),
    ("netwerkgroep.manage_meetings", "ng_zo", ZO),
    ("netwerkgroep.add_agreement", "case_inf", {"regisseur"}),
    ("netwerkgroep.add_agreement", "case_closed", set()),
    ("netwerkgroep.add_agreement", "case_zo", ZO),
    ("netwerkgroep.update_agreement", "agr_nisa", {"informeel", "regisseur"}),
    ("netwerkgroep.update_agreement", "agr_vt", {"formeel", "regisseur"}),
    # DECISIONS 12: an agreement given to an informal partner must be accepted by it, not by the regisseur.
    ("netwerkgroep.accept_agreement", "agr_nisa", {"informeel"}),
    ("netwerkgroep.accept_agreement", "agr_vt", set()),
    ("netwerkgroep.close_case", "case_inf", {"regisseur"}),
    ("netwerkgroep.close_case", "case_closed", set()),
    ("netwerkgroep.close_case", "case_zo", ZO),
    ("netwerkgroep.transfer_case", "case_inf", {"regisseur"}),
    ("netwerkgroep.transfer_case", "case_closed", set()),
    ("netwerkgroep.transfer_case", "case_zo", ZO),
    ("netwerkgroep.redact", "case_inf", {"regisseur"}),
    ("netwerkgroep.redact", "case_zo", ZO),
    ("netwerkgroep.manage_retention", "case_closed", {"regisseur"}),
    ("netwerkgroep.manage_retention", "ng_zo", ZO),
    ("netwerkgroep.view_audit", "case_inf", {"regisseur", "privacy"}),
    ("netwerkgroep.view_audit", "ng_nw", {"regisseur", "privacy"}),
    ("netwerkgroep.view_audit", "case_zo", ZO | {"privacy"}),
    ("netwerkgroep.view_stats", "ng_nw", {"regisseur", "programmateam", "privacy"}),
    ("netwerkgroep.view_stats", "ng_zo", ZO | {"programmateam", "privacy"}),
    ("netwerkgroep.view_stats", None, {"programmateam", "privacy"}),
    ("netwerkgroep.sign_off_figures", "ng_nw", {"regisseur"}),
    ("netwerkgroep.sign_off_figures", "ng_zo", ZO),
    ("netwerkgroep.view_lessons", "ng_nw", NW),
    ("netwerkgroep.view_lessons", "ng_zo", ZO),
]

EXPECTED_ROLES = {
    "anoniem": set(),
    "bewoner": {Role.BEWONER},
    "informeel": {Role.BEWONER, Role.INFORMELE_PARTNER},
    "formeel": {Role.BEWONER, Role.FORMELE_PARTNER},
    "regisseur": {Role.BEWONER, Role.NETWERKREGISSEUR, Role.FORMELE_PARTNER},
    "regisseur_zo": {Role.BEWONER, Role.NETWERKREGISSEUR, Role.FORMELE_PARTNER},
    "programmateam": {Role.BEWONER, Role.PROGRAMMATEAM},
    "otlid": {Role.BEWONER, Role.OPGAVETEAMLID},
    "aanvoerder": {Role.BEWONER, Role.OPGAVETEAMLID, Role.AANVOERDER},
    "otvoorzitter": {Role.BEWONER, Role.OPGAVETEAMLID},
    "bestuur": {Role.BEWONER, Role.BESTUURSLID},
    "fondsbeheerder": {Role.BEWONER, Role.FONDSBEHEERDER},
    "privacy": {Role.BEWONER, Role.PRIVACY},
    "beheerder": {Role.BEWONER, Role.BEHEERDER},
}


@pytest.mark.django_db
def test_every_rule_has_expectations():
    """A new action in the rights table without a row here fails: the table is walked completely."""
    assert {action for action, _obj, _roles in EXPECTED} == set(rights.RULES)


def _funding_object(key, request, people):
    """Build the funding object a row needs, through the services (only the one the row asks for)."""
    from financiering import services as funding
    from financiering.models import Fund

    funds = request.getfixturevalue("funds")
    if key == "fund":
        return funds["pmg"]
    if key == "fund_other":
        return funding.save_fund(by=people["programmateam"], slug="ander-fonds", name="Ander fonds", source="Rijk", first_year=2026, last_year=2026)
    if key == "meeting":
        return request.getfixturevalue("meeting")
    proposal = request.getfixturevalue("proposal")
    if key == "submitted":
        funding.submit(by=people["otlid"], proposal=proposal)
    elif key in ("advies", "granted"):
        meeting = request.getfixturevalue("meeting")
        (review,) = to_advice(people, proposal, reviewers=[people["regisseur"]])
        if key == "granted":
            funding.submit_review(by=people["regisseur"], review=review, recommendation="positief", text="Doen.", scores=GOOD_SCORES)
            funding.put_on_agenda(by=people["programmateam"], proposal=proposal, meeting=meeting)
            funding.record_decision(
                by=people["programmateam"], meeting=meeting, proposal=proposal, outcome="toegekend",
                lines=[{"fund": Fund.objects.get(slug="preventie-met-gezag"), "year": 2026, "amount": Decimal("30000")}],
            )
    proposal.refresh_from_db()
    return proposal


FUNDING_KEYS = ("concept", "submitted", "advies", "granted", "fund", "fund_other", "meeting")
NG_KEYS = ("case_inf", "case_form", "case_closed", "case_zo", "agr_nisa", "agr_vt")
IND_KEYS = ("ind_public", "ind_hidden")
BUILD_KEYS = ("build_published", "build_internal")
PLAIN_ROWS = [row for row in EXPECTED if row[1] not in FUNDING_KEYS + NG_KEYS + IND_KEYS + BUILD_KEYS]


def _assert_row(people, action, obj, allowed):
    outcome = {kind for kind, user in people.items() if rights.can(user, action, obj)}
    assert outcome == allowed, action
    for kind, user in people.items():
        reason = rights.why_not(user, action, obj)
        assert (reason is None) == (kind in allowed), (action, kind)


@pytest.mark.django_db
@pytest.mark.parametrize("action,obj_key,allowed", PLAIN_ROWS, ids=[f"{a}:{o}" for a, o, _ in PLAIN_ROWS])
def test_role_by_right(people, ab_voorzitter, structure, card, other_card, action, obj_key, allowed):
    people = {**people, "abvoorzitter": ab_voorzitter}
    if obj_key == "published":
        from actielijnen.models import Actielijn

        Actielijn.objects.filter(pk=card.pk).update(status="gepubliceerd")
        card.refresh_from_db()
    objects = {**structure["bodies"], "card": card, "published": card, "other": other_card}
    _assert_row(people, action, objects[obj_key] if obj_key else None, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("obj_key", IND_KEYS)
def test_role_by_indicator_right(people, ab_voorzitter, structure, obj_key):
    from monitoring import indicators

    people = {**people, "abvoorzitter": ab_voorzitter}
    indicator = indicators.create_indicator(
        by=people["programmateam"], slug=obj_key.replace("_", "-"), domain=structure["domain"], name="Indicator",
        is_public=obj_key == "ind_public",
    )
    for action, key, allowed in EXPECTED:
        if key == obj_key:
            _assert_row(people, action, indicator, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("obj_key", BUILD_KEYS)
def test_role_by_jaarbeeld_build_right(people, ab_voorzitter, obj_key):
    """A published version is for everyone; any other version only for the programme team."""
    from django.utils import timezone

    from monitoring.models import Build

    people = {**people, "abvoorzitter": ab_voorzitter}
    build = Build(number=1, language="nl", state=Build.State.KLAAR)
    build.published_at = timezone.now() if obj_key == "build_published" else None
    for action, key, allowed in EXPECTED:
        if key == obj_key:
            _assert_row(people, action, build, allowed)


@pytest.mark.django_db
@pytest.mark.parametrize("obj_key", FUNDING_KEYS)
def test_role_by_funding_right(request, people, ab_voorzitter, obj_key):
    """The funding rows, grouped by object: each object is built once through the services."""
    people = {**people, "abvoorzitter": ab_voorzitter}
    obj = _funding_object(obj_key, request, people)
    for user in people.values():
        rights.forget(user)
    rows = [(action, allowed) for action, key, allowed in EXPECTED if key == obj_key]
    assert rows
    for action, allowed in rows:
        _assert_row(people, action, obj, allowed)


def _netwerkgroep_object(key, people, structure):
    """Build the case or agreement a row needs, through the netwerkgroep services."""
    from netwerkgroep import services as ng
    from tests.netwerkgroep.conftest import bring, in_days

    if key == "case_zo":
        return bring(people, structure, who="regisseur_zo", group="ng_zo")
    case = bring(people, structure, who="formeel" if key == "case_form" else "informeel")
    if key == "case_closed":
        return ng.close_case(by=people["regisseur"], case=case, reason="niets-meer", terugblik_on=in_days(90))
    if key in ("agr_nisa", "agr_vt"):
        org = structure["orgs"]["informeel" if key == "agr_nisa" else "formeel"]
        return ng.add_agreement(by=people["regisseur"], case=case, text="Vraagt na welke steun er al is.", owner_org=org, deadline=in_days(14))
    return case


@pytest.mark.django_db
@pytest.mark.parametrize("obj_key", NG_KEYS)
def test_role_by_netwerkgroep_right(people, ab_voorzitter, structure, obj_key):
    """The case rows, grouped by object, for both netwerkgroepen: each object is built once."""
    people = {**people, "abvoorzitter": ab_voorzitter}
    obj = _netwerkgroep_object(obj_key, people, structure)
    for user in people.values():
        rights.forget(user)
    rows = [(action, allowed) for action, key, allowed in EXPECTED if key == obj_key]
    assert rows
    for action, allowed in rows:
        _assert_row(people, action, obj, allowed)


@pytest.mark.django_db
def test_netwerkgroep_rules_have_rows_for_both_groups():
    """Every object-scoped netwerkgroep rule is walked on a Zuidoost object as well as a Nieuw-West one."""
    zo_keys = {"ng_zo", "case_zo"}
    for action in (a for a in rights.RULES if a.startswith("netwerkgroep.") and a not in ("netwerkgroep.update_agreement", "netwerkgroep.accept_agreement")):
        keys = {key for a, key, _roles in EXPECTED if a == action}
        assert keys & zo_keys, action
        assert keys - zo_keys - {None}, action


@pytest.mark.django_db
def test_roles_follow_active_seats(people):
    assert {kind: set(rights.roles_of(user)) for kind, user in people.items()} == EXPECTED_ROLES


@pytest.mark.django_db
def test_ended_seat_takes_role_and_grant_away(people, structure):
    chair = people["otvoorzitter"]
    ot = structure["bodies"]["ot"]
    assert rights.can(chair, "domains.add_report", ot)
    seat = chair.seats.get()
    services.end_seat(by=people["programmateam"], seat=seat, ends_on=datetime.date(2026, 2, 1))
    chair.refresh_from_db()
    assert rights.roles_of(chair) == {Role.BEWONER}
    assert not rights.can(chair, "domains.add_report", ot)
    assert not chair.has_perm("domains.manage_body", ot)


@pytest.mark.django_db
def test_future_seat_gives_nothing_until_it_starts(make_person, structure, django_user_model):
    user = django_user_model.objects.create_user(username="straks", password="x-very-long-1")
    services.assign_seat(
        by=None, user=user, body=structure["bodies"]["programmateam"], role="programmateam",
        starts_on=datetime.date(2099, 1, 1),
    )
    assert rights.roles_of(user) == {Role.BEWONER}
    assert services.sync_role_groups(user=user, on=datetime.date(2099, 1, 2)) == {Role.PROGRAMMATEAM}


@pytest.mark.django_db
def test_inactive_user_has_no_rights(people):
    user = people["programmateam"]
    user.is_active = False
    user.save()
    rights.forget(user)
    assert not rights.can(user, "domains.edit_structure")
    assert not rights.can(user, "portal.view_own_profile")


@pytest.mark.django_db
def test_object_grants_die_with_their_object(people, structure):
    from domains.models import BodyUserObjectPermission

    ot = structure["bodies"]["ot"]
    assert BodyUserObjectPermission.objects.filter(content_object=ot).exists()
    ot.seats.all().delete()
    ot.delete()
    assert not BodyUserObjectPermission.objects.exists()


@pytest.mark.django_db
def test_model_wide_permission_does_not_stand_in_for_object_grant(people, structure):
    """A global 'manage_body' permission (e.g. given in the admin) grants no body by accident."""
    from django.contrib.auth.models import Permission

    user = people["bewoner"]
    user.user_permissions.add(Permission.objects.get(codename="manage_body"))
    rights.forget(user)
    assert not rights.can(user, "domains.manage_body", structure["bodies"]["ot"])


@pytest.mark.django_db
def test_netwerkgroep_seat_side_follows_organisation_kind(people):
    assert people["informeel"].seats.get(body__kind="netwerkgroep").side == "informeel"
    assert people["formeel"].seats.get(body__kind="netwerkgroep").side == "formeel"


def test_unknown_action_is_an_error():
    with pytest.raises(KeyError):
        rights.can(None, "does.not.exist")
