"""Card services: concurrency, workflow, history and restore, leads' grants."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from actielijnen import services, workflow
from actielijnen.models import Actielijn, Mijlpaal, Status, Statusupdate, Transition
from samennw import rights
from samennw.models import AuditEvent


@pytest.mark.django_db
def test_second_save_with_stale_version_is_refused(card, people):
    first = services.update_card(by=people["aanvoerder"], card=card, version=1, changes={"problem": "Eerste tekst"})
    assert first.version == 2
    with pytest.raises(services.ConcurrentEdit) as error:
        services.update_card(by=people["programmateam"], card=card, version=1, changes={"problem": "Tweede tekst"})
    assert error.value.card.problem == "Eerste tekst"
    card.refresh_from_db()
    assert card.problem == "Eerste tekst"
    assert card.version == 2


@pytest.mark.django_db
def test_update_keeps_history_with_author_and_diff(card, people):
    services.update_card(by=people["aanvoerder"], card=card, version=1, changes={"way_of_working": "Iedere woensdag"})
    latest, previous = card.history.all()[:2]
    assert latest.history_user == people["aanvoerder"]
    delta = latest.diff_against(previous)
    assert [c.field for c in delta.changes if c.field == "way_of_working"] == ["way_of_working"]
    assert AuditEvent.objects.filter(event="card.updated", target_id=str(card.pk)).exists()


@pytest.mark.django_db
def test_restore_brings_back_fields_and_links(card, people, opbrengsten, structure):
    original_id = card.history.first().history_id
    services.update_card(
        by=people["programmateam"], card=card, version=1,
        changes={"title": "Andere titel", "opbrengsten": [opbrengsten[1]], "partners": []},
    )
    restored = services.restore_version(by=people["programmateam"], card=card, history_id=original_id)
    assert restored.title == "Tegengaan huiselijk geweld en kindermishandeling"
    assert list(restored.opbrengsten.all()) == [opbrengsten[0]]
    assert list(restored.partners.all()) == [structure["orgs"]["informeel"]]
    assert restored.version == 3


@pytest.mark.django_db
@pytest.mark.parametrize("source", Status.values)
@pytest.mark.parametrize("target", Status.values)
def test_every_allowed_edge_succeeds_and_every_other_is_refused(card, people, source, target):
    Actielijn.objects.filter(pk=card.pk).update(status=source)
    card.refresh_from_db()
    edge = workflow.edge(source, target)
    if edge is None:
        with pytest.raises(ValidationError):
            services.move_card(card=card, to=target, by=people["programmateam"], reason="x")
        card.refresh_from_db()
        assert card.status == source
    else:
        moved = services.move_card(card=card, to=target, by=people["programmateam"], reason="Omdat het kan")
        assert moved.status == target
        assert Transition.objects.filter(actielijn=card, from_status=source, to_status=target).count() == 1


@pytest.mark.django_db
def test_aanvoerder_submits_but_cannot_publish(card, people):
    services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
    with pytest.raises(ValidationError):
        services.move_card(card=card, to=Status.GEPUBLICEERD, by=people["aanvoerder"])
    published = services.move_card(card=card, to=Status.GEPUBLICEERD, by=people["programmateam"])
    assert published.published_by == people["programmateam"]
    assert published.published_at is not None


@pytest.mark.django_db
def test_reason_required_edges(card, people):
    services.move_card(card=card, to=Status.TER_REVIEW, by=people["aanvoerder"])
    with pytest.raises(ValidationError) as error:
        services.move_card(card=card, to=Status.CONCEPT, by=people["programmateam"], reason=" ")
    assert "reason" in error.value.message_dict


@pytest.mark.django_db
def test_leads_get_and_lose_the_card_grant(card, people):
    assert rights.can(people["aanvoerder"], "actielijnen.edit_card", card)
    services.update_card(by=people["programmateam"], card=card, version=1, changes={"aanvoerder": None, "trekkers": [people["otlid"]]})
    rights.forget(people["aanvoerder"])  # grants are cached per request on the user object
    assert not rights.can(people["aanvoerder"], "actielijnen.edit_card", card)
    assert rights.can(people["otlid"], "actielijnen.edit_card", card)


@pytest.mark.django_db
def test_proposed_update_is_not_in_the_log_until_accepted(card, people):
    proposal = services.add_status_update(by=people["otlid"], card=card, text="Bijeenkomst gehouden.", propose=True)
    card.refresh_from_db()
    assert card.last_status_update_at is None
    services.decide_proposed_update(by=people["aanvoerder"], update=proposal, accept=True)
    card.refresh_from_db()
    assert card.last_status_update_at is not None
    assert card.statusupdates.get().state == Statusupdate.State.GEPLAATST


@pytest.mark.django_db
def test_empty_status_update_is_refused(card, people):
    with pytest.raises(ValidationError):
        services.add_status_update(by=people["aanvoerder"], card=card, text="   ")
    assert not Statusupdate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields,error_field",
    [
        ({"title": "", "due_on": datetime.date(2026, 5, 1)}, "title"),
        ({"title": "Te laat", "starts_on": datetime.date(2026, 6, 1), "due_on": datetime.date(2026, 5, 1)}, "due_on"),
        ({"title": "Buiten looptijd", "due_on": datetime.date(2050, 1, 1)}, "due_on"),
        ({"title": "Meer dan alles", "due_on": datetime.date(2026, 5, 1), "progress": 150}, "progress"),
    ],
)
def test_bad_milestones_are_refused(card, people, fields, error_field):
    with pytest.raises(ValidationError) as error:
        services.save_milestone(by=people["aanvoerder"], card=card, **fields)
    assert error_field in error.value.message_dict
    assert not Mijlpaal.objects.exists()
