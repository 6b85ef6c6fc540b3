"""Print a fiscal year's quarters and report due dates.

    $ python manage.py fiscal_calendar 2569
    1 2025-10-01 2025-12-31 2026-01-09 | 1 ต.ค. 2568 31 ธ.ค. 2568 9 ม.ค. 2569
    …
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Office
from plans import services
from plans.lib import fiscal
from plans.lib.thaidate import format_date


class Command(BaseCommand):
    help = "Print each quarter of a fiscal year (B.E.) with its first day, last day and report due date."

    def add_arguments(self, parser):
        parser.add_argument("year", help="Buddhist-era fiscal year, e.g. 2569")
        parser.add_argument("--office", help="office code; its declared holidays and setting are used")
        parser.add_argument("--thai-digits", action="store_true", help="print the Thai dates with Thai digits")

    def handle(self, *args, **options):
        try:
            year = fiscal.parse_year_be(options["year"])
        except fiscal.FiscalYearError as error:
            raise CommandError(f"{error} / ปีงบประมาณไม่ถูกต้อง: ใส่ปี พ.ศ. ๔ หลัก เช่น 2569") from None
        office = None
        working_days = 5
        if options["office"]:
            office = Office.objects.filter(code=options["office"]).first()
            if office is None:
                raise CommandError(f"Unknown office code {options['office']!r} / ไม่พบรหัสสำนักงาน")
            fy = office.fiscal_years.filter(year=year).first()
            if fy is not None:
                working_days = fy.report_working_days
        digits = "thai" if options["thai_digits"] else "arabic"
        for span, due in services.quarter_schedule(year, office=office, working_days=working_days):
            iso = f"{span.number} {span.start.isoformat()} {span.end.isoformat()} {due.isoformat()}"
            thai = " ".join(format_date(d, digits=digits) for d in (span.start, span.end, due))
            self.stdout.write(f"{iso} | {thai}")
