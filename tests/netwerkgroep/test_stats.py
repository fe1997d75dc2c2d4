"""Counts of the netwerkgroepen (issue 6, item 10; DECISIONS 14, 17): live and purged cases, suppression,
both groups apart, Nieuw-West only for the jaarbeeld."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from netwerkgroep import services, stats
from netwerkgroep.models import Case, CaseStat
from tests.netwerkgroep.conftest import bring, in_days

pytestmark = pytest.mark.django_db


def test_suppress_and_share():
    assert [stats.suppress(n) for n in (0, 1, 4, 5, 12)] == ["0", "<5", "<5", "5", "12"]
    assert stats.share(3, 10) == "–" and stats.share(5, 10) == "50%" and stats.share(0, 10) == "0%" and stats.share(5, 0) == "–"
    # Secondary suppression: one hidden cell would be recovered from the total, so the next smallest goes too.
    assert stats.suppress_partition({"a": 2, "b": 6, "c": 9}) == {"a": "<5", "b": "<5", "c": "9"}
    assert stats.suppress_partition({"a": 2, "b": 3, "c": 9}) == {"a": "<5", "b": "<5", "c": "9"}
    assert stats.suppress_partition({"a": 0, "b": 6}) == {"a": "0", "b": "6"}


@pytest.fixture
def counted(people, structure):
    """Nieuw-West: six live cases (four informal), two with a bouwsteen, one closed, plus two purged cases
    in CaseStat; Zuidoost: three cases."""
    year = timezone.localdate().year
    nw_cases = [bring(people, structure, who="informeel" if i < 4 else "formeel", bouwstenen=["time-out"] if i < 2 else []) for i in range(6)]
    services.close_case(by=people["regisseur"], case=nw_cases[5], reason="doorbraak", terugblik_on=in_days(5))
    month = datetime.date(year, 1, 1)
    nw = structure["bodies"]["ng_nw"]
    CaseStat.objects.create(body=nw, month=month, bouwsteen="", outcome="doorbraak", inbrenger_side="informeel", count=2)
    CaseStat.objects.create(body=nw, month=month, bouwsteen="time-out", outcome="doorbraak", inbrenger_side="informeel", count=2)
    for _ in range(3):
        bring(people, structure, who="regisseur_zo", group="ng_zo")
    return year, nw_cases


def test_counts_combine_live_and_purged(structure, counted):
    year, _cases = counted
    raw = stats.count(structure["bodies"]["ng_nw"], year=year)
    assert raw.brought_in == 8
    assert raw.per_bouwsteen["time-out"] == 4
    assert raw.per_outcome["doorbraak"] == 3 and raw.per_outcome["open"] == 5
    assert raw.per_side == {"informeel": 6, "formeel": 2}
    shown = raw.suppressed()
    assert shown["brought_in"] == "8"
    assert shown["per_bouwsteen"]["time-out"] == "<5"
    assert shown["per_side"] == {"informeel": "<5", "formeel": "<5"}  # secondary suppression
    assert shown["informal_share"] == "–"
    zo = stats.count(structure["bodies"]["ng_zo"], year=year).suppressed()
    assert zo["brought_in"] == "<5"


def test_jaarbeeld_uses_nieuw_west_only(structure, counted):
    year, _cases = counted
    data = stats.yearly_for_jaarbeeld(year)
    assert data["body"] == structure["bodies"]["ng_nw"].slug and data["brought_in"] == "8"
    assert "zuidoost" not in str(data)
    assert all(isinstance(v, str) for v in data["per_outcome"].values())


def test_agreements_kept_on_time(people, structure):
    case = bring(people, structure)
    agreements = [
        services.add_agreement(by=people["regisseur"], case=case, text=f"Afspraak {i}", owner_org=structure["orgs"]["formeel"], deadline=in_days(3))
        for i in range(6)
    ]
    for agreement in agreements[:5]:
        services.finish_agreement(by=people["formeel"], agreement=agreement, done=True)
    services.finish_agreement(by=people["formeel"], agreement=agreements[5], done=False, outcome="Lukte niet binnen de tijd.")
    raw = stats.count(structure["bodies"]["ng_nw"], year=in_days(3).year)
    assert (raw.agreements_on_time, raw.agreements_finished) == (5, 6)
    assert raw.suppressed()["on_time_share"] == "83%"
    assert Case.objects.count() == 1


def _client(user):
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_stats_page_shows_both_groups_apart(people, structure, counted):
    url = reverse("netwerkgroep:stats")
    html = _client(people["programmateam"]).get(url).content.decode()
    assert "Netwerkgroep HGKM Nieuw-West" in html and "Netwerkgroep HGKM Zuidoost" in html
    assert "&lt;5" in html and "jaarbeeld" in html
    zo_only = _client(people["regisseur_zo"]).get(url).content.decode()
    assert "Netwerkgroep HGKM Zuidoost" in zo_only and "Netwerkgroep HGKM Nieuw-West" not in zo_only
    assert _client(people["privacy"]).get(url).status_code == 200
    for role in ("informeel", "formeel", "bewoner", "beheerder"):
        assert _client(people[role]).get(url).status_code == 403, role
    assert Client().get(url).status_code == 302
    assert _client(people["programmateam"]).get(url, {"year": "1900"}).status_code == 400
