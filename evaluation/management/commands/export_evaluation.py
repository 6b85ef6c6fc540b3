"""python manage.py export_evaluation --fy 2569 -o evaluation.xlsx [--format pdf] [--office CODE]"""

from django.core.management.base import BaseCommand, CommandError

from evaluation import exports
from plans.models import FiscalYear


class Command(BaseCommand):
    help = "Export a fiscal year's plan evaluation: one row per project with every criterion, the score and level."

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year (B.E.), e.g. 2569")
        parser.add_argument("-o", "--output", required=True, help="file to write")
        parser.add_argument("--format", choices=exports.FORMATS, default="", help="xlsx (default) or pdf")
        parser.add_argument("--office", default="", help="office code (needed when several offices have the year)")

    def handle(self, *args, fy, output, format, office, **options):
        fmt = format or ("pdf" if output.lower().endswith(".pdf") else "xlsx")
        years = FiscalYear.objects.filter(year=fy).select_related("office")
        if office:
            years = years.filter(office__code=office)
        years = list(years)
        if not years:
            raise CommandError(f"no fiscal year {fy}" + (f" for office {office}" if office else ""))
        if len(years) > 1:
            codes = ", ".join(sorted(y.office.code for y in years))
            raise CommandError(f"several offices have fiscal year {fy} ({codes}): choose one with --office")
        fiscal_year = years[0]
        data = exports.data_for(fiscal_year)
        if data is None:
            raise CommandError(f"fiscal year {fy} of {fiscal_year.office.code} has no evaluation form")
        if fmt == "pdf":
            content, pages = exports.pdf(fiscal_year, data)
            with open(output, "wb") as out:
                out.write(content)
            self.stdout.write(f"{output}: {pages} pages, {len(data['projects'])} projects")
        else:
            exports.workbook(fiscal_year, data).save(output)
            self.stdout.write(f"{output}: {len(data['projects'])} projects")
