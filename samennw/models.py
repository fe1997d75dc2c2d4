"""Cross-cutting models: the user account and the append-only audit log.

A user is a person with a login. What a person may do never follows from the account itself but
from the seats the person holds (``domains.Seat``): time-bound role assignments in a body, for an
organisation (DECISIONS 1).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("weergavenaam"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("voorkeurstaal"), max_length=5, choices=[("nl", "Nederlands"), ("en", "English")], default="nl"
    )

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D401 - the log is append-only
        raise TypeError("Audit events cannot be changed.")

    def delete(self):
        raise TypeError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened: who, what, on which object, when and from where.

    Append-only: the queryset refuses update and delete, the model refuses a second save.
    ``details`` never holds case text, only codes and field names.
    """

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "samennw.User", verbose_name=_("wie"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event = models.CharField(_("gebeurtenis"), max_length=80, db_index=True)
    target_type = models.CharField(_("soort object"), max_length=80, blank=True)
    target_id = models.CharField(_("object"), max_length=64, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(_("vanaf"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events cannot be deleted.")
