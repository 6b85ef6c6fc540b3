"""Shared fixtures: an office with its groups and one user per role, plus a second office."""

import os
import shutil
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Role
from plans import services
from plans.models import Indicator, PlanItem
from projects import workflow
from projects.models import Activity, Project

from .factories import OfficeFactory, UserFactory, WorkGroupFactory

PASSWORD = "correct-horse-battery"


def services_required() -> bool:
    """In CI every real service must be there: a missing one fails instead of skipping."""
    return os.getenv("TIDTAM_REQUIRE_SERVICES") == "1" or os.getenv("CI") == "true"


def need(condition: bool, reason: str):
    """Skip (laptop) or fail (CI) when a real service is missing."""
    if condition:
        return
    if services_required():
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _worker_cache_keys(worker_id):
    """Under pytest-xdist (``make test``) the workers share one Redis: each keeps its cache keys apart.

    Test databases are per worker already (pytest-django suffixes them with the worker id), and the
    Celery tests use a queue of their own."""
    if worker_id == "master":
        yield
        return
    from django.conf import settings as django_settings
    from django.test.utils import override_settings

    caches = {name: {**conf, "KEY_PREFIX": f"{worker_id}:{conf.get('KEY_PREFIX', '')}"}
              for name, conf in django_settings.CACHES.items()}
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(scope="session", autouse=True)
def _rollup_computed_each_time():
    """The roll-up keeps its figures in the cache for minutes; a test that changes data and reads the roll-up
    again (or reuses ids after a rollback, as SQLite does) must see them computed. tests/reporting/test_rollup.py
    turns the cache on where it tests it."""
    from django.test.utils import override_settings

    with override_settings(TIDTAM_ROLLUP_CACHE_SECONDS=0):
        yield


@pytest.fixture(scope="session", autouse=True)
def _empty_tables_by_delete():
    """After each test that commits (``transaction=True``), Django empties every table with one TRUNCATE:
    half a second on PostgreSQL even for a few rows. DELETE empties these small tables in a few ms; the
    foreign keys are deferrable, so the order does not matter."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return ["SET CONSTRAINTS ALL DEFERRED"] + [f"DELETE FROM {self.quote_name(table)}" for table in tables]

    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(DatabaseOperations, "sql_flush", sql_flush)
        yield


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """pytest-django's live server, stopped before the test database is dropped: its thread holds a
    connection, and PostgreSQL refuses to drop a database in use (the test database was left behind)."""
    return live_server


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _evidence_storage(settings, tmp_path):
    """Evidence files and report PDFs go to a temporary folder, never to var/."""
    settings.STORAGES = {**settings.STORAGES, **{name: {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / name, "base_url": "/no-public-url/"}} for name in ("evidence", "reports")}}
    settings.TIDTAM_PDF_PARTS_DIR = tmp_path / "report-parts"


@pytest.fixture
def locmem_mail(settings):
    """E-mail goes to ``django.core.mail.outbox`` and Celery tasks run at once."""
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.CELERY_TASK_ALWAYS_EAGER = True


DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens there


def reset_pools(app):
    """Forget connections made to another broker URL (Celery and kombu keep pools per process)."""
    from kombu import pools

    if app._pool is not None:
        app._pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


@pytest.fixture
def dead_broker(settings):
    """Tasks go to a broker that is down; the project's own timeouts and retry settings apply. Celery's and
    kombu's connection pools are reset before and after, so no later test in the process (a real Celery worker
    test on the same xdist worker) publishes to the dead address."""
    from config.celery import app

    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.CELERY_TASK_ALWAYS_EAGER = False
    had, before = "broker_url" in app.conf.changes, app.conf.changes.get("broker_url")
    app.conf.broker_url = DEAD_BROKER
    reset_pools(app)
    yield
    if had:
        app.conf.broker_url = before
    else:
        app.conf.changes.pop("broker_url", None)
    reset_pools(app)


@pytest.fixture
def office(db):
    return OfficeFactory(code="SPM12", name="สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา เขต 12")


@pytest.fixture
def other_office(db):
    return OfficeFactory(code="SPPTAK2", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตาก เขต 2")


@pytest.fixture
def plan_group(office):
    return WorkGroupFactory(office=office, code="PLAN", name="กลุ่มนโยบายและแผน")


@pytest.fixture
def promo_group(office):
    return WorkGroupFactory(office=office, code="PROMO", name="กลุ่มส่งเสริมการจัดการศึกษา")


@pytest.fixture
def sup_group(office):
    return WorkGroupFactory(office=office, code="SUP", name="กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")


@pytest.fixture
def fin_group(office):
    return WorkGroupFactory(office=office, code="FIN", name="กลุ่มบริหารงานการเงินและสินทรัพย์")


@pytest.fixture
def planning(office, plan_group):
    return UserFactory(email="planning@test.go.th", office=office, roles=[Role.PLANNING], groups=[plan_group])


@pytest.fixture
def owner(office, promo_group):
    return UserFactory(email="owner@test.go.th", office=office, roles=[Role.OWNER], groups=[promo_group])


@pytest.fixture
def other_owner(office, sup_group):
    """A project owner of another group in the same office."""
    return UserFactory(email="owner2@test.go.th", office=office, roles=[Role.OWNER], groups=[sup_group])


@pytest.fixture
def group_head(office, promo_group):
    return UserFactory(email="head@test.go.th", office=office, roles=[Role.GROUP_HEAD], groups=[promo_group])


@pytest.fixture
def finance(office, fin_group):
    return UserFactory(email="finance@test.go.th", office=office, roles=[Role.FINANCE], groups=[fin_group])


@pytest.fixture
def director(office):
    return UserFactory(email="director@test.go.th", office=office, roles=[Role.DIRECTOR])


@pytest.fixture
def committee(office):
    return UserFactory(email="committee@test.go.th", office=office, roles=[Role.COMMITTEE])


@pytest.fixture
def administrator(office, plan_group):
    return UserFactory(email="admin@test.go.th", office=office, roles=[Role.ADMIN], groups=[plan_group],
                       is_staff=True)


@pytest.fixture
def other_office_planning(other_office):
    group = WorkGroupFactory(office=other_office, code="PLAN", name="กลุ่มนโยบายและแผน")
    return UserFactory(email="planning@other.go.th", office=other_office, roles=[Role.PLANNING], groups=[group])


@pytest.fixture(scope="session")
def chromium_path():
    path = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
    need(shutil.which(path) is not None, f"Chromium not found at {path} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        need(False, "the playwright package is not installed")
    return path


# --- a fiscal year with projects (used by the projects, reminders, reporting and browser tests) ---


@pytest.fixture
def fy(office):
    return services.get_or_create_fiscal_year(office, 2569)[0]


@pytest.fixture
def strategy(fy):
    return PlanItem.objects.create(fiscal_year=fy, kind=PlanItem.Kind.STRATEGY, level=PlanItem.Level.OFFICE,
                                   code="S1", name="กลยุทธ์ที่ 1")


@pytest.fixture
def indicator(fy, strategy):
    return Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI01", name="ร้อยละของโรงเรียน",
                                    unit="ร้อยละ", target_value=Decimal("90"))


def make_project(fy, group, code, owners=(), **fields):
    project = Project.objects.create(fiscal_year=fy, group=group, code=code, name=f"โครงการ {code}",
                                     budget_obec=Decimal("100000.50"), **fields)
    project.owners.set(owners)
    Activity.objects.create(project=project, order=1, name="กิจกรรมที่ 1", quarters=[1, 2], budget=Decimal("50000"))
    return project


def form_data(project, version, *, status="not_started", description="", **extra) -> dict:
    """What the quarterly form posts: its fields, one status/percent/description per activity (named by activity,
    so it serves a form nobody saved yet too), and ``extra`` on top."""
    data = {"version": version, "spent_this_quarter": "", "outputs": "", "outcomes": "", "problems": "",
            "suggestions": "", "action": "save"}
    for activity in project.activities.all():
        data.update({f"act-{activity.pk}-status": status, f"act-{activity.pk}-percent": "",
                     f"act-{activity.pk}-description": description})
    data.update(extra)
    return data


def submit_q1(project, owner, when=datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Asia/Bangkok"))):
    """The owner fills the project's Q1 form minimally (nothing spent, every activity done) and sends it
    at ``when`` (inside the window by default). Projects with indicator targets need more than this."""
    report = workflow.get_or_create_report(project, project.fiscal_year.quarters.get(number=1))
    report = workflow.save_form(report.pk, by=owner, expected_version=report.version,
                                fields={"spent_this_quarter": Decimal("0")},
                                activities={line.pk: {"status": "done", "description": "เสร็จ"}
                                            for line in report.activity_progress.all()}, results={})
    return workflow.submit(report.pk, by=owner, expected_version=report.version, now=when)


@pytest.fixture
def own_project(fy, promo_group, owner):
    """A project of the owner's group, owned by ``owner``."""
    return make_project(fy, promo_group, "P-OWN", owners=[owner])


@pytest.fixture
def group_project(fy, promo_group):
    """A project of the owner's group that the owner does not own."""
    return make_project(fy, promo_group, "P-GROUP")


@pytest.fixture
def other_group_project(fy, sup_group, other_owner):
    return make_project(fy, sup_group, "P-OTHER", owners=[other_owner])
