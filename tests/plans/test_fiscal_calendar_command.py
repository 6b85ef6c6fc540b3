from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.mark.django_db
def test_fiscal_calendar_2569_on_a_fresh_database():
    out = StringIO()
    call_command("fiscal_calendar", "2569", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 2025-10-01 2025-12-31 2026-01-09 | 1 ต.ค. 2568 31 ธ.ค. 2568 9 ม.ค. 2569",
        "2 2026-01-01 2026-03-31 2026-04-08 | 1 ม.ค. 2569 31 มี.ค. 2569 8 เม.ย. 2569",
        "3 2026-04-01 2026-06-30 2026-07-07 | 1 เม.ย. 2569 30 มิ.ย. 2569 7 ก.ค. 2569",
        "4 2026-07-01 2026-09-30 2026-10-07 | 1 ก.ค. 2569 30 ก.ย. 2569 7 ต.ค. 2569",
    ]


@pytest.mark.django_db
def test_fiscal_calendar_with_thai_digits():
    out = StringIO()
    call_command("fiscal_calendar", "2569", "--thai-digits", stdout=out)
    assert out.getvalue().splitlines()[0].endswith("| ๑ ต.ค. ๒๕๖๘ ๓๑ ธ.ค. ๒๕๖๘ ๙ ม.ค. ๒๕๖๙")


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["abc", "2026", "99999", ""])
def test_malformed_or_unknown_years_fail_with_a_clear_message(year):
    with pytest.raises(CommandError, match="ปีงบประมาณไม่ถูกต้อง"):
        call_command("fiscal_calendar", year)


@pytest.mark.django_db
def test_unknown_office_fails():
    with pytest.raises(CommandError, match="Unknown office"):
        call_command("fiscal_calendar", "2569", "--office", "NOPE")


def test_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "fiscal_calendar", "abc"],
        capture_output=True, text=True, env={**__import__("os").environ, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
    )
    assert result.returncode == 1
    assert "not a four-digit Buddhist-era year" in result.stderr
