"""The mail screens: my e-mails and the digest switch, the administrators' log and "send now", the rules."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from reminders.models import Message, ReminderRule

from ..factories import UserFactory


pytestmark = pytest.mark.usefixtures("locmem_mail")


def message(user, state=Message.State.SENT, kind=Message.Kind.DEADLINE, n=0, **fields):
    return Message.objects.create(key=f"test:{user.pk}:{state}:{kind}:{n}", kind=kind, office=user.office,
                                  recipient=user, to_email=user.email, subject=f"เรื่องทดสอบ {n} {state} {user.email}",
                                  body_text=f"เนื้อหา {n}", state=state, **fields)


@pytest.mark.django_db
def test_my_mail_lists_only_mine_and_opens_only_mine(client, owner, other_owner):
    mine, theirs = message(owner), message(other_owner)
    client.force_login(owner)
    page = client.get(reverse("reminders:mine")).content.decode()
    assert mine.subject in page and theirs.subject not in page
    assert "digest-form" not in page  # owners get no digest, so no switch
    assert "เนื้อหา 0" in client.get(reverse("reminders:message", args=[mine.pk])).content.decode()
    assert client.get(reverse("reminders:message", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("reminders:message", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_planning_turns_the_digest_off_and_on(client, planning):
    client.force_login(planning)
    assert "digest-form" in client.get(reverse("reminders:mine")).content.decode()
    response = client.post(reverse("reminders:mine"), {}, follow=True)
    planning.refresh_from_db()
    assert planning.wants_digest is False and "ปิดการรับสรุปประจำสัปดาห์แล้ว" in response.content.decode()
    client.post(reverse("reminders:mine"), {"wants_digest": "on"})
    planning.refresh_from_db()
    assert planning.wants_digest is True


@pytest.mark.django_db
def test_the_log_is_for_administrators_of_the_office(client, administrator, planning, owner, other_office_planning):
    sent, failed = message(owner), message(owner, state=Message.State.FAILED, attempts=5,
                                           last_error="SMTPServerDisconnected: timed out")
    elsewhere = message(other_office_planning, state=Message.State.FAILED)
    for user in (planning, owner):
        client.force_login(user)
        assert client.get(reverse("reminders:log")).status_code == 403
    client.force_login(administrator)
    page = client.get(reverse("reminders:log")).content.decode()
    assert sent.subject in page and failed.subject in page and elsewhere.subject not in page
    assert "SMTPServerDisconnected: timed out" in page
    assert "ส่งไม่สำเร็จ: 1" in page  # the count per state
    page = client.get(reverse("reminders:log"), {"state": "failed"}).content.decode()
    assert failed.subject in page and sent.subject not in page
    page = client.get(reverse("reminders:log"), {"q": "nobody-such"}).content.decode()
    assert failed.subject not in page
    # An administrator reads any e-mail of the office, not another office's.
    assert client.get(reverse("reminders:message", args=[sent.pk])).status_code == 200
    assert client.get(reverse("reminders:message", args=[elsewhere.pk])).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_send_now_tries_a_failed_mail_once_more(client, administrator, owner, other_office_planning):
    failed = message(owner, state=Message.State.FAILED, attempts=5, last_error="boom")
    client.force_login(owner)
    assert client.post(reverse("reminders:send_now", args=[failed.pk])).status_code == 403
    client.force_login(administrator)
    assert client.get(reverse("reminders:send_now", args=[failed.pk])).status_code == 405
    response = client.post(reverse("reminders:send_now", args=[failed.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("reminders:log")
    failed.refresh_from_db()
    assert failed.state == Message.State.SENT and failed.attempts == 6
    assert [m.to for m in mail.outbox] == [[owner.email]]
    # Sent already: nothing happens, and the page says so.
    response = client.post(reverse("reminders:send_now", args=[failed.pk]), follow=True)
    assert "ไม่ได้รอส่งใหม่" in response.content.decode() and len(mail.outbox) == 1
    # Another office's mail is not found.
    elsewhere = message(other_office_planning, state=Message.State.FAILED)
    assert client.post(reverse("reminders:send_now", args=[elsewhere.pk])).status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.state == Message.State.FAILED


@pytest.mark.django_db(transaction=True)
def test_send_now_that_fails_again_says_why(client, administrator, owner, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}
    failed = message(owner, state=Message.State.FAILED, attempts=5, last_error="boom")
    client.force_login(administrator)
    response = client.post(reverse("reminders:send_now", args=[failed.pk]), follow=True)
    failed.refresh_from_db()
    assert failed.state == Message.State.FAILED and failed.attempts == 6
    assert "ส่งไม่สำเร็จอีกครั้ง" in response.content.decode() and "ConnectionRefusedError" in failed.last_error


@pytest.mark.django_db
def test_rules_page_shows_each_rules_working_day_per_quarter(client, planning, fy):
    client.force_login(planning)
    response = client.get(reverse("reminders:rules_current"))
    assert response.url == reverse("reminders:rules", args=[2569])
    page = client.get(response.url).content.decode()
    assert ReminderRule.objects.filter(fiscal_year=fy, source="form").count() == 5  # the defaults, to edit
    assert ReminderRule.objects.filter(fiscal_year=fy, source="calendar").count() == 2
    # Q1 is due Fri 9 Jan 2026; 2 working days before: Wed 7 Jan; 3 after: Wed 14 Jan.
    assert "2 วันทำการก่อนวันครบกำหนดส่ง" in page and "7 ม.ค. 2569" in page and "14 ม.ค. 2569" in page
    assert "rules-form" in page


def _post(rules, rows, extra=()):
    data = {"form-TOTAL_FORMS": str(len(rules) + len(extra)), "form-INITIAL_FORMS": str(len(rules)),
            "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000"}
    for i, (rule, row) in enumerate(list(zip(rules, rows)) + [(None, row) for row in extra]):
        if rule is not None:
            data[f"form-{i}-id"] = str(rule.pk)
        data.update({f"form-{i}-{k}": v for k, v in row.items()})
    return data


def _rows(rules):
    return [{"anchor": r.anchor, "offset": str(r.offset), "audience": r.audience, "is_active": "on"} for r in rules]


@pytest.mark.django_db
def test_planning_changes_the_rules_all_or_nothing(client, planning, fy):
    client.force_login(planning)
    url = reverse("reminders:rules", args=[2569])
    client.get(url)
    rules = list(ReminderRule.objects.filter(fiscal_year=fy, source="form").order_by("pk"))
    rows = _rows(rules)
    rows[1]["offset"] = "-3"  # due-2 → due-3
    rows[4].pop("is_active")  # escalation off
    rows[2]["DELETE"] = "on"  # due+0 removed
    response = client.post(url, _post(rules, rows, extra=[{"anchor": "due", "offset": "5",
                                                           "audience": "escalation", "is_active": "on"}]))
    assert response.status_code == 302
    now = {(r.anchor, r.offset, r.audience, r.is_active) for r in ReminderRule.objects.filter(fiscal_year=fy, source="form")}
    assert now == {("window", 0, "owner", True), ("due", -3, "owner", True), ("due", 1, "owner", True),
                   ("due", 3, "escalation", False), ("due", 5, "escalation", True)}
    before = now
    # A window rule with an offset, and a duplicate row: refused with messages, nothing saved.
    rules = list(ReminderRule.objects.filter(fiscal_year=fy, source="form").order_by("pk"))
    rows = _rows(rules)
    rows[0]["offset"] = "2"
    rows[1]["offset"] = "-3"
    page = client.post(url, _post(rules, rows, extra=[dict(rows[1])])).content.decode()
    assert "ให้จำนวนวันทำการเป็น 0" in page
    rows[0]["offset"] = "0"
    page = client.post(url, _post(rules, rows, extra=[dict(rows[1])])).content.decode()
    assert "มีสองแถวที่กำหนดเหมือนกัน" in page
    rows[1]["offset"] = "-40"
    assert "ใช้ค่าระหว่าง -15 ถึง 20 วันทำการ" in client.post(url, _post(rules, rows)).content.decode()
    for row in rows:
        row["DELETE"] = "on"
    page = client.post(url, _post(rules, _rows(rules) and rows)).content.decode()
    assert "ต้องมีกำหนดการอย่างน้อยหนึ่งรายการ" in page
    assert {(r.anchor, r.offset, r.audience, r.is_active)
            for r in ReminderRule.objects.filter(fiscal_year=fy, source="form")} == before


@pytest.mark.django_db
def test_who_may_see_and_change_the_rules(client, fy, director, owner, administrator, other_office_planning):
    url = reverse("reminders:rules", args=[2569])
    client.force_login(director)
    page = client.get(url).content.decode()
    assert "rule-schedule" in page and "rules-form" not in page
    assert client.post(url, {}).status_code == 403
    client.force_login(owner)
    assert client.get(url).status_code == 403
    client.force_login(administrator)
    assert "rules-form" in client.get(url).content.decode()
    client.force_login(other_office_planning)  # their office has no FY 2569 of ours
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_navigation_links(client, administrator, planning, owner):
    client.force_login(administrator)
    page = client.get(reverse("home")).content.decode()
    assert reverse("reminders:log") in page and reverse("reminders:rules_current") in page
    client.force_login(planning)
    page = client.get(reverse("home")).content.decode()
    assert reverse("reminders:log") not in page and reverse("reminders:rules_current") in page
    client.force_login(owner)
    page = client.get(reverse("home")).content.decode()
    assert reverse("reminders:mine") in page and reverse("reminders:rules_current") not in page


@pytest.mark.django_db
def test_log_and_my_mail_take_few_queries(client, administrator, owner, django_assert_max_num_queries):
    for n in range(60):
        message(owner if n % 2 else administrator, n=n, state=Message.State.FAILED if n % 7 == 0 else "sent")
    client.force_login(administrator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reminders:log")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reminders:mine")).status_code == 200
