"""The nightly backup: a verified archive and a BackupRun row; retention keeps 7 daily, 4 weekly and
12 monthly archives; a failure e-mails the administrators once each, through the outbox."""

from datetime import datetime, timedelta

import pytest

from backups.models import BackupRun
from backups.nightly import prune, run_nightly, to_keep
from reminders.models import Message


@pytest.fixture
def folder(settings, tmp_path):
    settings.TIDTAM_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "backups"


def test_a_nightly_backup_is_verified_and_recorded(planning, folder):
    run = run_nightly()
    assert run.state == BackupRun.State.OK and run.size > 0
    assert [path.name for path in folder.iterdir()] == [run.file.rsplit("/", 1)[-1]]
    assert BackupRun.objects.get().state == BackupRun.State.OK


def test_a_failed_backup_emails_each_administrator_once(planning, admin_user, folder, settings):
    settings.TIDTAM_BACKUP_DIR = folder / "not-a-folder"
    folder.mkdir()
    (folder / "not-a-folder").write_text("a file where the folder should be")
    run = run_nightly()
    assert run.state == BackupRun.State.FAILED and run.error
    messages = Message.objects.filter(kind=Message.Kind.BACKUP_FAILED)
    assert list(messages.values_list("recipient", flat=True)) == [admin_user.pk]
    from backups.nightly import notify_failure
    assert notify_failure(run) == 0  # the same run never mails twice


def test_retention_keeps_the_newest_of_each_day_week_and_month():
    start = datetime(2026, 12, 4, 1, 30)
    names = [f"tidtam-{start - timedelta(days=day):%Y%m%d-%H%M%S}.tar" for day in range(400)]
    kept = to_keep(names, daily=7, weekly=4, monthly=12)
    assert {f"tidtam-{start - timedelta(days=day):%Y%m%d-%H%M%S}.tar" for day in range(7)} <= kept
    assert len(kept) <= 7 + 4 + 12 and len(kept) >= 12
    assert "tidtam-20251204-013000.tar" not in kept  # a year back: past the twelve months


def test_prune_removes_only_archives_past_retention(folder, settings):
    settings.TIDTAM_BACKUP_KEEP = "2,0,0"
    folder.mkdir()
    for day in (1, 2, 3):
        (folder / f"tidtam-202612{day:02d}-013000.tar").write_text("x")
    (folder / "notes.txt").write_text("mine")
    assert prune(folder) == ["tidtam-20261201-013000.tar"]
    assert sorted(path.name for path in folder.iterdir()) == ["notes.txt", "tidtam-20261202-013000.tar",
                                                               "tidtam-20261203-013000.tar"]


def test_only_superusers_see_the_backups_page(client, planning, admin_user, folder):
    run_nightly()
    planning.is_staff = True
    planning.save()
    client.force_login(planning)
    assert client.get("/admin/backups/backuprun/").status_code == 403
    client.force_login(admin_user)
    page = client.get("/admin/backups/backuprun/")
    assert page.status_code == 200
    assert "tidtam-" in page.content.decode() and "ตรวจสอบแล้ว" in page.content.decode()
