"""Demo answers to the satisfaction questionnaire: every user of the office answered in the closed year, most of
them in the current one (planning staff and the administrator not yet, so their home page invites them); the
scores rise a little, so the M&E health page compares two years with figures. Idempotent, dated in the past."""

from datetime import timedelta

from accounts import democlock
from accounts.models import User

from . import services
from .models import SurveyAnswer

NOT_YET = ("planning@", "admin@")  # current year: still invited on their home page
COMMENTS = {
    "owner@": "อยากให้ระบบแจ้งเตือนก่อนครบกำหนดส่งแบบติดตามล่วงหน้ามากขึ้น",
    "director@": "รายงานสรุปช่วยให้ติดตามความก้าวหน้าของแผนได้รวดเร็วขึ้น",
    "head@": "ขอให้เพิ่มคู่มือการใช้งานสำหรับผู้ใช้ใหม่",
}


def _scores(user_index: int, item_count: int, lift: int) -> dict:
    return {f"d{n}": max(1, min(5, 3 + lift + ((user_index + n) % 3) - 1)) for n in range(item_count)}


def seed(previous, current) -> int:
    """Answer for ``previous`` (closed) and ``current``; returns how many answers were written."""
    users = list(User.objects.filter(office=current.office, is_active=True).order_by("email"))
    clock = democlock.current()
    written = 0
    for fy, lift, when in ((previous, 0, previous.end - timedelta(days=20)),
                           (current, 1, max(current.start, clock.today - timedelta(days=5)))):
        for index, user in enumerate(users):
            if fy is current and user.email.startswith(NOT_YET):
                continue
            if SurveyAnswer.objects.filter(fiscal_year=fy, user=user).exists():
                continue
            items = services.items_of(fy.office)
            scores = {services.key_of(item, n): value for n, (item, value) in
                      enumerate(zip(items, _scores(index, len(items), lift).values()))}
            comment = next((text for prefix, text in COMMENTS.items() if user.email.startswith(prefix)), "")
            with clock.at(when):
                services.save_answer(user, fy, scores=scores, comment=comment if fy is current else "")
            written += 1
    return written
