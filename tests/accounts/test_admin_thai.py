"""The admin in Thai: dates in the Buddhist era, Django's own chrome and validators in Thai."""

import json
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


@pytest.mark.django_db
def test_admin_javascript_strings_are_thai(client, administrator):
    """The admin's scripts (the two-box group picker, action warnings) read their strings from jsi18n."""
    client.force_login(administrator)
    script = client.get("/admin/jsi18n/").content.decode()
    assert json.dumps("เลือก%sทั้งหมด") in script
    assert json.dumps("ตัวเลือกที่เลือกไว้ %s รายการไม่แสดง") in script
    assert json.dumps("เลือกแล้ว %(sel)s จาก %(cnt)s") in script  # Django's Thai says "… selected"


def test_javascript_catalogue_is_translated_and_compiled():
    from pathlib import Path

    import polib

    folder = Path(__file__).resolve().parent.parent.parent / "locale" / "th" / "LC_MESSAGES"
    po = polib.pofile(str(folder / "djangojs.po"))
    assert [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags] == []
    compiled = {(e.msgctxt, e.msgid) for e in polib.mofile(str(folder / "djangojs.mo")) if e.msgid}
    assert {(e.msgctxt, e.msgid) for e in po} <= compiled


@pytest.mark.django_db
def test_admin_change_history_is_dated_in_the_buddhist_era(client, administrator, owner):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.create(user=administrator, content_type=ContentType.objects.get_for_model(User),
                            object_id=str(owner.pk), object_repr=str(owner), action_flag=CHANGE, change_message="[]",
                            action_time=datetime(2026, 12, 4, 9, 30, tzinfo=ZoneInfo("Asia/Bangkok")))
    client.force_login(administrator)
    page = client.get(f"/admin/accounts/user/{owner.pk}/history/").content.decode()
    assert "4 ธ.ค. 2569 09:30" in page
    assert "2026" not in page
