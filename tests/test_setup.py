"""The deployment: demo seed, production checks and the real services CI provides."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Office, User, UserRole, WorkGroup
from plans.models import CalendarActivity, FiscalYear, Holiday, Quarter

from .conftest import need

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_prints_the_logins(settings):
    settings.SITE_URL = "http://192.0.2.7:8123"
    out = StringIO()
    call_command("seed_demo", "--today", "2026-12-03", stdout=out)
    models = (Office, WorkGroup, User, UserRole, FiscalYear, Quarter, CalendarActivity, Holiday)
    counts = {m: m.objects.count() for m in models}
    call_command("seed_demo", "--today", "2026-12-03", stdout=StringIO())
    assert {m: m.objects.count() for m in models} == counts
    text = out.getvalue()
    assert "planning@spm12.example.go.th" in text and "tidtam-demo-2569" in text
    for user in User.objects.all():
        assert user.email in text
    assert "owner@tak2.example.go.th" in text
    assert "Log in at http://192.0.2.7:8123/ " in text
    assert "fiscal year 2570" in text
    # OBEC, the two working offices, and the roll-up's region with its six area offices
    assert Office.objects.count() == 10
    assert Office.objects.filter(kind=Office.Kind.REGION).count() == 1
    assert WorkGroup.objects.filter(office__code="SPM12").count() == 10
    assert CalendarActivity.objects.filter(fiscal_year__year=2562, fiscal_year__office__code="SPM12").count() == 4


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECRET_KEY": "x" * 64 + "-production-secret-key-for-the-check",
        "ALLOWED_HOSTS": "tidtam.example.go.th",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.db",
        "EMAIL_URL": "smtp://mailer:secret@smtp.example.go.th:587?tls=1",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_docker_compose_defines_web_worker_beat_postgres_and_redis():
    text = (ROOT / "docker-compose.yml").read_text()
    for service in ("web:", "worker:", "beat:", "postgres:", "redis:"):
        assert f"\n  {service}" in text
    assert "gunicorn" in text and "celery" in text
    docker = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True) if _has("docker") else None
    if docker is not None and docker.returncode == 0:
        result = subprocess.run(["docker", "compose", "config", "--quiet"], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "SECRET_KEY": "x", "POSTGRES_PASSWORD": "x"})
        assert result.returncode == 0, result.stderr


def _has(command: str) -> bool:
    import shutil

    return shutil.which(command) is not None


@pytest.mark.django_db
def test_the_suite_runs_on_postgresql_in_ci():
    need(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL (CI starts one)")
    with connection.cursor() as cursor:
        cursor.execute("select current_setting('server_encoding')")
        assert cursor.fetchone()[0] == "UTF8"


def test_redis_answers_in_ci():
    url = os.getenv("REDIS_URL")
    need(bool(url), "REDIS_URL is not set (CI starts Redis)")
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    assert client.ping() is True


def test_docker_compose_lets_web_and_worker_scale():
    """`docker compose up --scale web=N --scale worker=N` needs no fixed container names and no host port on web
    (the proxy publishes the one port); migrations run once, not in each web container."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert "container_name:" not in text
    web = text.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]
    assert "ports:" not in web and "migrate" not in web.split("depends_on:")[0]
    assert "\n  migrate:\n" in text and "\n  proxy:\n" in text and (ROOT / "deploy" / "nginx.conf").exists()
    assert 'profiles: ["replica"]' in text
    # the public pages' limit per client: the proxy names the client, and the app reads that name
    assert "proxy_set_header X-Real-IP $remote_addr;" in (ROOT / "deploy" / "nginx.conf").read_text()
    assert "TIDTAM_PUBLIC_CLIENT_IP_HEADER: HTTP_X_REAL_IP" in text.split("\nservices:\n")[0]
