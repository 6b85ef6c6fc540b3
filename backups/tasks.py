from celery import shared_task


@shared_task
def nightly_backup() -> str:
    """Nightly (beat): one verified archive in TIDTAM_BACKUP_DIR, old ones thinned out."""
    from .nightly import run_nightly

    return run_nightly().state


@shared_task
def backup_now(by: str) -> str:
    """Started by an administrator on the backups page: the same run as the nightly one."""
    from .nightly import run_nightly

    return run_nightly(by=by).state


@shared_task
def verify_backup(pk: int) -> str:
    """Re-check one archive's every hash and row count against its manifest."""
    from .models import BackupRun
    from .nightly import reverify

    run = BackupRun.objects.filter(pk=pk).first()
    return reverify(run).state if run else "gone"
