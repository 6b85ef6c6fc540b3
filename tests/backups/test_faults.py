"""A backup that fails leaves no partial archive; a damaged, tampered or incomplete archive is refused before
anything is touched; a restore into a database that has rows is refused."""

import errno
import io
import json
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import translation

from accounts.models import Office, User
from backups.archive import ArchiveError
from backups.services import backup, restore, verify


@pytest.fixture(autouse=True)
def _english():
    """The messages are matched in English here; their Thai is checked where it is shown."""
    with translation.override("en"):
        yield


@pytest.fixture
def archive(planning, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    storages["evidence"].save("2026/11/abc", ContentFile(b"%PDF-1.4 evidence " * 100))
    path = tmp_path / "whole.tar"
    backup(path, by="test")
    return path


class FullDisk(io.RawIOBase):
    """A file that takes 64 KB and then reports the disk full."""

    def __init__(self, path):
        self.real = open(path, "xb")
        self.written = 0

    def writable(self):
        return True

    def write(self, data):
        if self.written + len(data) > 64 * 1024:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(data)
        return self.real.write(data)

    def close(self):
        self.real.close()
        super().close()


def test_a_disk_that_fills_up_leaves_no_partial_archive(planning, tmp_path):
    storages["evidence"].save("big", ContentFile(b"x" * 300_000))
    path = tmp_path / "full.tar"
    with pytest.raises(ArchiveError) as caught:
        backup(path, opener=FullDisk)
    assert not path.exists()
    assert "No space left" in caught.value.text("en") and "removed" in caught.value.text("en")
    assert "ลบ" in caught.value.text("th")


def test_an_existing_file_is_never_overwritten(planning, tmp_path):
    path = tmp_path / "there.tar"
    path.write_bytes(b"keep me")
    with pytest.raises(ArchiveError, match="exists already"):
        backup(path)
    assert path.read_bytes() == b"keep me"


def test_the_archive_lists_every_file_row_count_and_the_migrations(archive):
    manifest = verify(archive)
    assert manifest["counts"]["accounts.user"] == User.objects.count()
    assert manifest["counts"]["accounts.office"] == Office.objects.count()
    assert "files/evidence/2026/11/abc" in manifest["files"]
    assert manifest["files"]["files/evidence/2026/11/abc"]["size"] == 1800
    assert "0001_initial" in manifest["migrations"]["accounts"]
    assert manifest["version"] and manifest["created_by"] == "test" and manifest["host"]


def rewrite(source, target, change):
    """Copy an archive member by member, letting ``change(name, data)`` return new bytes or None to drop."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for info in old.getmembers():
            data = change(info.name, old.extractfile(info).read())
            if data is not None:
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))
    return target


def test_a_tampered_file_is_refused(archive, tmp_path):
    bad = rewrite(archive, tmp_path / "bad.tar",
                  lambda name, data: data.replace(b"evidence", b"EVIDENCE", 1) if name.endswith("abc") else data)
    with pytest.raises(ArchiveError, match="checksum"):
        verify(bad)


def test_a_missing_file_is_refused(archive, tmp_path):
    bad = rewrite(archive, tmp_path / "bad.tar", lambda name, data: None if name.endswith("abc") else data)
    with pytest.raises(ArchiveError, match="missing"):
        verify(bad)


def test_a_manifest_with_wrong_counts_is_refused(archive, tmp_path):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["counts"]["accounts.user"] += 1
            return json.dumps(manifest).encode()
        return data

    with pytest.raises(ArchiveError, match="counts"):
        verify(rewrite(archive, tmp_path / "bad.tar", change))


def test_a_truncated_archive_is_refused(archive, tmp_path):
    bad = tmp_path / "cut.tar"
    bad.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(ArchiveError):
        verify(bad)


def test_a_database_with_rows_is_not_restored_into(archive):
    users = User.objects.count()
    with pytest.raises(ArchiveError) as caught:
        restore(archive)
    assert "not empty" in caught.value.text("en")
    assert User.objects.count() == users


def test_an_archive_from_newer_code_is_refused(archive, tmp_path, django_user_model):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"]["accounts"].append("9999_from_the_future")
            return json.dumps(manifest).encode()
        return data

    with pytest.raises(ArchiveError, match="newer version"):
        restore(rewrite(archive, tmp_path / "new.tar", change))


def _older(archive, tmp_path):
    """The archive as older code would have written it: without reporting's last migration (its rows have
    no annual reports, so no row needs changing)."""
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            applied = manifest["migrations"]["reporting"]
            applied.remove(max(applied))  # the newest, whichever it is today
            return json.dumps(manifest).encode()
        return data

    return rewrite(archive, tmp_path / "older.tar", change)


def _columns(table):
    from django.db import connection

    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


@pytest.mark.django_db(transaction=True)
def test_an_older_archive_that_fails_after_its_rows_are_loaded_leaves_the_database_as_it_was(
        archive, tmp_path, monkeypatch):
    from django.core.management import call_command
    from django.db.migrations.recorder import MigrationRecorder

    from backups import services

    older = _older(archive, tmp_path)
    call_command("flush", interactive=False, verbosity=0)
    storages["evidence"].delete("2026/11/abc")
    columns = _columns("reporting_annualreport")
    loaded = []

    def fail(extracted, moved):
        loaded.append(User.objects.count())
        raise OSError("the disk is full")

    monkeypatch.setattr(services, "_move_in", fail)
    with pytest.raises(ArchiveError, match="nothing was restored"):
        restore(older)
    assert loaded == [1]  # it failed after the rows were in (and the schema had gone back and forth)
    assert User.objects.count() == 0 and Office.objects.count() == 0
    assert ("reporting", "0002_annualreport_updated_at") in MigrationRecorder(
        __import__("django.db", fromlist=["connection"]).connection).applied_migrations()
    assert _columns("reporting_annualreport") == columns

    monkeypatch.undo()
    result = restore(older)  # and the same archive then restores, migrated forward
    assert result["migrated"] >= 1
    assert User.objects.filter(email="planning@test.go.th").exists()
    assert _columns("reporting_annualreport") == columns


def test_an_archive_from_newer_code_is_refused_in_thai_and_english(archive, tmp_path):
    def change(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"]["reporting"].append("9999_from_the_future")
            return json.dumps(manifest).encode()
        return data

    with pytest.raises(ArchiveError) as caught:
        restore(rewrite(archive, tmp_path / "new.tar", change))
    assert "refused" in caught.value.text("en") and "reporting.9999_from_the_future" in caught.value.text("en")
    assert "ใหม่กว่า" in caught.value.text("th")
