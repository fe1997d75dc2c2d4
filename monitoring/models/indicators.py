"""Indicators and their measurements (issue 7 item 1).

An indicator belongs to a domain and optionally to one action line; it names its unit, its source
(city statistics, the national NPLV monitor, the alliance's own registration, another source with a
text such as a document line) and whether higher or lower is better, with a baseline and a target,
each with its year. A measurement is one value for one period (a year, a quarter or a month, stored
as the period's first day plus its granularity), unique per indicator and period.

Nothing is invented to fill a chart (DECISIONS 3, 15): an indicator whose figure only exists as a
target in a document has no measurements, and a demo measurement is marked ``is_demo``. The
jaarbeeld speaks in approximations ("ruim 150", "ongeveer 30 procent"), so a measurement carries a
qualifier (seed-notes §1.6).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from domains.models import Domain

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Indicator(models.Model):
    class Unit(models.TextChoices):
        AANTAL = "aantal", _("aantal")
        PROCENT = "procent", _("procent")
        EURO = "euro", _("euro")
        SCORE = "score", _("score")
        ANDERS = "anders", _("anders (zie label)")

    class SourceKind(models.TextChoices):
        STATISTIEK = "statistiek", _("CBS / OIS gemeentelijke statistiek")
        NPLV = "nplv", _("nationale monitor (NPLV)")
        EIGEN = "eigen", _("eigen registratie alliantie")
        ANDERS = "anders", _("andere bron")

    class Direction(models.TextChoices):
        HOGER = "hoger", _("hoger is beter")
        LAGER = "lager", _("lager is beter")

    slug = models.SlugField(_("code"), unique=True, max_length=80, help_text=_("Vaste code; de import herkent de indicator hieraan."))
    domain = models.ForeignKey(Domain, verbose_name=_("domein"), on_delete=models.PROTECT, related_name="indicators")
    actielijn = models.ForeignKey(
        "actielijnen.Actielijn", verbose_name=_("actielijn"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="indicators",
    )
    name = models.CharField(_("naam"), max_length=200)
    definition = models.TextField(_("definitie"), blank=True, help_text=_("Wat er precies geteld of gemeten wordt."))
    unit = models.CharField(_("eenheid"), max_length=10, choices=Unit.choices, default=Unit.AANTAL)
    unit_label = models.CharField(
        _("label van de eenheid"), max_length=60, blank=True, help_text=_("Bijvoorbeeld 'plegers' of 'woningen'.")
    )
    source_kind = models.CharField(_("soort bron"), max_length=12, choices=SourceKind.choices, default=SourceKind.EIGEN)
    source = models.CharField(_("bron"), max_length=300, blank=True, help_text=_("Waar de cijfers vandaan komen, met de regel in het document."))
    direction = models.CharField(_("richting"), max_length=6, choices=Direction.choices, default=Direction.HOGER)
    baseline_value = models.DecimalField(_("nulmeting"), max_digits=14, decimal_places=2, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("jaar van de nulmeting"), null=True, blank=True, validators=YEAR_VALIDATORS)
    target_value = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=2, null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("jaar van de streefwaarde"), null=True, blank=True, validators=YEAR_VALIDATORS)
    target_note = models.CharField(
        _("streefwaarde in woorden"), max_length=200, blank=True, help_text=_("Zoals het document het zegt, bijvoorbeeld 'drie tot zes'.")
    )
    is_public = models.BooleanField(_("openbaar"), default=False)
    order = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("monitoring:indicator", kwargs={"slug": self.slug})

    @property
    def unit_display(self) -> str:
        if self.unit_label:
            return self.unit_label
        return "%" if self.unit == self.Unit.PROCENT else str(self.get_unit_display())

    def value_problem(self, value: Decimal) -> str | None:
        """Why ``value`` does not fit this indicator's unit, in Dutch; ``None`` when it fits."""
        if self.unit == self.Unit.PROCENT and not (0 <= value <= 100):
            return str(_("een percentage ligt tussen 0 en 100, niet %(value)s")) % {"value": value}
        if self.unit == self.Unit.AANTAL and value < 0:
            return str(_("een aantal kan niet negatief zijn (%(value)s)")) % {"value": value}
        return None

    def clean(self) -> None:
        errors: dict[str, list] = {}
        # A baseline needs its year; a target may be "per jaar" without one (004:50).
        if self.baseline_value is not None and self.baseline_year is None:
            errors.setdefault("baseline_year", []).append(_("Geef het jaar bij deze waarde."))
        for value_field in ("baseline_value", "target_value"):
            value = getattr(self, value_field)
            if value is not None and (problem := self.value_problem(value)):
                errors.setdefault(value_field, []).append(problem)
        if self.baseline_year and self.target_year and self.target_year < self.baseline_year:
            errors.setdefault("target_year", []).append(_("Het jaar van de streefwaarde ligt vóór de nulmeting."))
        if self.actielijn_id and self.domain_id and self.actielijn.domain_id != self.domain_id:
            errors.setdefault("actielijn", []).append(_("Deze actielijn hoort bij een ander domein."))
        if self.unit == self.Unit.ANDERS and not self.unit_label:
            errors.setdefault("unit_label", []).append(_("Geef een label bij de eenheid 'anders'."))
        if errors:
            raise ValidationError(errors)


class Granularity(models.TextChoices):
    JAAR = "jaar", _("jaar")
    KWARTAAL = "kwartaal", _("kwartaal")
    MAAND = "maand", _("maand")


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<q>[QqKk])(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def parse_period(text: str) -> tuple[datetime.date, str]:
    """``2025`` (year), ``2025-K1`` or ``2025-Q1`` (quarter), ``2025-03`` (month) → (first day, granularity).

    Raises ``ValueError`` with a Dutch message.
    """
    match = _PERIOD.match(text.strip())
    if not match or not (2000 <= int(match["year"]) <= 2100):
        raise ValueError(
            str(_("'%(value)s' is geen periode; schrijf 2025 (jaar), 2025-K1 (kwartaal) of 2025-03 (maand)")) % {"value": text}
        )
    year = int(match["year"])
    if match["quarter"]:
        return datetime.date(year, 3 * (int(match["quarter"]) - 1) + 1, 1), Granularity.KWARTAAL
    if match["month"]:
        return datetime.date(year, int(match["month"]), 1), Granularity.MAAND
    return datetime.date(year, 1, 1), Granularity.JAAR


def period_label(start: datetime.date, granularity: str) -> str:
    """The period as the import writes it: ``2025``, ``2025-K1``, ``2025-03``."""
    if granularity == Granularity.KWARTAAL:
        return f"{start.year}-K{(start.month - 1) // 3 + 1}"
    if granularity == Granularity.MAAND:
        return f"{start.year}-{start.month:02d}"
    return str(start.year)


class Measurement(models.Model):
    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exact")
        ONGEVEER = "ongeveer", _("ongeveer")
        RUIM = "ruim", _("ruim")
        MEER_DAN = "meer_dan", _("meer dan")

    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="measurements")
    period_start = models.DateField(_("begin van de periode"))
    granularity = models.CharField(_("periode"), max_length=8, choices=Granularity.choices, default=Granularity.JAAR)
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2)
    qualifier = models.CharField(_("aanduiding"), max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    source_note = models.CharField(_("toelichting bij de bron"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("demo"), default=False, help_text=_("Een voorbeeldwaarde, geen cijfer uit een document."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ingevoerd door"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("ingevoerd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        ordering = ["indicator", "period_start", "granularity"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "granularity", "period_start"], name="measurement_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.label}: {self.value}"

    @property
    def label(self) -> str:
        return period_label(self.period_start, self.granularity)

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.period_start:
            aligned = (
                self.period_start.day == 1
                and (self.granularity != Granularity.JAAR or self.period_start.month == 1)
                and (self.granularity != Granularity.KWARTAAL or self.period_start.month in (1, 4, 7, 10))
            )
            if not aligned:
                errors.setdefault("period_start", []).append(_("Een periode begint op de eerste dag van het jaar, kwartaal of de maand."))
        if self.value is not None and self.indicator_id and (problem := self.indicator.value_problem(self.value)):
            errors.setdefault("value", []).append(problem)
        if errors:
            raise ValidationError(errors)
