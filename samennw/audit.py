"""The audit log: ``record(event, actor=..., target=..., **details)``.

Services call it inside their own transaction, so the audit row and the change commit together
(or neither does). Views call it for reads, exports and printouts of personal or case data, and
for refused attempts. Details carry identifiers and field names, never free text of a case.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from samennw.models import AuditEvent


def record(
    event: str,
    *,
    actor=None,
    target: models.Model | None = None,
    ip_address: str | None = None,
    **details: Any,
) -> AuditEvent:
    actor = actor if getattr(actor, "is_authenticated", False) else None
    target_type = target._meta.label_lower if target is not None else ""
    target_id = str(getattr(target, "audit_key", None) or getattr(target, "pk", "") or "") if target is not None else ""
    return AuditEvent.objects.create(
        event=event,
        actor=actor,
        target_type=target_type,
        target_id=target_id,
        ip_address=ip_address,
        details=details,
    )


def client_ip(request) -> str | None:
    """The address the request came from (REMOTE_ADDR; the proxy in front sets it)."""
    return request.META.get("REMOTE_ADDR") or None
