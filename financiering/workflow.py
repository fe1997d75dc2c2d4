"""The lifecycle of a funding proposal: one declaration, moved only by ``services.move``.

concept → ingediend → in behandeling → advies → geagendeerd → toegekend / afgewezen / aangehouden
→ in uitvoering → verantwoord (issue 5). DECISIONS 5 adds two gates before the agenda: the akkoord
of the submitting opgaveteam or werkgroep and the financial check of every fund asked from. The
board's outcomes are reached only through ``services.record_decision`` (``by_decision``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from financiering.models import State


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    label: object
    reason_required: bool = False
    by_decision: bool = False  # only a board decision in a meeting takes this edge


EDGES: tuple[Edge, ...] = (
    Edge(State.CONCEPT, State.INGEDIEND, "financiering.submit", _("Indienen")),
    # Held back by the board or sent back by the programme team: the submitters answer and resubmit.
    Edge(State.AANGEHOUDEN, State.INGEDIEND, "financiering.submit", _("Opnieuw indienen")),
    Edge(State.INGEDIEND, State.IN_BEHANDELING, "financiering.manage_process", _("In behandeling nemen")),
    Edge(
        State.IN_BEHANDELING, State.AANGEHOUDEN, "financiering.manage_process", _("Terugsturen met vragen"), reason_required=True
    ),
    Edge(State.IN_BEHANDELING, State.ADVIES, "financiering.manage_process", _("Naar advies")),
    Edge(State.ADVIES, State.AANGEHOUDEN, "financiering.manage_process", _("Terugsturen met vragen"), reason_required=True),
    Edge(State.ADVIES, State.GEAGENDEERD, "financiering.manage_process", _("Agenderen")),
    # Taken off an agenda before the meeting (e.g. the meeting was moved).
    Edge(State.GEAGENDEERD, State.ADVIES, "financiering.manage_process", _("Van de agenda halen"), reason_required=True),
    Edge(State.GEAGENDEERD, State.TOEGEKEND, "financiering.record_decision", _("Toekennen"), by_decision=True),
    Edge(State.GEAGENDEERD, State.AFGEWEZEN, "financiering.record_decision", _("Afwijzen"), reason_required=True, by_decision=True),
    Edge(
        State.GEAGENDEERD, State.AANGEHOUDEN, "financiering.record_decision", _("Aanhouden"), reason_required=True, by_decision=True
    ),
    Edge(State.TOEGEKEND, State.IN_UITVOERING, "financiering.report", _("Start uitvoering")),
    Edge(State.IN_UITVOERING, State.VERANTWOORD, "financiering.manage_process", _("Verantwoording goedkeuren")),
)

_BY_PAIR = {(e.source, e.target): e for e in EDGES}


def edge(source: str, target: str) -> Edge | None:
    return _BY_PAIR.get((source, target))


def edges_from(source: str) -> list[Edge]:
    return [e for e in EDGES if e.source == source and not e.by_decision]
