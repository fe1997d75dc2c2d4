import pytest

from samennw import audit
from samennw.models import AuditEvent


@pytest.mark.django_db
def test_audit_log_is_append_only(people):
    event = audit.record("test.event", actor=people["programmateam"], code="X1")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(event="other")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).event == "test.event"


@pytest.mark.django_db
def test_anonymous_actor_is_stored_as_none(people):
    event = audit.record("test.anon", actor=people["anoniem"])
    assert event.actor is None
