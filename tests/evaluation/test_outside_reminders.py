"""Outside evaluators (no account) are reminded by e-mail at the invitation's address, with their signed link,
once per reminder rule, through the same outbox; the mail log shows such a message by the person's name."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse

from evaluation import services
from reminders import outbox, sweep
from reminders.models import Message, Reminder

from .conftest import rates


def outside_messages():
    return Message.objects.filter(recipient__isnull=True)


def signed_path(body: str) -> str:
    found = re.findall(re.escape(settings.SITE_URL) + r"(/evaluation/e/[^\s\"<]+/)", body)
    assert found, body
    return found[0]


@pytest.mark.django_db
def test_an_outside_evaluator_gets_one_reminder_per_rule_with_a_working_link(client, eform, outside_invitation,
                                                                            own_project):
    seven_before = eform.deadline - timedelta(days=7)
    letters = sweep.sweep(seven_before)
    assert [(letter.recipient, letter.email) for letter in letters] == [(None, "somchai@example.ac.th")]
    message = outside_messages().get()
    assert message.to_email == "somchai@example.ac.th" and message.to_name == "นายสมชาย ใจดี"
    assert message.office_id == own_project.office_id and message.kind == Message.Kind.DEADLINE
    assert "นายสมชาย ใจดี" in message.body_text and own_project.name in message.body_text
    index = re.escape(settings.SITE_URL + reverse("evaluation:index")) + r"(\s|\"|$)"
    assert not re.search(index, message.body_text) and not re.search(index, message.body_html)  # needs a login
    reminder = Reminder.objects.get()
    assert reminder.recipient is None and reminder.message == message and reminder.rule == "eval-7"
    path = signed_path(message.body_text)
    assert signed_path(message.body_html) == path
    response = client.get(path)  # not logged in: the link alone opens the form
    assert response.status_code == 200 and own_project.name in response.content.decode()
    # once per rule: the same day again, and the catch-up days after it, tell nothing new
    assert sweep.sweep(seven_before) == [] and sweep.sweep(seven_before + timedelta(days=1)) == []
    assert outside_messages().count() == 1
    # the next rule (1 day before) tells once more
    assert [letter.email for letter in sweep.sweep(eform.deadline - timedelta(days=1))] == ["somchai@example.ac.th"]
    assert sweep.sweep(eform.deadline - timedelta(days=1)) == []
    assert outside_messages().count() == 2
    assert sorted(Reminder.objects.values_list("rule", flat=True)) == ["eval-1", "eval-7"]


@pytest.mark.django_db
def test_an_outside_evaluator_who_answered_is_not_reminded(eform, outside_invitation, rated):
    services.answer(outside_invitation.pk, data=rates(rated))
    assert sweep.sweep(eform.deadline - timedelta(days=7)) == []
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_an_outside_evaluator_without_an_address_is_not_reminded(eform, own_project, planning):
    services.invite(own_project, by=planning, name="นางสาวสมหญิง ไม่มีอีเมล")
    assert sweep.plan(eform.deadline - timedelta(days=7)) == []
    assert sweep.sweep(eform.deadline - timedelta(days=7)) == []
    assert not Message.objects.exists() and not Reminder.objects.exists()


@pytest.mark.django_db
def test_the_outbox_writes_to_an_address_without_an_account_once_per_key(office):
    def send():
        return outbox.enqueue(key="test:outside:1", kind=Message.Kind.DEADLINE, recipient=None, office=office,
                              template="deadlines", context={"count": 0}, to_email="kru@example.ac.th",
                              to_name="ครูสมศรี")

    message = send()
    assert message is not None and message.recipient is None and message.to_email == "kru@example.ac.th"
    assert "ครูสมศรี" in message.body_text
    assert send() is None and Message.objects.count() == 1
    assert outbox.enqueue(key="test:outside:2", kind=Message.Kind.DEADLINE, recipient=None, office=office,
                          template="deadlines", context={}, to_email="") is None


@pytest.mark.django_db
def test_the_mail_log_shows_a_message_without_recipient_by_name(client, administrator, owner, eform,
                                                               outside_invitation):
    sweep.sweep(eform.deadline - timedelta(days=7))
    message = outside_messages().get()
    client.force_login(administrator)
    page = client.get(reverse("reminders:log")).content.decode()
    assert "นายสมชาย ใจดี" in page and "somchai@example.ac.th" in page
    assert "นายสมชาย" in client.get(reverse("reminders:log"), {"q": "สมชาย"}).content.decode()
    detail = client.get(reverse("reminders:message", args=[message.pk]))
    assert detail.status_code == 200 and "นายสมชาย ใจดี" in detail.content.decode()
    client.force_login(owner)  # nobody's own e-mail: an account holder cannot open it
    assert client.get(reverse("reminders:message", args=[message.pk])).status_code == 403
    assert message.subject not in client.get(reverse("reminders:mine")).content.decode()


@pytest.mark.django_db
def test_planning_e_mails_the_link_once_per_link(client, planning, eform, outside_invitation, owner_invitation,
                                               own_project):
    url = reverse("evaluation:project", args=[own_project.pk])
    client.force_login(planning)
    page = client.get(url).content.decode()
    assert 'value="send_link"' in page and "ส่งลิงก์ทางอีเมล" in page
    response = client.post(url, {"op": "send_link", "invitation": outside_invitation.pk}, follow=True)
    assert "ส่งลิงก์ทางอีเมลถึง นายสมชาย ใจดี แล้ว" in response.content.decode()
    message = Message.objects.get(kind=Message.Kind.INVITATION)
    assert message.recipient is None and message.to_email == "somchai@example.ac.th"
    assert "คำเชิญร่วมประเมินโครงการ" in message.subject and own_project.code in message.subject
    path = signed_path(message.body_text)
    assert signed_path(message.body_html) == path
    # the same link is not sent twice
    response = client.post(url, {"op": "send_link", "invitation": outside_invitation.pk}, follow=True)
    assert "ลิงก์นี้ส่งทางอีเมลไปแล้ว" in response.content.decode()
    assert Message.objects.filter(kind=Message.Kind.INVITATION).count() == 1
    client.logout()
    assert client.get(path).status_code == 200  # the e-mailed link works without a login
    # a new link may be sent; the old one no longer works
    client.force_login(planning)
    client.post(url, {"op": "renew", "invitation": outside_invitation.pk})
    client.post(url, {"op": "send_link", "invitation": outside_invitation.pk})
    assert Message.objects.filter(kind=Message.Kind.INVITATION).count() == 2
    client.logout()
    assert client.get(path).status_code == 400


@pytest.mark.django_db
def test_the_link_is_not_e_mailed_without_an_address_or_to_an_account(client, planning, eform, owner_invitation,
                                                                     own_project):
    nobody = services.invite(own_project, by=planning, name="นางสาวสมหญิง ไม่มีอีเมล")
    url = reverse("evaluation:project", args=[own_project.pk])
    client.force_login(planning)
    response = client.post(url, {"op": "send_link", "invitation": nobody.pk})
    assert response.status_code == 400 and "ไม่มีที่อยู่อีเมล" in response.content.decode()
    response = client.post(url, {"op": "send_link", "invitation": owner_invitation.pk})
    assert response.status_code == 400 and "ผู้ประเมินที่มีบัญชีผู้ใช้ตอบในระบบ" in response.content.decode()
    assert not Message.objects.exists()
