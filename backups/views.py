"""The backups page of the deployment's administrators (accounts.permissions.manages_deployment): the last
runs (when, file, size, verified or the error), a backup started now, an archive downloaded or verified
again. A backup holds every office's data: nobody else sees the page (403)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import manages_deployment

from . import tasks
from .models import BackupRun
from .nightly import archive_path, keep_setting

log = logging.getLogger(__name__)
SHOWN = 30  # the last runs on the page
STUCK = timedelta(hours=6)  # a run still "running" after this has died with its worker


def _check(user) -> None:
    if not manages_deployment(user):
        raise PermissionDenied(_("Backups hold every office's data: only the deployment's administrators see them."))


def _queue(task, *args) -> bool:
    try:
        task.delay(*args)
    except Exception:  # the broker is down: say so, never a 500
        log.exception("could not queue %s", task.name)
        return False
    return True


@login_required
def runs(request):
    _check(request.user)
    rows = list(BackupRun.objects.all()[:SHOWN])
    for run in rows:
        run.available = run.state == BackupRun.State.OK and archive_path(run) is not None
    daily, weekly, monthly = keep_setting()
    return render(request, "backups/runs.html", {
        "runs": rows, "folder": settings.TIDTAM_BACKUP_DIR, "daily": daily, "weekly": weekly, "monthly": monthly,
        "running": BackupRun.objects.filter(state=BackupRun.State.RUNNING,
                                            started_at__gte=timezone.now() - STUCK).exists(),
    })


@login_required
@require_POST
def start(request):
    _check(request.user)
    if BackupRun.objects.filter(state=BackupRun.State.RUNNING, started_at__gte=timezone.now() - STUCK).exists():
        messages.warning(request, _("A backup is running already; wait until it has finished."))
    elif _queue(tasks.backup_now, request.user.full_name or request.user.email):
        messages.success(request, _("The backup was started. It appears below when it has finished and been "
                                    "verified."))
    else:
        messages.error(request, _("The task queue cannot be reached; the backup was not started. Try again later."))
    return redirect("backups:runs")


@login_required
@require_POST
def verify_run(request, pk: int):
    _check(request.user)
    run = get_object_or_404(BackupRun, pk=pk)
    if archive_path(run) is None:
        messages.error(request, _("The archive %(name)s is no longer in the backup folder.") % {"name": run.name})
    elif _queue(tasks.verify_backup, run.pk):
        messages.success(request, _("The archive %(name)s is being checked against its manifest; the result "
                                    "appears below.") % {"name": run.name})
    else:
        messages.error(request, _("The task queue cannot be reached; the archive was not checked. Try again later."))
    return redirect("backups:runs")


@login_required
def download(request, pk: int):
    _check(request.user)
    run = get_object_or_404(BackupRun, pk=pk, state=BackupRun.State.OK)
    path = archive_path(run)
    if path is None:
        raise Http404(_("The archive is no longer in the backup folder."))
    return FileResponse(open(path, "rb"), as_attachment=True, filename=run.name, content_type="application/x-tar")
