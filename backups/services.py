"""Backing up a deployment (or one office) into one archive, and restoring it — verified before anything
is touched, the database in one transaction, files moved in only when every row is in.

Every message is translated (Thai and English): the commands and the nightly task show them as they are.
"""

import contextlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files import File
from django.core.files.storage import storages
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, transaction
from django.core.management.sql import emit_post_migrate_signal
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import archive, jsonl, selection, states
from .archive import DATA, MANIFEST, ArchiveError

FORMAT = 1
serializers.register_serializer(jsonl.NAME, "backups.jsonl")


# --- backup -----------------------------------------------------------------------------------------------

def applied_migrations() -> dict:
    applied = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _rows(querysets, counts: Counter, refs: dict):
    """The rows to serialize, counted, noting which users and offices they refer to."""
    user, office = apps.get_model("accounts", "User"), apps.get_model("accounts", "Office")
    outside = {user, office, *(apps.get_model(name) for name in selection.SHARED)}
    pointers = None
    for model, queryset in querysets:
        pointers = [(field.attname, field.related_model) for field in model._meta.concrete_fields
                    if field.is_relation and field.related_model in outside]
        for obj in queryset.iterator(chunk_size=2000):
            counts[selection.label(model)] += 1
            for attname, target in pointers:
                value = getattr(obj, attname)
                if value is not None:
                    refs[selection.label(target)].add(value)
            yield obj


def _database_copy(folder: Path) -> tuple[str, Path] | None:
    """The database's own dump for operators: SQLite's online backup, PostgreSQL's pg_dump -Fc."""
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():  # tests: nothing to copy for an operator (and it would wait on locks)
            return None
        target = folder / "database.sqlite3"
        connection.ensure_connection()  # Django's own connection: it may hold the read transaction
        copy = sqlite3.connect(str(target))
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return "db/database.sqlite3", target
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
        command = ["pg_dump", "-Fc", "--no-owner", "-f", str(target), "-h", str(db.get("HOST") or "localhost"),
                   "-p", str(db.get("PORT") or 5432), "-U", str(db.get("USER") or ""), str(db["NAME"])]
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=6 * 3600)
        return "db/database.pgdump", target
    return None


def _write(handle, folder: Path, *, office, by: str) -> dict:
    writer = archive.Writer(handle)
    counts, refs = Counter(), {"accounts.user": set(), "accounts.office": set(), **{name: set() for name in selection.SHARED}}
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    registry = states.registry(loader, applied)
    if office is None:  # with the models of the database's migrations, which may be older than the code's
        querysets = [(model, model._default_manager.order_by("pk")) for model in selection.whole_models(registry)]
    elif registry is not apps:
        raise ArchiveError(_("Run migrate before backing up an office: the database's migrations are not the "
                             "code's."))
    else:
        querysets = selection.office_querysets(office)
    data = folder / "data.jsonl"
    with transaction.atomic(), open(data, "w", encoding="utf-8") as out:
        serializers.serialize(jsonl.NAME, _rows(querysets, counts, refs), stream=out,
                              use_natural_foreign_keys=office is None)
        files = {name: list(selection.walk(storages[name])) for name in selection.STORAGES} if office is None \
            else selection.office_files(querysets)
    writer.add_path(DATA, data)
    data.unlink()
    if office is None:
        copy = _database_copy(folder)
        if copy:
            writer.add_path(*copy)
            copy[1].unlink()
    for storage_name, names in files.items():
        storage = storages[storage_name]
        for name in names:
            with storage.open(name, "rb") as source:
                writer.add(f"files/{storage_name}/{name}", source, storage.size(name))
    manifest = {
        "format": FORMAT, "kind": "whole" if office is None else "office",
        "office": office.code if office else None,
        "version": settings.TIDTAM_VERSION, "database": connection.vendor,
        "migrations": applied_migrations(), "counts": dict(sorted(counts.items())),
        "created_at": timezone.now().isoformat(), "created_by": by, "host": platform.node(),
    }
    if office is not None:
        user, office_model = apps.get_model("accounts", "User"), apps.get_model("accounts", "Office")
        manifest["refs"] = {
            "users": {str(pk): email for pk, email in
                      user._default_manager.filter(pk__in=refs["accounts.user"]).values_list("pk", "email")},
            "offices": {str(pk): code for pk, code in
                        office_model._default_manager.filter(pk__in=refs["accounts.office"] | {office.pk})
                        .values_list("pk", "code")},
            # rows of the deployment-wide reference lists (e.g. eMENSCR's starter linkage list) the office's
            # rows point at, by their natural key; the office's own copies of such rows are in the archive
            "shared": {name: {str(row["pk"]): [row[f] for f in fields] for row in
                              apps.get_model(name)._default_manager.filter(pk__in=refs[name], office__isnull=True)
                              .values("pk", *fields)}
                       for name, fields in selection.SHARED.items()},
        }
    writer.finish(manifest)
    return {**manifest, "files": writer.files}


def backup(path, *, office_code: str | None = None, by: str = "", opener=None) -> dict:
    """Write the archive to ``path`` (never over an existing file); returns its manifest. On any error the
    partial archive is removed and :class:`ArchiveError` says so."""
    path = Path(path)
    office = None
    if office_code:
        office = apps.get_model("accounts", "Office")._default_manager.filter(code=office_code).first()
        if office is None:
            raise ArchiveError(_("There is no office with the code %(code)s."), {"code": office_code})
    try:
        handle = (opener or (lambda target: open(target, "xb")))(path)
    except FileExistsError:
        raise ArchiveError(_("%(path)s exists already; a backup never overwrites a file."), {"path": path})
    except OSError as error:
        raise ArchiveError(_("Cannot write %(path)s: %(error)s"), {"path": path, "error": error})
    try:
        with handle, tempfile.TemporaryDirectory(dir=path.parent, prefix=".tidtam-backup-") as folder:
            return _write(handle, Path(folder), office=office, by=by)
    except BaseException as error:
        path.unlink(missing_ok=True)
        raise ArchiveError(_("The backup failed (%(error)s); the partial archive %(path)s was removed."), {"error": str(error) or type(error).__name__, "path": path}) from error


# --- verify -----------------------------------------------------------------------------------------------

def _count_lines(reader, counts: Counter):
    """Reads a JSON-lines member through ``reader`` and counts its rows per model."""
    rest = b""
    while chunk := reader.read(archive.CHUNK):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        for line in lines:
            if line.strip():
                counts[json.loads(line)["model"]] += 1
    if rest.strip():
        counts[json.loads(rest)["model"]] += 1


def verify(path) -> dict:
    """Read the whole archive once: every member's sha256 and size and every row count must match the
    manifest. Returns the manifest; raises :class:`ArchiveError` naming what is wrong."""
    path = Path(path)
    seen, counts, manifest = {}, Counter(), None
    try:
        with open(path, "rb") as handle:
            for info, member in archive.members(handle):
                name = info.name
                if not archive.safe_member(name) or name in seen or (member is None and not info.isdir()):
                    raise ArchiveError(_("The archive holds an unexpected entry %(name)s."), {"name": name})
                if member is None:
                    continue
                if name == MANIFEST:
                    manifest = json.loads(member.read(10 * 1024 * 1024))
                    seen[name] = None
                    continue
                reader = archive.HashingReader(member)
                if name == DATA:
                    _count_lines(reader, counts)
                else:
                    while reader.read(archive.CHUNK):
                        pass
                seen[name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}
    except FileNotFoundError:
        raise ArchiveError(_("There is no file %(path)s."), {"path": path})
    except ArchiveError:
        raise
    except (OSError, EOFError, ValueError, KeyError, archive.tarfile.TarError) as error:
        raise ArchiveError(_("The archive is damaged or truncated (%(error)s); nothing was restored."), {"error": error})
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or "files" not in manifest:
        raise ArchiveError(_("The archive has no valid manifest; nothing was restored."))
    seen.pop(MANIFEST)
    listed = manifest["files"]
    for name in sorted(set(listed) | set(seen)):
        if name not in seen:
            raise ArchiveError(_("The file %(name)s listed in the manifest is missing from the archive."), {"name": name})
        if name not in listed:
            raise ArchiveError(_("The file %(name)s in the archive is not in the manifest."), {"name": name})
        if seen[name] != {"sha256": listed[name].get("sha256"), "size": listed[name].get("size")}:
            raise ArchiveError(_("The file %(name)s does not match its checksum in the manifest: the archive "
                                 "was changed or damaged."), {"name": name})
    if dict(counts) != {key: value for key, value in manifest.get("counts", {}).items() if value}:
        raise ArchiveError(_("The rows in the archive do not match the counts in its manifest."))
    if DATA not in seen:
        raise ArchiveError(_("The archive holds no database rows."))
    return manifest


# --- restore ----------------------------------------------------------------------------------------------

def check_migrations(manifest: dict) -> None:
    """An archive from newer code (migrations this code does not have) is refused. A whole archive from
    older code is migrated forward by :func:`restore`; an office's archive must have this database's
    migrations (rows are merged into a running deployment, so there is no older state to load them into)."""
    archived = states.nodes(manifest.get("migrations", {}))
    unknown = sorted(archived - states.code_nodes())
    if unknown:
        raise ArchiveError(_("The archive was made by a newer version of Tidtam (%(version)s; migration "
                             "%(migration)s is unknown here): restoring it onto older code is refused. Update "
                             "the code first."), {"version": manifest.get("version"), "migration": ".".join(unknown[0])})
    if manifest.get("kind") == "whole":
        return
    applied = set(MigrationRecorder(connection).applied_migrations())
    missing = sorted(applied - archived)
    if missing:
        raise ArchiveError(_("The office's archive was made before migration %(migration)s. Restore it into a "
                             "new deployment (a whole restore migrates forward), or back it up again with this "
                             "version."), {"migration": ".".join(missing[0])})
    not_applied = sorted(archived - applied)
    if not_applied:
        raise ArchiveError(_("Run migrate before restoring: migration %(migration)s is not applied yet."), {"migration": ".".join(not_applied[0])})


def _storage_is_empty(name: str) -> bool:
    return next(iter(selection.walk(storages[name])), None) is None


def check_empty() -> None:
    """Every table there is (the database may be new, or migrated to any state) has no rows."""
    tables = set(connection.introspection.table_names())
    for model in selection.whole_models():
        if model._meta.db_table in tables and model._default_manager.exists():
            raise ArchiveError(_("The database is not empty (%(table)s has rows): a whole backup is restored "
                                 "only into a new database after migrate."), {"table": model._meta.db_table})
    for name in selection.STORAGES:
        if not _storage_is_empty(name):
            raise ArchiveError(_("The %(storage)s storage is not empty: a whole backup is restored only into "
                                 "empty storages."), {"storage": name})


def check_office_absent(manifest: dict) -> None:
    office_model = apps.get_model("accounts", "Office")
    code = manifest.get("office")
    if office_model._default_manager.filter(code=code).exists():
        raise ArchiveError(_("The office %(code)s exists already in this deployment; an office is moved "
                             "only into a deployment that does not have it."), {"code": code})


def _extract(path: Path, folder: Path, manifest: dict) -> dict:
    """Write every member to ``folder``, checking each sha256 again on the way; {member name: path}."""
    written = {}
    with open(path, "rb") as handle:
        for info, member in archive.members(handle):
            if member is None or info.name == MANIFEST:
                continue
            target = folder / f"{len(written):08d}"
            reader = archive.HashingReader(member)
            with open(target, "wb") as out:
                while chunk := reader.read(archive.CHUNK):
                    out.write(chunk)
            if reader.sha256.hexdigest() != manifest["files"][info.name]["sha256"]:
                raise ArchiveError(_("The file %(name)s changed while it was being restored."), {"name": info.name})
            written[info.name] = target
    return written


def _reset_sequences(models) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def _load_whole(data: Path, registry=apps) -> Counter:
    counts, deferred, models = Counter(), [], set()
    with open(data, encoding="utf-8") as stream, connection.constraint_checks_disabled():
        for obj in serializers.deserialize(jsonl.NAME, stream, handle_forward_references=True, registry=registry):
            obj.save()
            counts[selection.label(type(obj.object))] += 1
            models.add(type(obj.object))
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields()
    connection.check_constraints(table_names=[model._meta.db_table for model in models])
    return counts


def _migrate(targets) -> int:
    """Migrate (forward or back) to ``targets`` inside the caller's transaction; the number of steps."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    if plan:
        try:
            executor.migrate(targets, plan=plan)
        except IrreversibleError as error:
            raise ArchiveError(_("This database was migrated past the archive's state and cannot go back "
                                 "(%(error)s): restore into a new, empty database without running migrate "
                                 "first."), {"error": error}) from error
    return len(plan)


def _load_whole_migrating(data: Path, manifest: dict) -> tuple[Counter, int]:
    """Bring the (empty) database to exactly the archive's migrations, load the rows with the models of
    that state, then run the code's remaining migrations (data migrations too). Inside the caller's
    transaction: a failure anywhere leaves the database as it was. Returns (rows loaded, migrations run
    forward after loading)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    archived = states.nodes(manifest.get("migrations", {}))
    if _migrate(states.targets(loader, archived)):
        emit_post_migrate_signal(0, False, connection.alias)  # content types and permissions: rows name them
    counts = _load_whole(data, states.registry(loader, archived))
    expected = {key: value for key, value in manifest["counts"].items() if value}
    if dict(counts) != expected:
        raise ArchiveError(_("The rows restored do not match the counts in the manifest; nothing was restored."))
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    forward = _migrate(loader.graph.leaf_nodes())
    if forward:
        connection.check_constraints()
        emit_post_migrate_signal(0, False, connection.alias)
    _reset_sequences(selection.whole_models())
    return counts, forward


@contextlib.contextmanager
def _schema_changes_in_a_transaction():
    """SQLite changes tables inside a transaction only with its foreign key checks off, and they can be
    turned off only outside one; the rows are checked by ``check_constraints`` instead."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    connection.disable_constraint_checking()  # a no-op inside an outer transaction (tests): then only a
    try:                                      # restore that needs no migration can run there
        yield
    finally:
        connection.enable_constraint_checking()


def _load_office(data: Path, manifest: dict) -> Counter:
    """Insert the office's rows under new ids, pointing every reference at the new ids (or, for offices
    and users outside the archive, at this deployment's office or user with the same code or e-mail)."""
    office_model, user = apps.get_model("accounts", "Office"), apps.get_model("accounts", "User")
    refs = manifest.get("refs", {})
    outside = {
        "accounts.office": {int(pk): code for pk, code in refs.get("offices", {}).items()},
        "accounts.user": {int(pk): email for pk, email in refs.get("users", {}).items()},
    }
    lookup = {"accounts.office": ("code", office_model), "accounts.user": ("email", user)}
    for name, fields in selection.SHARED.items():
        outside[name] = {int(pk): key for pk, key in refs.get("shared", {}).get(name, {}).items()}
        lookup[name] = (fields, apps.get_model(name))
    new_ids, counts, fixups, models, revisions = {}, Counter(), [], set(), []

    def resolve(target_label, old):
        if old in new_ids.get(target_label, {}):
            return new_ids[target_label][old]
        if target_label in lookup and old in outside[target_label]:
            field, model = lookup[target_label]
            key = outside[target_label][old]
            where = {field: key} if isinstance(field, str) else {"office__isnull": True, **dict(zip(field, key))}
            found = model._default_manager.filter(**where).values_list("pk", flat=True).first()
            if found is None:
                key = outside[target_label][old]
                raise ArchiveError(_("The archive refers to %(what)s, which this deployment does not have."),
                                   {"what": key if isinstance(key, str) else f"{target_label} {' '.join(key)}"})
            return found
        return None

    with open(data, encoding="utf-8") as stream:
        for obj in serializers.deserialize(jsonl.NAME, stream):
            row, name = obj.object, selection.label(type(obj.object))
            if name == selection.REVISION:
                revisions.append(row)
                continue
            old_pk = row.pk
            if name == "accounts.user" and user._default_manager.filter(email=row.email).exists():
                raise ArchiveError(_("A user with the e-mail %(email)s exists already in this deployment."), {"email": row.email})
            for field in row._meta.concrete_fields:
                if not field.is_relation:
                    continue
                value = getattr(row, field.attname)
                if value is None:
                    continue
                target = selection.label(field.related_model)
                new = resolve(target, value)
                if new is None:
                    if target not in new_ids and target not in lookup and field.related_model is not type(row):
                        raise ArchiveError(_("The archive refers to a %(model)s row it does not hold."), {"model": target})
                    fixups.append((type(row), field.attname, target, value, row))
                    setattr(row, field.attname, None)
                    continue
                setattr(row, field.attname, new)
            row.pk = None
            obj.m2m_data = {}
            obj.save()
            new_ids.setdefault(name, {})[old_pk] = row.pk
            counts[name] += 1
            models.add(type(row))
    for model, attname, target, old, row in fixups:
        new = resolve(target, old)
        if new is None:
            raise ArchiveError(_("The archive refers to a %(model)s row it does not hold."), {"model": target})
        model._default_manager.filter(pk=row.pk).update(**{attname: new})
    reports, users = new_ids.get("projects.quarterlyreport", {}), new_ids.get("accounts.user", {})
    for row in revisions:
        row.pk, row.report_id = None, reports.get(row.report_id)
        if row.report_id is None:
            raise ArchiveError(_("The archive refers to a %(model)s row it does not hold."), {"model": "projects.quarterlyreport"})
        row.actor_id = users.get(row.actor_id, resolve("accounts.user", row.actor_id)) if row.actor_id else None
        row.save_base(raw=True)
        counts[selection.REVISION] += 1
    for office in office_model._default_manager.filter(pk__in=new_ids.get("accounts.office", {}).values()):
        office.save()  # its path of ids is made from the new ids
    return counts


def _move_in(extracted: dict, moved: list) -> None:
    for member, source in extracted.items():
        if not member.startswith("files/"):
            continue
        _files, storage_name, name = member.split("/", 2)
        if storage_name not in selection.STORAGES:
            raise ArchiveError(_("The archive holds an unexpected entry %(name)s."), {"name": member})
        storage = storages[storage_name]
        if storage.exists(name):
            raise ArchiveError(_("The file %(name)s exists already in the %(storage)s storage."), {"name": name, "storage": storage_name})
        try:
            target = Path(storage.path(name))
        except NotImplementedError:
            with open(source, "rb") as handle:
                moved.append((storage, storage.save(name, File(handle))))
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        moved.append((storage, name))


def restore(path) -> dict:
    """Restore the archive at ``path``; returns {"manifest", "counts", "files"}. Raises ArchiveError with
    nothing changed."""
    path = Path(path)
    manifest = verify(path)
    check_migrations(manifest)
    if manifest.get("kind") == "whole":
        check_empty()
    elif manifest.get("kind") == "office":
        check_office_absent(manifest)
    else:
        raise ArchiveError(_("The archive has no valid manifest; nothing was restored."))
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    moved, forward = [], 0
    with tempfile.TemporaryDirectory(dir=media, prefix=".tidtam-restore-") as folder:
        extracted = _extract(path, Path(folder), manifest)
        try:
            whole = manifest["kind"] == "whole"
            with _schema_changes_in_a_transaction() if whole else contextlib.nullcontext(), transaction.atomic():
                if whole:
                    counts, forward = _load_whole_migrating(extracted[DATA], manifest)
                else:
                    counts = _load_office(extracted[DATA], manifest)
                    expected = {key: value for key, value in manifest["counts"].items() if value}
                    if dict(counts) != expected:
                        raise ArchiveError(_("The rows restored do not match the counts in the manifest; "
                                             "nothing was restored."))
                _move_in(extracted, moved)
        except ArchiveError:
            _remove(moved)
            raise
        except Exception as error:
            _remove(moved)
            raise ArchiveError(_("The restore failed (%(error)s); nothing was restored."), {"error": str(error) or type(error).__name__}) from error
    return {"manifest": manifest, "counts": counts, "files": len(moved), "migrated": forward}


def _remove(moved) -> None:
    for storage, name in moved:
        storage.delete(name)
