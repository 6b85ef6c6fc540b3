"""The nightly backup: one archive in TIDTAM_BACKUP_DIR, verified, old ones thinned out by the retention
setting (TIDTAM_BACKUP_KEEP = "daily,weekly,monthly"); a failure e-mails the deployment's administrators
through the outbox (one message per run and administrator)."""

import re
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Office, Role, User
from reminders import outbox
from reminders.models import Message

from .archive import ArchiveError
from .models import BackupRun
from .services import backup, verify

NAME = re.compile(r"^tidtam-(\d{8}-\d{6})\.tar$")


def keep_setting() -> tuple[int, int, int]:
    daily, weekly, monthly = (int(part) for part in str(settings.TIDTAM_BACKUP_KEEP).split(","))
    return daily, weekly, monthly


def to_keep(names, *, daily: int, weekly: int, monthly: int) -> set[str]:
    """The archives kept: the newest of each of the last ``daily`` days, ``weekly`` ISO weeks and
    ``monthly`` months that have one (grandfather-father-son)."""
    dated = sorted(((datetime.strptime(match.group(1), "%Y%m%d-%H%M%S"), name) for name in names
                    if (match := NAME.match(name))), reverse=True)
    kept = set()
    for count, period in ((daily, lambda d: d.date()), (weekly, lambda d: d.isocalendar()[:2]),
                          (monthly, lambda d: (d.year, d.month))):
        seen = []
        for when, name in dated:
            key = period(when)
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.append(key)
            kept.add(name)
    return kept


def prune(folder: Path) -> list[str]:
    daily, weekly, monthly = keep_setting()
    names = [path.name for path in folder.iterdir() if NAME.match(path.name)]
    kept = to_keep(names, daily=daily, weekly=weekly, monthly=monthly)
    removed = sorted(set(names) - kept)
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed


def administrators():
    return User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(is_staff=True, role_assignments__role=Role.ADMIN)).distinct()


def notify_failure(run: BackupRun) -> int:
    root = Office.objects.filter(parent__isnull=True).order_by("pk").first()
    sent = 0
    for user in administrators():
        office = user.office or root
        if office is None:
            continue
        if outbox.enqueue(key=f"backup-failed:{run.pk}:{user.pk}", kind=Message.Kind.BACKUP_FAILED,
                          recipient=user, office=office, template="backup_failed",
                          context={"run": run, "link": outbox.site_url("/")}):
            sent += 1
    return sent


def run_nightly(now=None, by: str = "celery beat") -> BackupRun:
    """One backup into TIDTAM_BACKUP_DIR, verified; nightly from beat, or started on the backups page."""
    now = now or timezone.now()
    folder = Path(settings.TIDTAM_BACKUP_DIR)
    path = folder / f"tidtam-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar"
    run = BackupRun.objects.create(file=str(path), started_by=by)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        backup(path, by=by)  # removes its own partial archive on failure
    except (ArchiveError, OSError) as error:
        run.state, run.error = BackupRun.State.FAILED, _message(error)
    else:
        try:
            verify(path)
        except ArchiveError as error:
            run.state, run.error = BackupRun.State.FAILED, _message(error)
            path.unlink(missing_ok=True)  # an archive that does not verify is no backup
        else:
            run.state, run.size, run.verified_at = BackupRun.State.OK, path.stat().st_size, timezone.now()
    run.finished_at = timezone.now()
    run.save()
    if run.state == BackupRun.State.FAILED:
        notify_failure(run)
    else:
        prune(folder)
    return run


def _message(error) -> str:
    return error.both() if isinstance(error, ArchiveError) else str(error)


def archive_path(run: BackupRun) -> Path | None:
    """The run's archive if it is still there, inside TIDTAM_BACKUP_DIR (a row never points elsewhere)."""
    folder = Path(settings.TIDTAM_BACKUP_DIR).resolve()
    path = Path(run.file).resolve()
    if path.parent != folder or not NAME.match(path.name) or not path.is_file():
        return None
    return path


def reverify(run: BackupRun) -> BackupRun:
    """Read the archive again and check every hash and row count against its manifest; the run records the
    outcome (a run whose archive fails is marked failed, with the reason)."""
    path = archive_path(run)
    if path is None:
        run.state, run.error = BackupRun.State.FAILED, _message(ArchiveError(_("The archive file is gone.")))
    else:
        try:
            verify(path)
        except ArchiveError as error:
            run.state, run.error = BackupRun.State.FAILED, _message(error)
        else:
            run.state, run.error, run.size = BackupRun.State.OK, "", path.stat().st_size
    run.verified_at = timezone.now()
    run.save(update_fields=["state", "error", "size", "verified_at"])
    return run
