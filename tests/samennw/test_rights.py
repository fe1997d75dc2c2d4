"""The rights table, walked role by role: each role × each right, on own and other bodies."""

from __future__ import annotations

import datetime

import pytest

from domains import services
from samennw import rights
from samennw.rights import Role

ALL = {
    "anoniem", "bewoner", "informeel", "formeel", "regisseur", "regisseur_zo", "programmateam", "otlid",
    "aanvoerder", "otvoorzitter", "bestuur", "fondsbeheerder", "privacy", "beheerder",
}
OT_MEMBERS = {"otlid", "aanvoerder", "otvoorzitter"}
PT = {"programmateam"}
CARD_EDITORS = {"programmateam", "aanvoerder"}

# action, object key (None = no object), the roles that may
EXPECTED = [
    ("portal.view_public", None, ALL),
    ("portal.view_own_profile", None, ALL - {"anoniem"}),
    ("portal.view_audit_log", None, {"privacy"}),
    ("admin.access", None, {"beheerder"}),
    ("domains.view_member_list", "ot", {"programmateam"} | OT_MEMBERS),
    ("domains.view_member_list", "bestuur", {"programmateam", "bestuur"}),
    ("domains.manage_body", "ot", {"programmateam", "otvoorzitter"}),
    ("domains.manage_body", "bestuur", {"programmateam"}),
    ("domains.add_report", "ot", {"programmateam", "otvoorzitter"}),
    ("domains.view_unpublished_report", "ot", {"programmateam"} | OT_MEMBERS),
    ("domains.edit_structure", None, {"programmateam"}),
    ("domains.assign_seat", None, {"programmateam", "beheerder"}),
    ("domains.decide_organisation_kind", None, {"programmateam"}),
    ("domains.view_dashboard", None, {"programmateam", "bestuur"} | OT_MEMBERS),
    # action-line cards: "card" is the aanvoerder's concept card in Veiligheid, "other" a concept in
    # another domain without leads, "published" the first card after publication.
    ("actielijnen.view_card", "card", {"programmateam", "bestuur"} | OT_MEMBERS),
    ("actielijnen.view_card", "published", ALL),
    ("actielijnen.view_card", "other", {"programmateam", "bestuur"}),
    ("actielijnen.view_overview", None, {"programmateam", "bestuur"} | OT_MEMBERS),
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
    ("netwerkgroep.enter", "ng_nw", {"informeel", "formeel", "regisseur"}),
    ("netwerkgroep.enter", "ng_zo", {"regisseur_zo"}),
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


@pytest.mark.django_db
@pytest.mark.parametrize("action,obj_key,allowed", EXPECTED, ids=[f"{a}:{o}" for a, o, _ in EXPECTED])
def test_role_by_right(people, structure, card, other_card, action, obj_key, allowed):
    if obj_key == "published":
        from actielijnen.models import Actielijn

        Actielijn.objects.filter(pk=card.pk).update(status="gepubliceerd")
        card.refresh_from_db()
    objects = {**structure["bodies"], "card": card, "published": card, "other": other_card}
    obj = objects[obj_key] if obj_key else None
    outcome = {kind for kind, user in people.items() if rights.can(user, action, obj)}
    assert outcome == allowed
    for kind, user in people.items():
        reason = rights.why_not(user, action, obj)
        assert (reason is None) == (kind in allowed)


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
