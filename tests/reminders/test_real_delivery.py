"""Real parts: a Celery worker on Redis sending through an SMTP server on loopback, and a hanging SMTP server.

These need PostgreSQL (the worker is another process and must see the test database) and Redis;
CI starts both, a laptop without them skips.
"""

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.db import connection

from reminders import outbox, sweep
from reminders.models import Message
from reminders.tasks import deliver

from ..conftest import make_project, need

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what arrives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def smtp_mailer(port: int, timeout: int = 5) -> dict:
    return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout}}}


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(settings, smtp_server):
    """A real Celery worker process on its own queue, sending through the loopback SMTP server."""
    need(connection.vendor == "postgresql", "the worker process needs PostgreSQL to share the test database")
    need(bool(os.getenv("REDIS_URL")), "REDIS_URL is not set (CI starts Redis)")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    controller, _inbox = smtp_server
    env = {**os.environ, "DATABASE_URL": database_url(), "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}?timeout=5",
           "CELERY_TASK_ALWAYS_EAGER": "False", "CELERY_TASK_DEFAULT_QUEUE": queue}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-l", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 60
    while not any("ready." in line for line in lines):
        assert process.poll() is None, "".join(lines)
        assert time.monotonic() < deadline, "worker did not start:\n" + "".join(lines)
        time.sleep(0.2)
    yield process
    process.terminate()
    process.wait(timeout=20)


def wait_for(condition, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_reminder_once_through_smtp(worker, smtp_server, fy, promo_group, sup_group,
                                                            owner, other_owner):
    _controller, inbox = smtp_server
    make_project(fy, promo_group, "P-A", owners=[owner])
    make_project(fy, sup_group, "P-C", owners=[other_owner])
    sweep.sweep(date(2026, 1, 7))
    assert wait_for(lambda: len(inbox.messages) == 2), [m["To"] for m in inbox.messages]
    to = {m["To"]: m for m in inbox.messages}
    assert set(to) == {owner.email, other_owner.email}
    mine = to[owner.email]
    assert "แบบติดตามรายไตรมาสที่ต้องส่ง 1 รายการ" in mine["Subject"]
    text = mine.get_body(("plain",)).get_content()
    html = mine.get_body(("html",)).get_content()
    assert "P-A" in text and "เหลืออีก 2 วันทำการ" in text and "9 มกราคม พ.ศ. 2569" in text and "P-A" in html
    assert wait_for(lambda: Message.objects.filter(state=Message.State.SENT).count() == 2)
    # A second sweep (and a stray second delivery of a sent row) sends nothing more.
    assert sweep.sweep(date(2026, 1, 7)) == []
    outbox.queue_sending(Message.objects.first().pk)
    time.sleep(3)
    assert len(inbox.messages) == 2


@pytest.mark.django_db(transaction=True)
def test_redis_down_the_web_keeps_working_and_the_next_sweep_sends(worker, smtp_server, settings, fy,
                                                                    promo_group, owner):
    _controller, inbox = smtp_server
    make_project(fy, promo_group, "P-A", owners=[owner])
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens: Redis is "down"
    from config.celery import app

    app.conf.broker_connection_timeout = 1
    started = time.monotonic()
    letters = sweep.sweep(date(2026, 1, 7))
    assert letters and time.monotonic() - started < 15
    assert list(Message.objects.values_list("state", flat=True)) == ["queued"]
    settings.CELERY_BROKER_URL = os.environ["REDIS_URL"]  # Redis is back
    Message.objects.update(created_at=Message.objects.get().created_at.replace(year=2025))
    sweep.sweep(date(2026, 1, 7))  # the next sweep re-queues what waited
    assert wait_for(lambda: len(inbox.messages) == 1)
    assert wait_for(lambda: Message.objects.get().state == Message.State.SENT)  # marked just after the SMTP reply


class HangingServer:
    """Accepts connections and never says a word, like a stuck mail server."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.clients = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _addr = self.sock.accept()
            except OSError:
                return
            self.clients.append(client)

    def close(self):
        for client in self.clients:
            client.close()
        self.sock.close()


@pytest.mark.django_db(transaction=True)
def test_a_hanging_smtp_server_times_out_and_the_message_waits_to_retry(settings, fy, promo_group, owner):
    server = HangingServer()
    try:
        settings.CELERY_TASK_ALWAYS_EAGER = True
        settings.MAILERS = smtp_mailer(server.port, timeout=2)
        make_project(fy, promo_group, "P-A", owners=[owner])
        started = time.monotonic()
        sweep.sweep(date(2026, 1, 7))
        elapsed = time.monotonic() - started
        message = Message.objects.get()
        assert message.state == Message.State.RETRY and message.attempts == 1
        assert "timed out" in message.last_error.lower() or "timeout" in message.last_error.lower()
        assert elapsed < 10
        # Later the mail server works again: the retry sends it.
        assert outbox.retry_delay(1) == 60
    finally:
        server.close()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert deliver.apply(args=[message.pk]).get() == "sent"
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 2
