"""The weekly digest: planning staff and the director hear what is due, late and waiting for them, once a week."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from projects import workflow
from reminders import digest
from reminders.models import Message

from ..conftest import make_project, submit_q1

MONDAY = date(2026, 1, 12)  # FY 2569 Q1 was due Fri 9 Jan 2026


pytestmark = pytest.mark.usefixtures("locmem_mail")


@pytest.fixture
def year(fy, promo_group, sup_group, owner, other_owner, planning):
    """P-A verified (waits for the director), P-B submitted (waits for planning), P-C and P-D not sent."""
    a = submit_q1(make_project(fy, promo_group, "P-A", owners=[owner]), owner)
    workflow.verify(a.pk, by=planning, expected_version=a.version)
    submit_q1(make_project(fy, promo_group, "P-B", owners=[owner]), owner)
    make_project(fy, sup_group, "P-C", owners=[other_owner])
    make_project(fy, sup_group, "P-D", owners=[other_owner])
    mail.outbox.clear()
    return fy


@pytest.mark.django_db(transaction=True)
def test_planning_and_director_each_get_what_concerns_them_once_a_week(year, planning, director, owner,
                                                                     group_head):
    letters = digest.send(MONDAY)
    assert {letter.recipient for letter in letters} == {planning, director}  # not owners, not group heads
    to = {m.to[0]: m for m in mail.outbox}
    assert set(to) == {planning.email, director.email}
    mine = to[planning.email]
    assert "P-C" in mine.body and "P-D" in mine.body  # late, listed
    assert "P-B" in mine.body and "/projects/forms/review/" in mine.body  # waits for planning's review
    assert "/projects/forms/approval/" not in mine.body  # approvals are the director's
    assert "ล่าช้า" in mine.subject and "รอตรวจ" in mine.subject
    assert "กลุ่มนิเทศ" in mine.body  # late counted by group
    theirs = to[director.email]
    assert "P-A" in theirs.body and "/projects/forms/approval/" in theirs.body
    assert "/projects/forms/review/" not in theirs.body
    html = next(content for content, mimetype in mine.alternatives if mimetype == "text/html")
    assert "P-C" in html and "ล่าช้า" in html
    assert "/mail/" in mine.body  # where to turn it off
    # Later the same week: nothing; the next Monday: again.
    assert digest.send(date(2026, 1, 15)) == []
    assert len(mail.outbox) == 2
    assert len(digest.send(date(2026, 1, 19))) == 2
    assert Message.objects.filter(kind=Message.Kind.DIGEST).count() == 4


@pytest.mark.django_db(transaction=True)
def test_opting_out_stops_the_digest_and_a_quiet_week_sends_nothing(fy, promo_group, owner, planning, director):
    director.wants_digest = False
    director.save()
    make_project(fy, promo_group, "P-A", owners=[owner])
    assert [letter.recipient for letter in digest.send(MONDAY)] == [planning]
    # Mid-quarter, nothing due within two weeks, nothing late, nothing waiting: no e-mail at all.
    assert digest.plan(date(2025, 11, 10)) == []


@pytest.mark.django_db(transaction=True)
def test_due_soon_counts_the_forms_not_sent(fy, promo_group, owner, planning):
    make_project(fy, promo_group, "P-A", owners=[owner])
    submit_q1(make_project(fy, promo_group, "P-B", owners=[owner]), owner)
    (letter,) = digest.plan(date(2026, 1, 5))
    (due,) = letter.context["week"].due_soon
    assert (due.quarter.number, due.pending, due.total, due.days_left) == (1, 1, 2, 4)


@pytest.mark.django_db(transaction=True)
def test_command_dry_run_prints_and_sends_nothing_then_sends_once(year, planning, director):
    out = StringIO()
    call_command("send_reminders", "--digest", "--today", "2026-01-12", "--dry-run", stdout=out)
    assert "would send the digest to " + planning.email in out.getvalue()
    assert "2 late" in out.getvalue() and mail.outbox == []
    call_command("send_reminders", "--digest", "--today", "2026-01-12", stdout=StringIO())
    assert len(mail.outbox) == 2
    out = StringIO()
    call_command("send_reminders", "--digest", "--today", "2026-01-13", stdout=out)
    assert "0 digest(s) queued" in out.getvalue() and len(mail.outbox) == 2


@pytest.mark.django_db
def test_digest_for_the_demo_office_takes_few_queries(year, planning, director, django_assert_max_num_queries):
    for n in range(30):
        make_project(year, planning.work_groups.first(), f"X-{n:02d}")
    with django_assert_max_num_queries(16):
        letters = digest.plan(MONDAY)
    assert len(letters) == 2 and letters[0].context["late"].count == 32

