"""The "Geleerde lessen" page of a netwerkgroep: what the table learned from its closed cases (DECISIONS 13).

Closing a case may write a ``Lesson``: an anonymised text with the close reason, the case's bouwstenen, whether
it opened a new route (000:10) and the terugblik date. The lesson is a separate record without a link to its
case, so this page shows no case code and nothing else of a case; it outlives the retention purge.

Who: every member of the group (formal and informal seats alike, the regisseur included), through
``netwerkgroep.view_lessons``. Like the other netwerkgroep pages it goes through ``case_view`` (login, verified
second factor, idle limit, no-store); without any netwerkgroep seat the answer is 403, a member of the other
group gets 404 (``views_meetings._group``); refusals and every reading are audited.

Filters are a GET form that works without JavaScript; a value that is not one of the choices is ignored and
named next to its field (status 400). The list is paginated with a constant number of queries.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from netwerkgroep import selectors
from netwerkgroep.models import Bouwsteen, Case
from netwerkgroep.security import case_view
from netwerkgroep.views_meetings import _group, _require
from samennw import audit

PAGE_SIZE = 20

ROUTE_VALUES = {"ja": True, "nee": False}


class LessonFilterForm(forms.Form):
    """The page's filters; every field optional, an empty value means "all"."""

    reden = forms.ChoiceField(
        label=_("Reden van sluiten"), required=False, choices=[("", _("Alle redenen")), *Case.CloseReason.choices],
        error_messages={"invalid_choice": _("Kies een reden uit de lijst; dit filter is nu niet gebruikt.")},
    )
    bouwsteen = forms.ChoiceField(
        label=_("Bouwsteen"), required=False, choices=[("", _("Alle bouwstenen")), *Bouwsteen.choices],
        error_messages={"invalid_choice": _("Kies een bouwsteen uit de lijst; dit filter is nu niet gebruikt.")},
    )
    route = forms.ChoiceField(
        label=_("Nieuwe route"), required=False,
        choices=[("", _("Alle lessen")), ("ja", _("Alleen nieuwe routes")), ("nee", _("Geen nieuwe route"))],
        error_messages={"invalid_choice": _("Kies ja of nee bij nieuwe route; dit filter is nu niet gebruikt.")},
    )

    def filters(self) -> dict:
        """The valid filters only: a bad value in one field leaves the others working."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "close_reason": data.get("reden", ""),
            "bouwsteen": data.get("bouwsteen", ""),
            "new_route": ROUTE_VALUES.get(data.get("route", "")),
        }


def _rows(lessons) -> list[dict]:
    """Labels per lesson, from the choices in memory (no query per row)."""
    reasons = dict(Case.CloseReason.choices)
    bouwstenen = dict(Bouwsteen.choices)
    return [
        {
            "lesson": lesson,
            "reason": reasons.get(lesson.close_reason, ""),
            "bouwstenen": [bouwstenen[code] for code in lesson.bouwstenen if code in bouwstenen],
        }
        for lesson in lessons
    ]


@case_view
def lessons(request, group: str):
    body = _group(request, group)
    _require(request, "netwerkgroep.view_lessons", body)
    form = LessonFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(selectors.lessons_of(body, **filters), PAGE_SIZE).get_page(request.GET.get("pagina"))
    audit.record(
        "netwerkgroep.lessons_viewed", actor=request.user, target=body, ip_address=audit.client_ip(request),
        page=page.number, **{key: value for key, value in filters.items() if value not in ("", None)},
    )
    return render(
        request,
        "netwerkgroep/lessons.html",
        {"body": body, "form": form, "page": page, "rows": _rows(page.object_list), "filtered": any(
            value not in ("", None) for value in filters.values()
        )},
        status=400 if form.errors else 200,
    )
