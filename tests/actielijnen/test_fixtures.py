"""The action-line fixtures: every actielijn the documents name, loaded idempotently with the structure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from actielijnen.fixtures_loader import load_actielijnen
from actielijnen.models import Actielijn, Status, Statusupdate
from domains.fixtures_loader import DEFAULT_DIRECTORY, FixtureError, load_fixtures
from domains.models import Domain
from samennw import rights

PASSWORD = "demo-test-wachtwoord-42"
REAL_NAMES = ["Steenbrink", "Aaras", "Rosalie", "Coenraads", "Rinnooy", "Souverein", "Smit", "Sahraoui", "Hutten", "Helmich"]
# Counted by hand in the seeds (002 "Actielijnen – wat gaan we nu doen?"; 000 for Veiligheid's newer names).
EXPECTED_PER_DOMAIN = {
    "eigenaarschap-inclusie-en-democratie": 12,
    "veiligheid": 16,
    "werk-en-bestaanszekerheid": 26,
    "wonen-en-leefomgeving": 17,
    "kansen-voor-de-jeugd": 14,
    "community-wealth-building": 3,
}
# Domains whose opbrengsten are in domains.json; the document links each of their lines to one,
# except the OV jobs line that sits under mobility without naming which of its two opbrengsten.
WITHOUT_OPBRENGST = {"wonen-banen-aanpak-ov"}


@pytest.fixture
def loaded(db, monkeypatch):
    monkeypatch.setenv("SAMENNW_DEMO_PASSWORD", PASSWORD)
    load_fixtures()
    return load_actielijnen()


def test_cards_per_domain(loaded):
    counts = {d.slug: d.actielijnen.count() for d in Domain.objects.all()}
    assert counts == EXPECTED_PER_DOMAIN
    cwb = set(Actielijn.objects.filter(domain__slug="community-wealth-building").values_list("title_nl", flat=True))
    assert cwb == {"Inkoop", "Coöperatieven", "Bronnen en infrastructuur"}


def test_every_card_has_domain_source_and_opbrengst_where_linked(loaded):
    with_opbrengsten = {"eigenaarschap-inclusie-en-democratie", "veiligheid", "werk-en-bestaanszekerheid", "wonen-en-leefomgeving"}
    for card in Actielijn.objects.select_related("domain"):
        assert card.domain_id and card.source and card.title_nl and card.goal_nl, card.code
        if card.domain.slug in with_opbrengsten and card.code not in WITHOUT_OPBRENGST:
            assert card.opbrengsten.exists(), card.code
            assert {o.opdracht.domain_id for o in card.opbrengsten.all()} == {card.domain_id}, card.code


def test_verbatim_content_and_links(loaded):
    monitor = Actielijn.objects.get(code="eid-welzijnsmonitor")
    assert set(monitor.focusbuurten.values_list("slug", flat=True)) == {"wegener-sleswijkbuurt", "confuciusbuurt"}
    assert monitor.goal_nl.startswith("We starten met een welzijnsmonitor in twee focusbuurten in Geuzenveld")
    coop = Actielijn.objects.get(code="veiligheid-cooperaties-ervaringsdeskundigen")
    assert coop.goal_nl.startswith("We zetten vijf coöperaties op")
    assert list(coop.opbrengsten.values_list("code", flat=True)) == ["gebiedsgericht"]
    wijkrecht = Actielijn.objects.get(code="veiligheid-wijkrechtspraak")
    assert "rechtbank-amsterdam" in set(wijkrecht.partners.values_list("slug", flat=True))
    # The untranslated column holds the Dutch text too.
    assert Actielijn.objects.get(code="cwb-inkoop").title == "Inkoop"


def test_status_follows_the_documents(loaded):
    published = set(Actielijn.objects.filter(status=Status.GEPUBLICEERD).values_list("code", flat=True))
    assert {"veiligheid-hgkm", "veiligheid-wijkrechtspraak", "veiligheid-solide-fundament", "cwb-inkoop"} <= published
    assert Actielijn.objects.get(code="eid-welzijnsmonitor").status == Status.CONCEPT
    for card in Actielijn.objects.filter(status=Status.GEPUBLICEERD):
        assert card.published_at is not None and card.published_by is None
    assert set(Actielijn.objects.values_list("status", flat=True)) <= {Status.CONCEPT, Status.GEPUBLICEERD}


def test_hgkm_card_led_by_demo_aanvoerder(loaded, django_user_model):
    hgkm = Actielijn.objects.get(code="veiligheid-hgkm")
    aanvoerder = django_user_model.objects.get(username="aanvoerder")
    assert hgkm.title_nl == "Tegengaan huiselijk geweld en kindermishandeling"
    assert hgkm.aanvoerder == aanvoerder
    assert rights.can(aanvoerder, "actielijnen.edit_card", hgkm)
    assert list(Actielijn.objects.filter(aanvoerder__isnull=False).values_list("code", flat=True)) == ["veiligheid-hgkm"]
    other = Actielijn.objects.get(code="veiligheid-online-veiligheid")
    assert not rights.can(aanvoerder, "actielijnen.edit_card", other)


def test_dated_status_updates_without_author(loaded):
    updates = Statusupdate.objects.filter(actielijn__code="veiligheid-hgkm").order_by("created_at")
    assert [u.created_at.date().isoformat() for u in updates] == ["2026-03-05", "2026-06-11"]
    assert all(u.author_id is None and u.state == Statusupdate.State.GEPLAATST for u in updates)
    assert "000:" in updates[0].text_nl and "004:" in updates[1].text_nl
    hgkm = Actielijn.objects.get(code="veiligheid-hgkm")
    assert hgkm.last_status_update_at == updates[1].created_at


def test_no_real_person_names_in_cards(loaded):
    for card in Actielijn.objects.all():
        text = " ".join(str(getattr(card, f.attname) or "") for f in Actielijn._meta.concrete_fields)
        for name in REAL_NAMES:
            assert name not in text, (card.code, name)
    for update in Statusupdate.objects.all():
        for name in REAL_NAMES:
            assert name not in update.text_nl, name


def test_second_run_changes_nothing(loaded):
    assert loaded.changed
    cards = list(Actielijn.objects.order_by("code").values_list("code", "version", "status", "updated_at"))
    history = (Actielijn.history.count(), Statusupdate.history.count(), Statusupdate.objects.count())
    load_fixtures()
    again = load_actielijnen()
    assert not again.changed and again.lines() == ["Niets gewijzigd."]
    assert list(Actielijn.objects.order_by("code").values_list("code", "version", "status", "updated_at")) == cards
    assert (Actielijn.history.count(), Statusupdate.history.count(), Statusupdate.objects.count()) == history


def test_changed_fixture_updates_with_history(loaded, tmp_path):
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    path = target / "actielijnen.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(c for c in data["actielijnen"] if c["code"] == "cwb-inkoop")
    entry["smart_nl"] = "Nieuwe tekst"
    path.write_text(json.dumps(data), encoding="utf-8")
    card = Actielijn.objects.get(code="cwb-inkoop")
    before = card.history.count()
    result = load_actielijnen(directory=target)
    assert result.counts["Actielijn"] == {"created": 0, "updated": 1}
    card.refresh_from_db()
    assert card.smart_nl == "Nieuwe tekst" and card.version == 2 and card.history.count() == before + 1
    assert card.status == Status.GEPUBLICEERD  # the loader never moves an existing card


@pytest.fixture
def broken_dir(tmp_path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def _break(directory: Path, code: str, key: str, value) -> None:
    path = directory / "actielijnen.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    entry = next(c for c in data["actielijnen"] if c["code"] == code)
    entry[key] = value
    path.write_text(json.dumps(data), encoding="utf-8")


def test_unknown_opbrengst_leaves_no_cards(db, broken_dir, monkeypatch):
    monkeypatch.setenv("SAMENNW_DEMO_PASSWORD", PASSWORD)
    _break(broken_dir, "werk-lifecoaching", "opbrengsten", ["meedoen-via-werk/bestaat-niet"])
    with pytest.raises(CommandError, match=r"actielijnen.json, actielijn 'werk-lifecoaching'.*bestaat-niet"):
        call_command("load_demo", "--dir", str(broken_dir))
    assert not Actielijn.objects.exists()
    assert not Domain.objects.exists()  # the structure of the same run is undone too


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("domain", "bestaat-niet", "onbekend domein 'bestaat-niet'"),
        ("partners", ["bestaat-niet"], "onbekende organisatie 'bestaat-niet'"),
        ("focusbuurten", ["bestaat-niet"], "onbekende focusbuurt 'bestaat-niet'"),
        ("code", "cwb-inkoop", "code 'cwb-inkoop' komt twee keer voor"),
    ],
)
def test_invalid_entries_are_named(loaded, broken_dir, key, value, message):
    _break(broken_dir, "cwb-cooperatieven", key, value)
    before = list(Actielijn.objects.order_by("code").values_list("code", "version"))
    with pytest.raises(FixtureError, match=f"actielijnen.json, actielijn .*{message}"):
        load_actielijnen(directory=broken_dir)
    assert list(Actielijn.objects.order_by("code").values_list("code", "version")) == before


def test_command_loads_cards_and_reports_nothing_changed(db, monkeypatch, capsys):
    monkeypatch.setenv("SAMENNW_DEMO_PASSWORD", PASSWORD)
    call_command("load_demo")
    first = capsys.readouterr().out
    assert "Actielijnen: Actielijn: 88 nieuw" in first
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "Niets gewijzigd." in second and "Actielijnen: Niets gewijzigd." in second
    assert "nieuw" not in second and "bijgewerkt" not in second
