"""Template filters of the funding pages: ``{{ amount|euro }}`` gives "€ 40.000,00" (Dutch style)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from financiering.models import dutch_amount

register = template.Library()


@register.filter
def euro(value) -> str:
    """An amount as Dutch readers write it: € 40.000,00; a negative one as − € 1.250,00."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return str(value)
    text = dutch_amount(abs(amount))
    return f"\u2212\u00a0€\u00a0{text}" if amount < 0 else f"€\u00a0{text}"
