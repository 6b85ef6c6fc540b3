"""The admin in Thai: dates in the Buddhist era, Django's own chrome and validators in Thai."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.models import User


@pytest.mark.django_db
def test_admin_shows_users_dates_in_the_buddhist_era(client, administrator, owner):
    User.objects.filter(pk=owner.pk).update(last_login=datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Asia/Bangkok")),
                                            date_joined=datetime(2025, 10, 1, 8, 0, tzinfo=ZoneInfo("Asia/Bangkok")))
    client.force_login(administrator)
    listing = client.get("/admin/accounts/user/", headers={"accept-language": "th"}).content.decode()
    detail = client.get(f"/admin/accounts/user/{owner.pk}/change/").content.decode()
    assert "4 ธ.ค. 2569 09:30" in listing
    assert "4 ธ.ค. 2569 09:30" in detail and "1 ต.ค. 2568 08:00" in detail
    for page in (listing, detail):
        assert "2026" not in page.replace("2026-", "") and "ธันวาคม 2026" not in page


@pytest.mark.django_db
def test_admin_chrome_is_thai(client, administrator):
    client.force_login(administrator)
    page = client.get("/admin/accounts/user/").content.decode()
    for english in ("Show counts", "Select all objects on this page for an action", "Start typing to filter",
                    "Toggle theme", "- Select an option -"):
        assert english not in page
    assert "แสดงจำนวน" in page or "ซ่อนจำนวน" in page


@pytest.mark.django_db
def test_password_validators_speak_thai(client, owner):
    client.force_login(owner)
    response = client.post("/accounts/password/", {
        "old_password": "wrong", "new_password1": "12345678", "new_password2": "12345678"})
    page = response.content.decode()
    assert "This password is entirely numeric" not in page and "This password is too common" not in page
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in page or "รหัสผ่านนี้ใช้กันทั่วไปเกินไป" in page
