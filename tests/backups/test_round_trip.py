"""The issue's "done when": the seeded demo (evidence files, an approved edition) is backed up and restored
into a fresh database and storage, and every row, every file hash and the edition's bytes are equal; one
office's archive moves SPM12 into a deployment that only has SPPTAK2, and both are intact there; an archive
from older code (the demo migrated back one step) is restored and migrated forward.

The commands run as they would for an operator: in subprocesses, each deployment a database and a media
folder of its own (``DATABASE_URL``, ``MEDIA_ROOT``). The database engine is the suite's: SQLite files on a
laptop, PostgreSQL databases (made next to the suite's, dropped at the end) when ``DATABASE_URL`` is
PostgreSQL, as in CI.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from ..conftest import need

ROOT = Path(__file__).resolve().parents[2]
TIMES = {}
SUITE_URL = os.getenv("DATABASE_URL", "")
POSTGRES = SUITE_URL.startswith(("postgres://", "postgresql://"))


class Deployment(type(Path())):
    """A folder (its media) with a database: ``db.sqlite3`` in it, or a PostgreSQL database named after it."""

    @property
    def database(self) -> str:
        base = urlsplit(SUITE_URL).path.lstrip("/") or "tidtam"
        return f"{base}_bk{os.getpid()}_{self.name.replace('-', '_')}"[:63]

    @property
    def url(self) -> str:
        if not POSTGRES:
            return f"sqlite:///{self / 'db.sqlite3'}"
        return urlunsplit(urlsplit(SUITE_URL)._replace(path=f"/{self.database}"))

    def make(self, template: "Deployment | None" = None) -> "Deployment":
        """The folder and an empty database (or a copy of ``template``'s database and media)."""
        self.mkdir()
        if template is not None:
            shutil.copytree(template / "media", self / "media")
        if POSTGRES:
            admin(f'CREATE DATABASE "{self.database}"' + (f' TEMPLATE "{template.database}"' if template else ""))
            CREATED.append(self.database)
        elif template is not None:
            shutil.copy(template / "db.sqlite3", self / "db.sqlite3")
        return self

    def query(self, sql: str) -> list:
        if POSTGRES:
            import psycopg2

            parts = urlsplit(self.url)
            with psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                  password=parts.password, dbname=self.database) as db, db.cursor() as cursor:
                cursor.execute(sql)
                rows = cursor.fetchall()
            db.close()
            return rows
        with sqlite3.connect(self / "db.sqlite3") as db:
            return db.execute(sql).fetchall()


CREATED = []


def admin(sql: str) -> None:
    import psycopg2

    parts = urlsplit(SUITE_URL)
    db = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                          password=parts.password, dbname="postgres")
    db.autocommit = True
    with db.cursor() as cursor:
        cursor.execute(sql)
    db.close()


def manage(deployment: Deployment, *args, check=True):
    env = {**os.environ, "DATABASE_URL": deployment.url,
           "MEDIA_ROOT": str(deployment / "media"), "CELERY_TASK_ALWAYS_EAGER": "True"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=900)
    if check:
        assert done.returncode == 0, done.stderr[-3000:]
    return done


def tables(deployment: Deployment) -> dict:
    """{table: sorted rows} of every table (the migration log's timestamps left out)."""
    if POSTGRES:
        names = [row[0] for row in deployment.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE'")]
    else:
        names = [row[0] for row in deployment.query("SELECT name FROM sqlite_master WHERE type='table' "
                                                    "AND name NOT LIKE 'sqlite_%'")]
    result = {}
    for name in names:
        columns = "app, name" if name == "django_migrations" else "*"
        rows = deployment.query(f'SELECT {columns} FROM "{name}"')
        result[name] = sorted((tuple(same(value) for value in row) for row in rows), key=repr)
    return result


def same(value):
    """A value as what it means: SQLite keeps a time or a JSON document as the text it was given, and a
    trigger writes milliseconds where Django writes microseconds."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return repr(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] in " T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


def file_hashes(deployment: Path) -> dict:
    """Every file of the deployment's media but the kept report parts (a cache, rebuilt on demand: not backed up)."""
    media = deployment / "media"
    return {path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(media.rglob("*")) if path.is_file()
            and not path.relative_to(media).as_posix().startswith("report-parts/")}


def office_counts(deployment: Path, code: str) -> dict:
    script = ("import json; from accounts.models import Office; from backups import selection; "
              f"o = Office.objects.get(code={code!r}); "
              "print(json.dumps({selection.label(m): q.count() for m, q in selection.office_querysets(o)}))")
    return json.loads(manage(deployment, "shell", "-v", "0", "-c", script).stdout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The seeded demo, backed up whole and as SPM12 alone."""
    root = Deployment(tmp_path_factory.mktemp("backup"))
    try:
        source = (root / "source").make()
        manage(source, "migrate", "-v", "0")
        manage(source, "seed_demo", "--today", "2026-12-04")
        for kind, extra in (("whole", ()), ("office", ("--office", "SPM12"))):
            started = time.monotonic()
            manage(source, "backup", "-o", str(root / f"{kind}.tar"), *extra)
            TIMES[f"backup {kind}"] = time.monotonic() - started
        yield root
    finally:  # the PostgreSQL databases made for the deployments
        while CREATED:
            admin(f'DROP DATABASE IF EXISTS "{CREATED.pop()}"')


def test_the_demo_restored_whole_is_the_same_row_for_row_and_byte_for_byte_and_cannot_be_restored_twice(demo):
    fresh = (demo / "fresh").make()
    manage(fresh, "migrate", "-v", "0")
    started = time.monotonic()
    done = manage(fresh, "restore", str(demo / "whole.tar"))
    TIMES["restore whole"] = time.monotonic() - started
    source, restored = tables(demo / "source"), tables(fresh)
    assert {name: len(rows) for name, rows in restored.items()} == \
        {name: len(rows) for name, rows in source.items()}
    assert restored == source  # every row, every column
    hashes = file_hashes(demo / "source")
    assert any(name.startswith("evidence/") for name in hashes)
    assert file_hashes(fresh) == hashes
    editions = (demo / "source").query("SELECT file FROM reporting_annualreport WHERE state = 'approved'")
    assert editions  # the demo approves an edition of the closed year (two: the public one too)
    for (edition,) in editions:
        assert (fresh / "media" / "reports" / edition).read_bytes() == \
            (demo / "source" / "media" / "reports" / edition).read_bytes()
    assert f"reporting.annualreport: {len(source['reporting_annualreport'])}" in done.stdout
    sizes = {kind: (demo / f"{kind}.tar").stat().st_size for kind in ("whole", "office")}
    print(f"\nDEMO ARCHIVES: sizes {sizes} bytes; times {({k: round(v, 1) for k, v in TIMES.items()})} s")

    # Restoring again into the now full deployment is refused and changes nothing (in this test, not a test
    # of its own: tests of a module may run on different workers, and this one needs the restored copy).
    before = tables(fresh)
    again = manage(fresh, "restore", str(demo / "whole.tar"), check=False)
    assert again.returncode != 0
    assert "not empty" in again.stderr and "ไม่ว่าง" in again.stderr
    assert tables(fresh) == before


def test_one_office_moves_into_a_deployment_that_only_has_the_other(demo):
    source = demo / "source"
    target = (demo / "tak2-only").make(template=source)
    spm12, tak2 = office_counts(source, "SPM12"), office_counts(source, "SPPTAK2")
    # The other deployment: the demo without SPM12 (its rows and files).
    with tarfile_names(demo / "office.tar") as names:
        for name in names:
            (target / "media" / name).unlink()
    manage(target, "shell", "-v", "0", "-c",
           "from django.db import transaction; from accounts.models import Office, User; "
           "from backups import selection; o = Office.objects.get(code='SPM12')\n"
           "with transaction.atomic():\n"
           "    User.objects.filter(chosen_office=o).update(chosen_office=None)\n"
           "    for m, q in reversed(selection.office_querysets(o)):\n"
           "        m._base_manager.filter(pk__in=list(q.values_list('pk', flat=True))).delete()")
    assert office_counts(target, "SPPTAK2") == tak2
    started = time.monotonic()
    manage(target, "restore", str(demo / "office.tar"))
    TIMES["restore office"] = time.monotonic() - started
    assert office_counts(target, "SPM12") == spm12
    assert office_counts(target, "SPPTAK2") == tak2
    assert file_hashes(target) == file_hashes(source)
    again = manage(target, "restore", str(demo / "office.tar"), check=False)
    assert again.returncode != 0 and "SPM12" in again.stderr
    # The moved office works: its planning officer logs in and sees the office's projects.
    script = ("from django.test import Client; from accounts.models import User; c = Client(); "
              "c.force_login(User.objects.get(email='planning@spm12.example.go.th')); "
              "r = c.get('/projects/', HTTP_HOST='127.0.0.1'); print(r.status_code)")
    assert manage(target, "shell", "-v", "0", "-c", script).stdout.strip() == "200"


class tarfile_names:
    """The storage names of an archive's files (``evidence/…``, ``reports/…``)."""

    def __init__(self, path):
        self.tar = tarfile.open(path)

    def __enter__(self):
        return [name.removeprefix("files/") for name in self.tar.getnames() if name.startswith("files/")]

    def __exit__(self, *exc):
        self.tar.close()


def test_an_archive_from_older_code_is_restored_and_migrated_forward(demo):
    """A real older archive: a copy of the demo migrated back one reversible step (reporting 0003 adds the
    edition's 'others' and issuance columns) and backed up in that state. Restored onto this code, its rows
    come back at that state and then migrate forward: the result equals the older copy migrated forward."""
    older = (demo / "older").make(template=demo / "source")
    manage(older, "migrate", "reporting", "0002", "-v", "0")
    manage(older, "backup", "-o", str(demo / "older.tar"))
    with tarfile_manifest(demo / "older.tar") as manifest:
        assert "0003_edition_others_and_issuance" not in manifest["migrations"]["reporting"]
        assert "0002_annualreport_updated_at" in manifest["migrations"]["reporting"]
    manage(older, "migrate", "-v", "0")  # what the older deployment looks like once it is updated

    fresh = (demo / "fresh-from-older").make()
    manage(fresh, "migrate", "-v", "0")  # the operator migrated the new database first: it goes back, then on
    done = manage(fresh, "restore", str(demo / "older.tar"))
    # reporting 0003 and every reporting migration after it
    assert re.search(r"ต่อไปอีก [1-9]\d* ขั้น|[1-9]\d* migrations were run forward", done.stdout)
    assert tables(fresh) == tables(older)
    assert file_hashes(fresh) == file_hashes(demo / "source")
    assert ("reporting", "0003_edition_others_and_issuance") in fresh.query("SELECT app, name FROM django_migrations")

    # Into a database nobody migrated yet: brought up to the archive's state, loaded, migrated forward.
    bare = (demo / "bare").make()
    manage(bare, "restore", str(demo / "older.tar"))
    # Content types and permissions are made by migrate (they are not in an archive): compared by what they
    # name, not by id (PostgreSQL may number them in another order); every other table row for row.
    assert without_made_by_migrate(tables(bare)) == without_made_by_migrate(tables(older))
    assert permissions(bare) == permissions(older)


def without_made_by_migrate(found: dict) -> dict:
    return {name: rows for name, rows in found.items() if name not in ("auth_permission", "django_content_type")}


def permissions(deployment: Deployment) -> list:
    return sorted(deployment.query("SELECT ct.app_label, ct.model, p.codename FROM auth_permission p "
                                   "JOIN django_content_type ct ON ct.id = p.content_type_id"))


class tarfile_manifest:
    def __init__(self, path):
        self.tar = tarfile.open(path)

    def __enter__(self):
        return json.loads(self.tar.extractfile("manifest.json").read())

    def __exit__(self, *exc):
        self.tar.close()


def test_on_postgresql_the_whole_archive_holds_a_pg_dump_that_pg_restore_reads(demo):
    need(POSTGRES, "PostgreSQL only: DATABASE_URL is SQLite here (CI runs this on PostgreSQL)")
    with tarfile.open(demo / "whole.tar") as tar:
        names = tar.getnames()
        assert "db/database.pgdump" in names and "db/data.jsonl" in names
        dump = demo / "database.pgdump"
        dump.write_bytes(tar.extractfile("db/database.pgdump").read())
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public reporting_annualreport" in listing.stdout
    # An operator's own way back: pg_restore of the dump into an empty database gives the same rows.
    copy = (demo / "from-pgdump").make()
    parts = urlsplit(copy.url)
    subprocess.run(["pg_restore", "--no-owner", "-h", parts.hostname, "-p", str(parts.port or 5432), "-U",
                    parts.username, "-d", copy.database, str(dump)], check=True, capture_output=True,
                   env={**os.environ, "PGPASSWORD": parts.password or ""})
    assert tables(copy) == tables(demo / "source")


def test_on_sqlite_the_whole_archive_holds_an_online_backup_of_the_database(demo):
    if POSTGRES:
        pytest.skip("SQLite only: DATABASE_URL is PostgreSQL here (its dump is checked by the test above)")
    with tarfile.open(demo / "whole.tar") as tar:
        copy = demo / "database.sqlite3"
        copy.write_bytes(tar.extractfile("db/database.sqlite3").read())
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        approved = (demo / "source").query("SELECT count(*) FROM reporting_annualreport WHERE state = 'approved'")
        assert db.execute("SELECT count(*) FROM reporting_annualreport WHERE state = 'approved'").fetchone() == \
            tuple(approved[0]) != (0,)
