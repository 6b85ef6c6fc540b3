"""Build the annual summary report PDF from the command line (the same PDF the web page generates).

    $ python manage.py build_annual_report --fy 2569 --audience ktpn -o report.pdf [--thai-digits]
"""

from django.core.management.base import BaseCommand, CommandError

from projects.planbook.cli import command_fiscal_year, command_office
from reporting import annual
from reporting.figures import Basis
from reporting.models import Audience


class Command(BaseCommand):
    help = ("Build the annual summary report of a fiscal year for one audience: pec (กศจ.), "
            "ktpn (ก.ต.ป.น.) or obec (สพฐ.).")

    def add_arguments(self, parser):
        parser.add_argument("--fy", required=True, help="Buddhist-era fiscal year, e.g. 2569")
        parser.add_argument("--audience", required=True, help="pec (กศจ.), ktpn (ก.ต.ป.น.) or obec (สพฐ.)")
        parser.add_argument("-o", "--output", required=True, help="where to write the PDF")
        parser.add_argument("--thai-digits", action="store_true", help="Thai digits throughout (๑๒๓)")
        parser.add_argument("--basis", default=Basis.APPROVED, choices=[Basis.APPROVED, Basis.SUBMITTED],
                            help="results from approved forms only (default) or from every submitted form")
        parser.add_argument("--office", help="office code (default: TIDTAM_DEFAULT_OFFICE or the first office)")

    def handle(self, *args, **options):
        audience = options["audience"]
        if audience not in Audience.values:
            raise CommandError(f"unknown audience {audience!r}: use pec (กศจ.), ktpn (ก.ต.ป.น.) or obec (สพฐ.) "
                               f"(กลุ่มผู้รับรายงานไม่ถูกต้อง)")
        fiscal_year = command_fiscal_year(command_office(options["office"]), options["fy"])
        data = annual.snapshot(fiscal_year, audience, basis=options["basis"])
        built = annual.build(data, thai_digits=options["thai_digits"])
        try:
            with open(options["output"], "wb") as out:
                out.write(built.pdf)
        except OSError as error:
            raise CommandError(f"cannot write {options['output']}: {error}") from None
        self.stdout.write(self.style.SUCCESS(
            f"{options['output']}: {built.pages} pages ({built.front_pages} front), "
            f"{data['totals']['projects']} projects, {built.seconds:.1f} s"))
