"""Backup and restore for real: rows made by the services and a private attachment come back after damage."""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from financiering import services
from financiering.models import Attachment, Proposal

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def proposal(people, structure, card):
    """A concept proposal of the Veiligheid opgaveteam, made as the portal makes it."""
    return services.create_proposal(
        by=people["otlid"], body=structure["bodies"]["ot"], title="Vrouwen- en moederwerking in de buurt",
        purpose="Laagdrempelige bijeenkomsten.", actielijnen=[card],
    )


def only_backup(directory):
    [path] = [p for p in directory.iterdir() if p.name.startswith("samennw-backup-")]
    return path


@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_rows_and_private_media(people, proposal, media, tmp_path):
    attachment = services.add_attachment(
        by=people["otlid"], proposal=proposal, file=SimpleUploadedFile("Begroting 2026.pdf", PDF_BYTES)
    )
    stored = media / attachment.file.name
    title = proposal.title
    started = time.monotonic()
    call_command("backup", to=tmp_path / "backups")
    backup_seconds = time.monotonic() - started
    backup = only_backup(tmp_path / "backups")
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["row_counts"]["financiering_attachment"] == 1
    assert attachment.file.name in manifest["media"]

    Proposal.objects.filter(pk=proposal.pk).update(title="Overschreven")
    Attachment.objects.all().delete()
    stored.write_bytes(b"kapot")
    (media / "los.txt").write_text("later toegevoegd")

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", source=backup)
    assert Proposal.objects.get(pk=proposal.pk).title == "Overschreven"

    started = time.monotonic()
    call_command("restore", source=backup, yes=True)
    restore_seconds = time.monotonic() - started
    assert Proposal.objects.get(pk=proposal.pk).title == title
    restored = Attachment.objects.get()
    assert restored.original_name == "Begroting 2026.pdf"
    assert (media / restored.file.name).read_bytes() == PDF_BYTES
    assert not (media / "los.txt").exists()
    assert backup_seconds < 60 and restore_seconds < 60


@pytest.mark.django_db(transaction=True)
def test_corrupt_backup_is_refused_and_nothing_changes(people, proposal, media, tmp_path):
    call_command("backup", to=tmp_path)
    backup = only_backup(tmp_path)
    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    with dump.open("r+b") as fh:
        fh.seek(dump.stat().st_size // 2)
        fh.write(b"\x00corrupt\x00")
    Proposal.objects.filter(pk=proposal.pk).update(title="Na de back-up")

    with pytest.raises(CommandError, match="controlesom"):
        call_command("restore", source=backup, yes=True)
    assert Proposal.objects.get(pk=proposal.pk).title == "Na de back-up"


def test_backup_refuses_a_folder_it_cannot_write(db, tmp_path):
    blocked = tmp_path / "bestand"
    blocked.write_text("geen map")
    with pytest.raises(CommandError, match="Kan niet schrijven"):
        call_command("backup", to=blocked / "backups")
