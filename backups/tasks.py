from celery import shared_task


@shared_task
def nightly_backup() -> str:
    """Nightly (beat): one verified archive in TIDTAM_BACKUP_DIR, old ones thinned out."""
    from .nightly import run_nightly

    return run_nightly().state
