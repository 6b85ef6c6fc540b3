"""The backups page of the deployment's administrators (superusers): every other role gets 403 on every page
and move, anonymous visitors go to the login page; a superuser sees the last runs, starts a backup (a Celery
task, eager here), downloads an archive and verifies it again. In Thai, with B.E. dates."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.navigation import flat, items_for
from backups.models import BackupRun
from backups.nightly import run_nightly
from tests.test_thai_pages import christian_years, crawl_in_thai, translated_msgids

ROLES = ["owner", "other_owner", "group_head", "planning", "director", "finance", "committee", "administrator",
         "other_office_planning", "anonymous", "admin_user"]
ONLY_SUPERUSERS = dict.fromkeys(ROLES, 403) | {"anonymous": 302}


@pytest.fixture
def folder(settings, tmp_path):
    settings.TIDTAM_BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    return tmp_path / "backups"


@pytest.fixture
def users(request):
    return {name: (None if name == "anonymous" else request.getfixturevalue(name)) for name in ROLES}


@pytest.fixture
def ok_run(planning, folder):
    return run_nightly(now=timezone.now() - timedelta(hours=1), by="สมชาย ใจดี")  # not this second's name


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["runs", "download", "start", "verify"])
def test_every_page_and_move_by_role(client, users, ok_run, page):
    method, args = {"runs": ("get", []), "download": ("get", [ok_run.pk]), "start": ("post", []),
                    "verify": ("post", [ok_run.pk])}[page]
    url = reverse(f"backups:{page}", args=args)
    got = {}
    for role, user in users.items():
        _as(client, user)
        got[role] = getattr(client, method)(url).status_code
    expected = ONLY_SUPERUSERS | {"admin_user": 302 if method == "post" else 200}
    assert got == expected
    assert BackupRun.objects.count() == (2 if page == "start" else 1)  # only the superuser's start ran


@pytest.mark.django_db
def test_only_superusers_find_the_page_in_the_navigation(users):
    url = reverse("backups:runs")
    for role, user in users.items():
        if user is None:
            continue
        links = [entry["url"] for entry in flat(items_for(user))]
        assert (url in links) == (role == "admin_user"), role


@pytest.mark.django_db
def test_the_page_lists_runs_and_a_backup_started_now_is_verified(client, admin_user, ok_run, folder):
    failed = BackupRun.objects.create(file=str(folder / "tidtam-20261201-013000.tar"), state=BackupRun.State.FAILED,
                                      error="ดิสก์เต็ม\nThe disk is full")
    client.force_login(admin_user)
    page = client.get(reverse("backups:runs"), headers={"accept-language": "th"}).content.decode()
    assert ok_run.name in page and "สมชาย ใจดี" in page and "ดิสก์เต็ม" in page
    assert page.count(reverse("backups:download", args=[ok_run.pk])) == 1
    assert reverse("backups:download", args=[failed.pk]) not in page

    response = client.post(reverse("backups:start"), follow=True)
    assert response.status_code == 200
    newest = BackupRun.objects.first()
    assert newest.pk != ok_run.pk and newest.state == BackupRun.State.OK and newest.verified_at
    assert newest.started_by == (admin_user.full_name or admin_user.email)


@pytest.mark.django_db
def test_download_gives_the_archive_and_verify_checks_it_again(client, admin_user, ok_run):
    client.force_login(admin_user)
    response = client.get(reverse("backups:download", args=[ok_run.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and ok_run.name in response["Content-Disposition"]
    with open(ok_run.file, "rb") as archive:
        assert b"".join(response.streaming_content) == archive.read()

    with open(ok_run.file, "r+b") as archive:  # a bit flipped in the middle: the archive no longer verifies
        archive.seek(2000)
        byte = archive.read(1)
        archive.seek(2000)
        archive.write(bytes([byte[0] ^ 1]))
    client.post(reverse("backups:verify", args=[ok_run.pk]))
    ok_run.refresh_from_db()
    assert ok_run.state == BackupRun.State.FAILED and ok_run.error and ok_run.verified_at
    assert client.get(reverse("backups:download", args=[ok_run.pk])).status_code == 404


@pytest.mark.django_db
def test_a_run_never_points_outside_the_backup_folder(client, admin_user, folder, tmp_path):
    outside = tmp_path / "tidtam-20261201-013000.tar"
    outside.write_bytes(b"secret")
    run = BackupRun.objects.create(file=str(outside), state=BackupRun.State.OK)
    client.force_login(admin_user)
    assert client.get(reverse("backups:download", args=[run.pk])).status_code == 404
    assert client.get(reverse("backups:download", args=[9999])).status_code == 404
    assert client.post(reverse("backups:verify", args=[9999])).status_code == 404


@pytest.mark.django_db
def test_a_broker_that_is_down_is_said_never_a_500(client, admin_user, folder, dead_broker, ok_run):
    client.force_login(admin_user)
    response = client.post(reverse("backups:start"), follow=True, headers={"accept-language": "th"})
    assert response.status_code == 200
    assert BackupRun.objects.count() == 1


@pytest.mark.django_db
def test_the_page_is_thai(client, admin_user, ok_run, folder):
    BackupRun.objects.create(file=str(folder / "tidtam-20261201-013000.tar"), state=BackupRun.State.FAILED,
                             error="ดิสก์เต็ม")
    client = type(client)(headers={"accept-language": "th"})
    client.cookies["django_language"] = "th"
    client.force_login(admin_user)
    pages = crawl_in_thai(client, [reverse("backups:runs")], admin=False)
    assert reverse("backups:runs") in pages
    msgids = translated_msgids()
    for url, text in pages.items():
        if not url.startswith("/backups/"):
            continue
        assert not [msgid for msgid, pattern in msgids if pattern.search(text)], url
        assert not christian_years(text), url
        assert "สำรองข้อมูล" in text
