"""Shared fixtures: real people with real seats, made through the services the portal itself uses."""

from __future__ import annotations

import datetime

import pytest

from actielijnen import services as card_services
from domains import services
from domains.models import Body, Domain, Opbrengst, Opdracht, Organisation, Seat

START = datetime.date(2026, 1, 1)


@pytest.fixture
def structure(db):
    """A minimal alliance: one domain with its opgaveteam, the board, the programme team, two netwerkgroepen."""
    veiligheid = Domain.objects.create(slug="veiligheid", name="Veiligheid", name_en="Safety", tagline="Verbonden en veilig zijn")
    bodies = {
        "alliantie": Body.objects.create(slug="alliantie", kind=Body.Kind.ALLIANTIE, name="Alliantie Samen Nieuw-West"),
        "bestuur": Body.objects.create(slug="alliantiebestuur", kind=Body.Kind.ALLIANTIEBESTUUR, name="Alliantiebestuur"),
        "programmateam": Body.objects.create(slug="programmateam", kind=Body.Kind.PROGRAMMATEAM, name="Programmateam"),
        "ot": Body.objects.create(
            slug="opgaveteam-veiligheid", kind=Body.Kind.OPGAVETEAM, name="Opgaveteam Veiligheid", domain=veiligheid
        ),
        "ng_nw": Body.objects.create(
            slug="netwerkgroep-hgkm-nieuw-west", kind=Body.Kind.NETWERKGROEP, name="Netwerkgroep HGKM Nieuw-West", domain=veiligheid
        ),
        "ng_zo": Body.objects.create(
            slug="netwerkgroep-hgkm-zuidoost", kind=Body.Kind.NETWERKGROEP, name="Netwerkgroep HGKM Zuidoost", domain=veiligheid
        ),
    }
    orgs = {
        "informeel": Organisation.objects.create(
            slug="nisa-4-nisa", name="Nisa 4 Nisa", kind=Organisation.Kind.INFORMEEL, sector=Organisation.Sector.GEMEENSCHAP
        ),
        "formeel": Organisation.objects.create(
            slug="veilig-thuis", name="Veilig Thuis", kind=Organisation.Kind.FORMEEL, sector=Organisation.Sector.ZORG_WELZIJN
        ),
        "blijf": Organisation.objects.create(
            slug="blijf-groep", name="Blijf Groep", kind=Organisation.Kind.FORMEEL, sector=Organisation.Sector.ZORG_WELZIJN
        ),
    }
    return {"domain": veiligheid, "bodies": bodies, "orgs": orgs}


# role name → list of (body key, seat role, organisation key or None, extra kwargs)
SEATS = {
    "anoniem": None,
    "bewoner": [],
    "informeel": [("alliantie", Seat.Role.PARTNER, "informeel", {}), ("ng_nw", Seat.Role.LID, "informeel", {})],
    "formeel": [("alliantie", Seat.Role.PARTNER, "formeel", {}), ("ng_nw", Seat.Role.LID, "formeel", {})],
    "regisseur": [("ng_nw", Seat.Role.NETWERKREGISSEUR, "blijf", {})],
    "regisseur_zo": [("ng_zo", Seat.Role.NETWERKREGISSEUR, "blijf", {})],
    "programmateam": [("programmateam", Seat.Role.PROGRAMMATEAM, None, {})],
    "otlid": [("ot", Seat.Role.LID, None, {})],
    "aanvoerder": [("ot", Seat.Role.AANVOERDER, None, {})],
    "otvoorzitter": [("ot", Seat.Role.VOORZITTER, None, {})],
    "bestuur": [("bestuur", Seat.Role.BESTUURSLID, None, {"board_seat": Seat.BoardSeat.OT_VOORZITTER})],
    "fondsbeheerder": [("programmateam", Seat.Role.FONDSBEHEERDER, None, {})],
    "privacy": [("programmateam", Seat.Role.PRIVACY, None, {})],
    "beheerder": [],
}


@pytest.fixture
def make_person(structure, django_user_model):
    def make(kind: str, *, username: str | None = None):
        if SEATS[kind] is None:
            from django.contrib.auth.models import AnonymousUser

            return AnonymousUser()
        user = django_user_model.objects.create_user(
            username=username or kind,
            password="demo-wachtwoord-123",
            display_name=f"Demo {kind.capitalize()}",
            is_superuser=kind == "beheerder",
            is_staff=kind == "beheerder",
        )
        for body_key, role, org_key, extra in SEATS[kind]:
            services.assign_seat(
                by=None,
                user=user,
                body=structure["bodies"][body_key],
                role=role,
                organisation=structure["orgs"][org_key] if org_key else None,
                starts_on=START,
                **extra,
            )
        user.refresh_from_db()
        return user

    return make


@pytest.fixture
def people(make_person):
    return {kind: make_person(kind) for kind in SEATS}


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Tests create many accounts; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Unit tests do not run collectstatic; the hashed manifest is checked by the CI smoke run."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}



@pytest.fixture
def opbrengsten(structure):
    opdracht = Opdracht.objects.create(domain=structure["domain"], code="1", number=1, title="Verbondenheid, veerkracht en verdraagzaamheid")
    return [
        Opbrengst.objects.create(opdracht=opdracht, code=f"1-{i}", number=i, title=f"Opbrengst {i}") for i in (1, 2)
    ]


@pytest.fixture
def card(people, structure, opbrengsten):
    return card_services.create_card(
        by=people["programmateam"],
        domain=structure["domain"],
        code="tegengaan-hgkm",
        title="Tegengaan huiselijk geweld en kindermishandeling",
        goal="Samenwerking tussen informele en formele partners.",
        opgaveteam=structure["bodies"]["ot"],
        aanvoerder=people["aanvoerder"],
        opbrengsten=[opbrengsten[0]],
        partners=[structure["orgs"]["informeel"]],
    )


@pytest.fixture
def other_card(people, structure):
    from domains.models import Domain

    wonen = Domain.objects.create(slug="wonen-en-leefomgeving", name="Wonen en leefomgeving")
    return card_services.create_card(by=people["programmateam"], domain=wonen, code="andere-kaart", title="Andere kaart")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached public pages and rate-limit counters must not leak from one test into the next
    (in CI the cache is a real Redis that outlives each test's database rollback)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_by_default():
    """Every test starts in Dutch, whatever language an earlier test (or request) left active."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture
def broker_down():
    """Celery for real (not eager) against a Redis port where nothing listens: publishing a task fails the
    way it does when Redis is down. Yields the app; its settings and connection pool are restored after."""
    import socket

    from samennw.celery import app

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    saved = {key: app.conf[key] for key in ("task_always_eager", "broker_url", "broker_connection_timeout")}
    pools = app._pool, app.amqp._producer_pool
    app._pool = app.amqp._producer_pool = None  # new pools for the dead URL; the old ones come back after
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0", broker_connection_timeout=1)
    try:
        yield app
    finally:
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool, app.amqp._producer_pool = pools
        app.conf.update(saved)
