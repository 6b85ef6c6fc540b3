import hashlib
import logging
import threading
import traceback
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)


def stale_before():
    """A build with no heartbeat since then died with its worker (TIDTAM_REPORT_DEAD_AFTER_SECONDS)."""
    from .models import silent_since

    return silent_since()


@contextmanager
def heartbeat(report_id: int):
    """While the block runs, touch the edition's ``updated_at`` every TIDTAM_REPORT_HEARTBEAT_SECONDS from a
    thread: one UPDATE, whether or not a section has finished meanwhile. It stops with the worker's process,
    so a build silent for a minute is known to be dead."""
    from .models import AnnualReport

    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.TIDTAM_REPORT_HEARTBEAT_SECONDS):
                try:
                    AnnualReport.objects.filter(pk=report_id, state=AnnualReport.State.GENERATING).update(
                        updated_at=timezone.now())
                except DatabaseError as error:  # a missed beat is no reason to stop the build
                    log.warning("annual report %s: heartbeat failed: %s", report_id, error)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"annual-report-{report_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@shared_task(acks_late=True)
def generate_annual_report(report_id: int) -> str:
    """Build an edition's PDF from its snapshot into storage; the page polls ``progress``."""
    from . import annual
    from .models import AnnualReport

    State = AnnualReport.State
    claimable = Q(state__in=[State.QUEUED, State.FAILED]) | Q(state=State.GENERATING, updated_at__lt=stale_before())
    claimed = AnnualReport.objects.filter(claimable, pk=report_id).update(
        state=State.GENERATING, progress=1, error="", updated_at=timezone.now())
    if not claimed:
        return "skipped"
    report = AnnualReport.objects.select_related("fiscal_year__office").get(pk=report_id)

    def progress(percent: int) -> None:
        AnnualReport.objects.filter(pk=report_id, state=State.GENERATING).update(progress=min(percent, 99),
                                                                                  updated_at=timezone.now())

    try:
        with heartbeat(report_id):
            if not report.snapshot:
                report.snapshot = annual.snapshot(report.fiscal_year, report.audience, basis=report.basis)
                AnnualReport.objects.filter(pk=report_id).update(snapshot=report.snapshot)
            progress(5)
            built = annual.build(report.snapshot, thai_digits=report.thai_digits, progress=progress,
                                 on_plan=lambda reused, rendered: AnnualReport.objects.filter(
                                     pk=report_id, state=State.GENERATING).update(
                                     parts_reused=reused, parts_rendered=rendered, updated_at=timezone.now()))
    except Exception as error:  # recorded for the page; the edition can be generated again
        log.exception("annual report %s failed", report_id)
        AnnualReport.objects.filter(pk=report_id).update(
            state=State.FAILED, error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=3)}"[:4000])
        return "failed"
    name = f"{report.fiscal_year.year}-{report.audience}-{report.pk}.pdf"
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report_id)
        if locked.state != State.GENERATING:  # cancelled or decided meanwhile: keep what is there
            return "skipped"
        locked.file.save(name, ContentFile(built.pdf), save=False)
        locked.sha256 = hashlib.sha256(built.pdf).hexdigest()
        locked.pages, locked.build_seconds = built.pages, round(built.seconds, 2)
        locked.parts_reused, locked.parts_rendered = built.reused, built.rendered
        locked.state, locked.progress, locked.generated_at = State.DRAFT, 100, timezone.now()
        locked.save()
    return "built"


def _approved_year(model, pk: int):
    """The fiscal year whose report parts an approved record changes, or None (not one of those records)."""
    from evaluation.models import Summary
    from inspections.models import InspectionIssue
    from projects.models import QuarterlyReport

    if model is QuarterlyReport:
        return QuarterlyReport.objects.filter(pk=pk).values_list("project__fiscal_year", flat=True).first()
    if model is Summary:
        return Summary.objects.filter(pk=pk).values_list("fiscal_year", flat=True).first()
    if model is InspectionIssue:
        return InspectionIssue.objects.filter(pk=pk).values_list("round__fiscal_year", flat=True).first()
    return None


WARM_AFTER_SECONDS = 20  # approvals come in runs: one warm-up after the run


def warm_after_move(model, pk: int, action: str, state: str) -> None:
    """A review-engine listener: when a quarterly form, an evaluation summary or an inspection report is
    approved, render its year's report parts in the background (with a broker). Without one (eager tasks,
    the embedded default) nothing is done here: the next build renders what it needs."""
    if state != "approved" or settings.CELERY_TASK_ALWAYS_EAGER:
        return
    fiscal_year_id = _approved_year(model, pk)
    if fiscal_year_id is None:
        return
    from django.core.cache import cache

    if not cache.add(f"tidtam:warm-parts:{fiscal_year_id}", 1, WARM_AFTER_SECONDS):
        return  # one is queued already and will see this approval too
    try:
        warm_annual_parts.apply_async((fiscal_year_id,), countdown=WARM_AFTER_SECONDS, retry=False)
    except Exception as error:  # broker down: the build will render on demand
        log.warning("could not queue the warm-up of report parts: %s", error)


@shared_task(acks_late=True)
def warm_annual_parts(fiscal_year_id: int) -> str:
    """Render the year's report parts not kept yet, for every audience (approved basis, Arabic digits: what
    editions are built from), so the build finds them ready. Project parts are shared by the audiences."""
    from plans.models import FiscalYear

    from . import annual
    from .models import Audience

    fiscal_year = FiscalYear.objects.select_related("office").filter(pk=fiscal_year_id).first()
    if fiscal_year is None:
        return "gone"
    rendered = 0
    for audience in Audience.values:
        data = annual.snapshot(fiscal_year, audience)
        rendered += annual.render_body(data)[1].rendered
    return f"rendered {rendered}"
