"""Demo fiscal years and the FY 2562 monitoring calendar of สพม. เขต ๑๒ (seeds/000_…txt)."""

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


@transaction.atomic
def seed(offices) -> dict:
    years = {}
    # FY 2562 (the calendar of the source document), FY 2569 (the demo year) and the current year.
    current = fiscal_year_of(timezone.localdate())
    for office in offices:
        for year in sorted({2562, 2569, current}):
            years[(office.code, year)], _ = services.get_or_create_fiscal_year(office, year)
            seed_calendar(years[(office.code, year)], CALENDAR_2562 if year == 2562 else CALENDAR_2569)
    return years
