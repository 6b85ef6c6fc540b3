"""Indicator results have their own parser (not the money parser): negatives where the indicator allows them
(any numeric indicator that is not a percentage), Thai digits and thousands commas, in the quarterly form and
in the monitoring result form."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections import workflow as inspection_workflow
from inspections.models import Assignment, MonitoringResult
from plans.models import Indicator
from projects import workflow
from projects.models import IndicatorResult, QuarterlyReport


@pytest.fixture
def change_indicator(fy, strategy):
    """A numeric indicator that can go below zero (a change in the dropout count)."""
    return Indicator.objects.create(fiscal_year=fy, plan_item=strategy, code="KPI02", name="จำนวนนักเรียนออกกลางคันที่ลดลง",
                                    unit="คน", target_value=Decimal("10"))


@pytest.mark.parametrize(("raw", "value"), [
    ("-3", Decimal("-3.00")), ("๑,๒๓๔.๕", Decimal("1234.50")), (" 1,234 ", Decimal("1234.00")), ("", None),
    ("−2.5", Decimal("-2.50")), ("0", Decimal("0.00")),
])
def test_the_parser_reads_negatives_thai_digits_and_thousands(raw, value):
    from reviews.values import parse_indicator_value

    assert parse_indicator_value(raw, Indicator(unit="คน")) == value


@pytest.mark.parametrize("raw", ["ก", "1,23", "1.234", "1e5", "--1", "12,34,567"])
def test_the_parser_refuses_what_is_not_a_number(raw):
    from reviews.values import parse_indicator_value

    with pytest.raises(ValidationError):
        parse_indicator_value(raw, Indicator(unit="คน"))


@pytest.mark.parametrize(("raw", "ok"), [("-1", False), ("100", True), ("100.5", False), ("๙๐%", True)])
def test_a_percentage_indicator_takes_0_to_100(raw, ok):
    from reviews.values import parse_indicator_value

    percent = Indicator(unit="ร้อยละ")
    if ok:
        assert parse_indicator_value(raw, percent) is not None
    else:
        with pytest.raises(ValidationError):
            parse_indicator_value(raw, percent)


def _monitoring_result(fy, indicator, owner, promo_group, planning):
    Assignment.objects.create(fiscal_year=fy, indicator=indicator, responsible=owner, group=promo_group)
    inspection_workflow.open_monitoring_round(fy, by=planning, title="รอบ 6 เดือน", due_date=date(2026, 3, 31))
    return MonitoringResult.objects.get()


@pytest.mark.django_db
def test_a_negative_monitoring_result_is_saved_where_the_indicator_allows_it(client, fy, change_indicator, owner,
                                                                             promo_group, planning):
    result = _monitoring_result(fy, change_indicator, owner, promo_group, planning)
    client.force_login(owner)
    response = client.post(reverse("inspections:result", args=[result.pk]),
                           {"op": "save", "version": result.version, "value": "-๑,๒๐๐", "narrative": ""})
    assert response.status_code == 302
    assert MonitoringResult.objects.get(pk=result.pk).value == Decimal("-1200")


@pytest.mark.django_db
def test_a_percentage_result_outside_0_to_100_is_refused_on_the_page(client, fy, indicator, owner, promo_group,
                                                                     planning):
    result = _monitoring_result(fy, indicator, owner, promo_group, planning)  # unit ร้อยละ
    client.force_login(owner)
    response = client.post(reverse("inspections:result", args=[result.pk]),
                           {"op": "save", "version": result.version, "value": "-5", "narrative": ""})
    assert response.status_code == 400 and "ตั้งแต่ 0 ถึง 100" in response.content.decode()
    assert MonitoringResult.objects.get(pk=result.pk).value is None


@pytest.mark.django_db
def test_the_quarterly_form_reads_thai_digits_commas_and_negative_indicator_results(client, owner, own_project,
                                                                                    change_indicator):
    own_project.indicator_targets.create(indicator=change_indicator, target_value=Decimal("10"))
    report = workflow.get_or_create_report(own_project, own_project.fiscal_year.quarters.get(number=1))
    line = report.indicator_results.get()
    client.force_login(owner)
    data = {"version": report.version, "spent_this_quarter": "", "outputs": "", "outcomes": "", "problems": "",
            "suggestions": "", "action": "save", f"ind-{line.target_id}-value": "-๑,๒๐๐.๕", f"ind-{line.target_id}-text": ""}
    for activity in report.activity_progress.all():
        data.update({f"act-{activity.activity_id}-status": "not_started", f"act-{activity.activity_id}-percent": "",
                     f"act-{activity.activity_id}-description": ""})
    response = client.post(reverse("projects:report", args=[own_project.pk, 1]), data)
    assert response.status_code == 302
    assert IndicatorResult.objects.get(pk=line.pk).value == Decimal("-1200.50")
    assert QuarterlyReport.objects.get(pk=report.pk).version == report.version + 1
    # The form shows the saved value back, without the column's trailing zero.
    assert 'value="-1200.5"' in client.get(reverse("projects:report", args=[own_project.pk, 1])).content.decode()
