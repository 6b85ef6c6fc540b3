"""Demo fiscal years and the FY 2562 monitoring calendar of สพม. เขต ๑๒ (seeds/000_…txt).

The demo lives in the fiscal year of "today" (``seed_demo --today`` pins it); the year before is a closed year.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from . import services
from .lib.fiscal import fiscal_year_of
from .models import CalendarActivity

Q1, Q2, Q3, Q4 = [10, 11, 12], [1, 2, 3], [4, 5, 6], [7, 8, 9]

# (title, details, period, months, group code, informant)
CALENDAR_2562 = [
    ("ติดตามเป้าหมายการใช้จ่ายงบประมาณ", "", "ไตรมาส 2, 3, 4", Q2 + Q3 + Q4, "FIN",
     "กลุ่มบริหารงานการเงินและสินทรัพย์"),
    ("ติดตามโครงการตามแผนปฏิบัติการประจำปี/ตามนโยบายและกลยุทธ์/กิจกรรมจากหน่วยงานอื่น",
     "- แบบติดตามที่กำหนด\n- ผู้รับผิดชอบกรอกข้อมูล\n- ส่งแบบรายงาน",
     "ไตรมาส 3, 4 (ภายใน 5 วันทำการหลังสิ้นสุดแต่ละไตรมาส)", Q3 + Q4, None,
     "ทุกกลุ่ม/ผู้รับผิดชอบโครงการ/งาน/กิจกรรม"),
    ("รวบรวมข้อมูล", "- ผู้รวบรวมแบบรายงาน", "ไตรมาส 3, 4", Q3 + Q4, "PLAN", "กลุ่มนโยบายและแผน"),
    ("สรุปผล/รายงานผล", "- รายงานสรุปกิจกรรมของโครงการ/งาน/กิจกรรม\n- รายงานผลต่อ กศจ./สพฐ./ผู้ที่เกี่ยวข้อง",
     "ภายในเดือนกันยายน 2562", [9], "PLAN", "กลุ่มนโยบายและแผน"),
]

CALENDAR_2569 = [
    ("ติดตามเป้าหมายการใช้จ่ายงบประมาณ", "", "ไตรมาส 2, 3, 4", Q2 + Q3 + Q4, "FIN",
     "กลุ่มบริหารงานการเงินและสินทรัพย์"),
    ("ติดตามโครงการตามแผนปฏิบัติการประจำปี/ตามนโยบายและกลยุทธ์/กิจกรรมจากหน่วยงานอื่น",
     "- แบบติดตามที่กำหนด\n- ผู้รับผิดชอบกรอกข้อมูล\n- ส่งแบบรายงาน",
     "ทุกไตรมาส (ภายใน 5 วันทำการหลังสิ้นสุดแต่ละไตรมาส)", Q1 + Q2 + Q3 + Q4, None,
     "ทุกกลุ่ม/ผู้รับผิดชอบโครงการ/งาน/กิจกรรม"),
    ("รวบรวมข้อมูล", "- ผู้รวบรวมแบบรายงาน", "ทุกไตรมาส", [1, 4, 7], "PLAN", "กลุ่มนโยบายและแผน"),
    ("สรุปผล/รายงานผล", "- รายงานสรุปกิจกรรมของโครงการ/งาน/กิจกรรม\n- รายงานผลต่อ กศจ./สพฐ./ผู้ที่เกี่ยวข้อง",
     "ภายในเดือนกันยายน", [9], "PLAN", "กลุ่มนโยบายและแผน"),
]


def seed_calendar(fy, rows) -> None:
    groups = {g.code: g for g in fy.office.groups.all()}
    for order, (title, details, period, months, group, informant) in enumerate(rows, start=1):
        CalendarActivity.objects.update_or_create(
            fiscal_year=fy, order=order,
            defaults={
                "title": title, "details": details, "period_text": period, "months": months,
                "responsible_group": groups.get(group), "responsible_text": informant,
            },
        )


def live_quarter(fy, today: date):
    """The quarter whose forms owners are filling on ``today``: the latest whose window includes it.

    When no window is open (between one window's close and the next quarter's end), the office opens the
    current quarter's forms early — a week before ``today``, not before the quarter starts — by setting the
    year's ``window_opens_days_before_end``, as an office does when it wants Q1 forms in early.
    """
    quarters = list(fy.quarters.select_related("fiscal_year").order_by("number"))
    open_now = [q for q in quarters if q.accepts_reports_on(today)]
    if open_now:
        return open_now[-1]
    current = next(q for q in quarters if q.start_date <= today <= q.end_date)
    opens = max(current.start_date, today - timedelta(days=7))
    fy.window_opens_days_before_end = (current.end_date - opens).days
    fy.save(update_fields=["window_opens_days_before_end"])
    return current


@transaction.atomic
def seed(offices, today: date | None = None) -> dict:
    """FY 2562 (the calendar of the source document), the previous year and the live year of ``today``."""
    years = {}
    current = fiscal_year_of(today or timezone.localdate())
    for office in offices:
        for year in sorted({2562, current - 1, current}):
            years[(office.code, year)], _ = services.get_or_create_fiscal_year(office, year)
            seed_calendar(years[(office.code, year)], CALENDAR_2562 if year == 2562 else CALENDAR_2569)
            if year == 2562 and years[(office.code, year)].form_quarters != [3, 4]:
                # FY 2562's plan asks for project forms in Q3 and Q4 only (seeds/000_…txt, calendar row 2).
                years[(office.code, year)].form_quarters = [3, 4]
                years[(office.code, year)].save(update_fields=["form_quarters"])
            mark_past_activities_done(years[(office.code, year)], today or timezone.localdate())
    return years


def mark_past_activities_done(fy, today: date) -> None:
    """Runs of activities that ended more than a month ago were done (on their last day): the demo's overdue
    reminders then name only the recent ones."""
    for activity in fy.calendar_activities.all():
        ended = [end for _start, end in activity.runs() if end < today - timedelta(days=30)]
        if ended and (activity.done_on is None or activity.done_on < max(ended)):
            activity.done_on = max(ended)
            activity.save(update_fields=["done_on"])
