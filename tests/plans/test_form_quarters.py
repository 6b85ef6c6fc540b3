"""Which quarters need a progress form is a per-year setting: the others get no form, reminder or missing mark."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from plans.models import FiscalYear
from reminders import sweep
from reporting import annual, figures

from ..conftest import make_project

LATE = date(2026, 2, 20)  # Q1's due date (9 Jan 2026) has passed; Q2 not yet


@pytest.fixture
def q3_q4_only(client, planning, fy):
    client.force_login(planning)
    response = client.post(reverse("plans:fiscal_year_settings", args=[2569]), {
        "report_working_days": "5", "form_quarters": ["3", "4"], "editions_deadline": ""})
    assert response.status_code == 302
    fy.refresh_from_db()
    assert fy.form_quarters == [3, 4]
    return fy


@pytest.fixture
def project(fy, promo_group, owner):
    return make_project(fy, promo_group, "P-A", owners=[owner])


@pytest.mark.django_db
def test_default_is_every_quarter_and_no_quarter_is_refused(client, planning, fy):
    assert fy.form_quarters == [1, 2, 3, 4] and all(q.needs_form for q in fy.quarters.all())
    client.force_login(planning)
    response = client.post(reverse("plans:fiscal_year_settings", args=[2569]), {"report_working_days": "5"},
                           follow=True)
    assert "เลือกอย่างน้อยหนึ่งไตรมาสที่ต้องส่งแบบติดตาม" in response.content.decode()
    assert FiscalYear.objects.get(pk=fy.pk).form_quarters == [1, 2, 3, 4]


@pytest.mark.django_db
def test_quarters_without_forms_vanish_from_the_pages(client, q3_q4_only, project, owner, planning, settings):
    from django.utils import timezone

    page = client.get(reverse("plans:fiscal_year_detail", args=[2569])).content.decode()
    assert page.count("ไตรมาสนี้ไม่ต้องส่งแบบ") == 2
    overview = client.get(reverse("projects:quarter_overview") + "?fy=2569").content.decode()
    assert "q=3" in overview and "q=1" not in overview and "q=2" not in overview
    client.force_login(owner)
    assert client.get(reverse("projects:report", args=[project.pk, 1])).status_code == 404
    assert client.get(reverse("projects:report", args=[project.pk, 3])).status_code == 200
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "ไตรมาสนี้ไม่ต้องส่งแบบ" in detail


@pytest.mark.django_db
def test_my_forms_and_home_list_no_form_of_a_quarter_without_forms(client, q3_q4_only, project, owner, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: LATE)
    client.force_login(owner)
    page = client.get(reverse("projects:my_forms") + "?fy=2569").content.decode()
    assert f"/projects/{project.pk}/q1/" not in page
    home = client.get(reverse("home")).content.decode()
    assert f"/projects/{project.pk}/q1/" not in home


@pytest.mark.django_db
def test_figures_count_no_missing_form_in_a_quarter_without_forms(q3_q4_only, project):
    summary = figures.summary(q3_q4_only, today=LATE)
    assert set(summary.totals) == {3, 4} and summary.overdue_count == 0 and not summary.overdue
    full = figures.year(q3_q4_only, today=LATE)
    assert set(full.totals) == {3, 4} and not full.overdue
    assert [q["number"] for q in annual.snapshot(q3_q4_only, "pec", today=LATE)["quarters"]] == [3, 4]
    # The same year asking for every quarter marks Q1 missing.
    q3_q4_only.form_quarters = [1, 2, 3, 4]
    q3_q4_only.save()
    assert figures.summary(FiscalYear.objects.get(pk=q3_q4_only.pk), today=LATE).overdue_count == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("locmem_mail")
def test_the_sweep_reminds_no_form_of_a_quarter_without_forms(fy, project, owner):
    fy.form_quarters = [3, 4]
    fy.save()
    assert sweep.sweep(date(2026, 1, 7)) == [] and not mail.outbox  # Q1: two working days before its due date
    fy.form_quarters = [1, 2, 3, 4]
    fy.save()
    assert [letter.recipient for letter in sweep.sweep(date(2026, 1, 7))] == [owner]
