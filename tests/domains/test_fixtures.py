"""The demo fixtures: real structure from the documents, fictional people, an idempotent atomic loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from domains.fixtures_loader import DEFAULT_DIRECTORY, FixtureError, load_fixtures
from domains.models import Body, Domain, Focusbuurt, MeetingReport, Opdracht, Opgave, Organisation
from samennw.rights import Role, roles_of

PASSWORD = "demo-test-wachtwoord-42"
REAL_NAMES = [
    "Steenbrink",
    "Aaras",
    "Rosalie",
    "Smit",
    "Rinnooy",
    "Souverein",
    "Sahraoui",
    "van Veen",
    "@samennieuw-west.nl",
]


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every model, as plain values (row counts and contents)."""
    snap = {}
    for model in apps.get_models():
        if model._meta.label in {"sessions.Session"}:
            continue
        snap[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return snap


@pytest.fixture
def loaded(db, monkeypatch):
    monkeypatch.setenv("SAMENNW_DEMO_PASSWORD", PASSWORD)
    return load_fixtures()


def test_loads_domains_and_theory_of_change(loaded):
    slugs = set(Domain.objects.values_list("slug", flat=True))
    assert slugs == {
        "eigenaarschap-inclusie-en-democratie",
        "veiligheid",
        "werk-en-bestaanszekerheid",
        "wonen-en-leefomgeving",
        "kansen-voor-de-jeugd",
        "community-wealth-building",
    }
    assert Domain.objects.get(slug="community-wealth-building").kind == Domain.Kind.PROGRAMMA
    # the untranslated column holds the Dutch text too (queries and ordering use it)
    assert "Veiligheid" in set(Domain.objects.values_list("name", flat=True))
    eid = Domain.objects.get(slug="eigenaarschap-inclusie-en-democratie")
    assert eid.tagline_nl == "Van, voor, met en door bewoners" and eid.tagline_en
    veiligheid = Domain.objects.get(slug="veiligheid")
    opdrachten = list(Opdracht.objects.filter(domain=veiligheid).order_by("number"))
    assert [o.opbrengsten.count() for o in opdrachten] == [3, 6, 3]
    assert opdrachten[0].title_nl == "We handelen adequaat, proportioneel en zorgvuldig."


def test_focusbuurten(loaded):
    assert Focusbuurt.objects.count() == 10
    expected = {
        "Wildeman": 4845,
        "Reimerswaal": 2800,
        "Johan Jongkindbuurt": 954,
        "Jacob Geelbuurt": 3112,
        "Lodewijk van Deyssebuurt": 3437,
        "Confuciusbuurt": 3832,
        "Louis Couperusbuurt": 2329,
        "Dichtersbuurt": 1049,
        "Wegener Sleswijkbuurt": 1524,
        "Ruys de Beerenbroukbuurt": 6099,
    }
    assert dict(Focusbuurt.objects.values_list("name", "inhabitants")) == expected
    confucius = Focusbuurt.objects.get(slug="confuciusbuurt")
    assert (confucius.gebied, confucius.cluster, confucius.cluster_inhabitants) == (
        "Geuzenveld-Slotermeer",
        "C",
        7269,
    )
    assert Focusbuurt.objects.get(slug="reimerswaal").description_nl in ("", None)


def test_bodies_and_netwerkgroepen(loaded):
    nw = Body.objects.get(slug="netwerkgroep-hgkm-nieuw-west")
    zo = Body.objects.get(slug="netwerkgroep-hgkm-zuidoost")
    assert nw.kind == zo.kind == Body.Kind.NETWERKGROEP
    assert nw.domain.slug == zo.domain.slug == "veiligheid"
    assert nw.rhythm_nl == "iedere woensdag"
    assert Body.objects.get(slug="alliantiebestuur").rhythm_nl == "maandelijks"
    assert Body.objects.filter(kind=Body.Kind.OPGAVETEAM).count() == 5
    hgkm = Body.objects.get(slug="werkgroep-stoppen-huiselijk-geweld-en-kindermishandeling")
    assert hgkm.parent.slug == "opgaveteam-veiligheid"


def test_organisations_classified_with_decisions(loaded):
    assert Organisation.objects.get(slug="politie").kind == Organisation.Kind.FORMEEL
    assert Organisation.objects.get(slug="nisa-4-nisa").kind == Organisation.Kind.INFORMEEL
    for org in Organisation.objects.all():
        decision = org.kind_decisions.get()
        assert decision.kind == org.kind
        assert decision.decided_by_body.startswith("Programmateam")
        assert decision.reason
        assert org.sector in Organisation.Sector.values


def test_meeting_report_without_real_people(loaded):
    report = MeetingReport.objects.get(body__slug="opgaveteam-veiligheid")
    assert report.is_published and str(report.held_on) == "2026-03-05"
    assert "Netwerkgroep" in report.text_nl
    for name in REAL_NAMES:
        assert name not in report.text_nl
        assert name not in (report.title_nl or "")


def test_demo_users_roles_and_fictional_names(loaded, django_user_model):
    expected = {
        "bewoner": Role.BEWONER,
        "informeel": Role.INFORMELE_PARTNER,
        "formeel": Role.FORMELE_PARTNER,
        "regisseur": Role.NETWERKREGISSEUR,
        "regisseur-zo": Role.NETWERKREGISSEUR,
        "programmateam": Role.PROGRAMMATEAM,
        "aanvoerder": Role.AANVOERDER,
        "otlid": Role.OPGAVETEAMLID,
        "otvoorzitter": Role.OPGAVETEAMLID,
        "bestuur": Role.BESTUURSLID,
        "voorzitter": Role.BESTUURSLID,
        "adviseur": Role.BEWONER,
        "fondsbeheerder": Role.FONDSBEHEERDER,
        "privacy": Role.PRIVACY,
        "beheerder": Role.BEHEERDER,
    }
    for username, role in expected.items():
        user = django_user_model.objects.get(username=username)
        assert role in roles_of(user), username
        assert user.check_password(PASSWORD)
        for name in REAL_NAMES:
            assert name not in f"{user.username} {user.display_name} {user.get_full_name()} {user.email}"
    assert roles_of(django_user_model.objects.get(username="bewoner")) == {Role.BEWONER}
    assert django_user_model.objects.get(username="regisseur").seats.get().organisation.slug == "blijf-groep"
    assert {Role.INFORMELE_PARTNER} & roles_of(django_user_model.objects.get(username="formeel")) == set()


def test_unnamed_womens_organisation_stays_unnamed(loaded):
    names = " ".join(Organisation.objects.values_list("name", flat=True)).lower()
    assert "vrouwenorganisatie" not in names


def test_second_run_changes_nothing(loaded, django_user_model):
    assert loaded.changed and loaded.new_users
    before = _snapshot()
    again = load_fixtures(password="een-ander-wachtwoord")
    assert not again.changed and not again.new_users
    assert again.lines() == ["Niets gewijzigd."]
    assert _snapshot() == before
    assert django_user_model.objects.get(username="bewoner").check_password(PASSWORD)


def test_command_reports_nothing_changed(loaded, capsys):
    call_command("load_demo")
    assert "Niets gewijzigd" in capsys.readouterr().out


@pytest.fixture
def broken_dir(tmp_path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def test_unknown_domain_leaves_database_unchanged(loaded, broken_dir):
    bodies = json.loads((broken_dir / "bodies.json").read_text(encoding="utf-8"))
    bodies["bodies"][-1]["domain"] = "bestaat-niet"
    bodies["bodies"][0]["name_nl"] = "Gewijzigd"
    (broken_dir / "bodies.json").write_text(json.dumps(bodies), encoding="utf-8")
    before = _snapshot()
    with pytest.raises(FixtureError, match=r"bodies.json.*netwerkgroep-hgkm-zuidoost.*bestaat-niet"):
        load_fixtures(directory=broken_dir)
    assert _snapshot() == before


def test_invalid_json_leaves_empty_database_empty(db, broken_dir):
    (broken_dir / "organisations.json").write_text('{"organisations": [', encoding="utf-8")
    with pytest.raises(CommandError, match="organisations.json: ongeldige JSON"):
        call_command("load_demo", "--dir", str(broken_dir))
    assert not Domain.objects.exists() and not Focusbuurt.objects.exists()


def test_missing_field_is_named(db, broken_dir):
    domains = json.loads((broken_dir / "domains.json").read_text(encoding="utf-8"))
    del domains["domains"][1]["opdrachten"][0]["title_nl"]
    (broken_dir / "domains.json").write_text(json.dumps(domains), encoding="utf-8")
    with pytest.raises(
        FixtureError,
        match=r"domein 'veiligheid', opdracht 'adequaat-proportioneel-zorgvuldig': veld 'title_nl'",
    ):
        load_fixtures(directory=broken_dir)
    assert not Domain.objects.exists()


def test_no_users_option(db):
    result = load_fixtures(with_users=False)
    assert not result.new_users
    assert not apps.get_model("domains", "Seat").objects.exists()


def test_failure_during_writing_rolls_everything_back(loaded, broken_dir):
    """A value that only the model rejects (too long) fails after earlier files were written: all is undone."""
    buurten = json.loads((broken_dir / "focusbuurten.json").read_text(encoding="utf-8"))
    buurten["focusbuurten"][0]["description_nl"] = "Gewijzigd door een kapotte run."
    (broken_dir / "focusbuurten.json").write_text(json.dumps(buurten), encoding="utf-8")
    domains = json.loads((broken_dir / "domains.json").read_text(encoding="utf-8"))
    domains["domains"][-1]["name_nl"] = "x" * 500
    (broken_dir / "domains.json").write_text(json.dumps(domains), encoding="utf-8")
    before = _snapshot()
    with pytest.raises(FixtureError, match="community-wealth-building"):
        load_fixtures(directory=broken_dir)
    assert _snapshot() == before
    assert Focusbuurt.objects.get(slug="wildeman").description_nl != "Gewijzigd door een kapotte run."


# --- the convenant's opgaven (003, '3 Opgaven' per domain) ----------------------------------------

EID, VEI, WERK, WON, JEU = (
    "eigenaarschap-inclusie-en-democratie",
    "veiligheid",
    "werk-en-bestaanszekerheid",
    "wonen-en-leefomgeving",
    "kansen-voor-de-jeugd",
)
# title → (domain, the other domains its letters mark). The letters J V D W L after the convenant's
# paragraphs, without the own domain's letter, and the line ranges of each opgave.
CONVENANT_OPGAVEN = {
    "Democratie": (EID, {JEU, VEI, WERK, WON}),  # 003:544-557
    "Eigenaarschap": (EID, {JEU, VEI, WERK, WON}),  # 003:559-579
    "Buurt en nabijheid": (EID, {JEU, VEI, WERK, WON}),  # 003:581-594
    "Integraal werken ten bate van de leefwereld": (EID, {JEU, VEI, WERK, WON}),  # 003:596-602
    "Inclusie": (EID, {JEU, VEI, WERK, WON}),  # 003:604-617
    "Nieuwe democratische instrumenten": (EID, set()),  # 003:619-624, no letters
    "Verbondenheid, veerkracht en verdraagzaamheid": (VEI, {JEU, EID, WON}),  # 003:812-839
    "Criminele gedragingen drastisch verminderen": (VEI, {JEU, EID, WERK, WON}),  # 003:840-913
    "Adequaat, proportioneel en zorgvuldig": (VEI, {JEU, WERK, WON}),  # 003:915-940
    "Bestaanszekerheid voor iedereen": (WERK, {JEU, VEI, EID, WON}),  # 003:1028-1042
    "Inkomenszekerheid garanderen": (WERK, set()),  # 003:1044-1054
    "Essentiële sectoren centraal": (WERK, {JEU, WON}),  # 003:1056-1068
    "Meerwaarde landt in leefwereld": (WERK, {JEU, VEI, EID, WON}),  # 003:1070-1084
    "Nabijheid en begeleiding": (WERK, {JEU, VEI, EID, WON}),  # 003:1086-1092
    "Coöperatieven bouwen": (WERK, {JEU, VEI, EID, WON}),  # 003:1094-1113
    "Leefwereld centraal": (WERK, {JEU, VEI, EID, WON}),  # 003:1115-1131
    "Naar een andere economie": (WERK, set()),  # 003:1133-1177
    "Banenplannen": (WERK, set()),  # 003:1178-1200
    "We zorgen voor een fijne plek om te wonen": (WON, {JEU, VEI, EID}),  # 003:1439-1483
    "We zorgen voor een fijne leefomgeving": (WON, {VEI, EID, WERK}),  # 003:1499-1533
    "We verbinden bewoners met elkaar en de rest van de stad": (WON, {EID, WERK}),  # 003:1535-1547
    "We doen het samen": (WON, {EID}),  # 003:1548-1577
    "Voorwaarden op orde brengen": (JEU, {VEI, EID, WERK, WON}),  # 003:1698-1706
    "De jeugd stimuleren in de ontwikkeling": (JEU, {VEI, EID, WERK, WON}),  # 003:1708-1726
    "Perspectieven bieden en ontwikkelen": (JEU, {VEI, EID, WERK}),  # 003:1728-1735
}


def test_opgaven_and_the_domains_they_touch_match_the_convenant(loaded):
    loaded_opgaven = {
        o.title_nl: (o.domain.slug, {d.slug for d in o.touches.all()})
        for o in Opgave.objects.select_related("domain").prefetch_related("touches")
    }
    assert Opgave.objects.count() == 25
    assert loaded_opgaven == CONVENANT_OPGAVEN
    # Veiligheid names exactly its three hoofdopgaven (003:808-810); CWB is no domain of the convenant
    assert Opgave.objects.filter(domain__slug=VEI).count() == 3
    assert not Opgave.objects.filter(domain__slug="community-wealth-building").exists()
    # no opgave lists its own domain as one it touches, and every one has an English title and a source
    for opgave in Opgave.objects.prefetch_related("touches"):
        assert opgave.domain not in opgave.touches.all()
        assert opgave.title_en and opgave.body_en
        assert "(003:" in opgave.body_nl

