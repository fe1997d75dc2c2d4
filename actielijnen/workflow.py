"""The lifecycle of an action-line card: one declaration, moved only by ``services.move_card``.

concept → ter review → gepubliceerd → afgerond / gearchiveerd. The trekker or aanvoerder submits,
the programme team publishes (issue 3); publishing records who and when. Each edge names the
action that ``samennw.rights`` checks and whether a reason is required.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from actielijnen.models import Status


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    action: str
    label: object
    reason_required: bool = False


EDGES: tuple[Edge, ...] = (
    # The card's leads offer it for review when it is complete enough to be read by others.
    Edge(Status.CONCEPT, Status.TER_REVIEW, "actielijnen.submit", _("Indienen voor review")),
    # The programme team sends a card back with what is missing.
    Edge(Status.TER_REVIEW, Status.CONCEPT, "actielijnen.send_back", _("Terugsturen"), reason_required=True),
    # Only the programme team publishes: published cards appear on public pages (002:88).
    Edge(Status.TER_REVIEW, Status.GEPUBLICEERD, "actielijnen.publish", _("Publiceren")),
    # Withdrawn from the public pages, e.g. after an error; the reason stays in the log.
    Edge(Status.GEPUBLICEERD, Status.CONCEPT, "actielijnen.withdraw", _("Publicatie intrekken"), reason_required=True),
    # Action lines end (002:86): completed ones stay readable.
    Edge(Status.GEPUBLICEERD, Status.AFGEROND, "actielijnen.complete", _("Afronden")),
    Edge(Status.CONCEPT, Status.GEARCHIVEERD, "actielijnen.archive", _("Archiveren"), reason_required=True),
    Edge(Status.GEPUBLICEERD, Status.GEARCHIVEERD, "actielijnen.archive", _("Archiveren"), reason_required=True),
    Edge(Status.AFGEROND, Status.GEARCHIVEERD, "actielijnen.archive", _("Archiveren"), reason_required=True),
    Edge(Status.GEARCHIVEERD, Status.CONCEPT, "actielijnen.reopen", _("Heropenen"), reason_required=True),
)

_BY_PAIR = {(edge.source, edge.target): edge for edge in EDGES}


def edge(source: str, target: str) -> Edge | None:
    return _BY_PAIR.get((source, target))


def edges_from(source: str) -> list[Edge]:
    return [e for e in EDGES if e.source == source]
