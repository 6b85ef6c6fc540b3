"""Write a fiscal year's projects and activities in the plan workbook layout.

    $ python manage.py export_plan --fy 2569 -o plan.xlsx [--office CODE]
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from projects.models import Project
from projects.planbook import export_plan
from projects.planbook.cli import command_fiscal_year, command_office


class Command(BaseCommand):
    help = "Export every project and activity of a fiscal year to an .xlsx file that import_plan reads back."

    def add_arguments(self, parser):
        parser.add_argument("--fy", required=True, help="Buddhist-era fiscal year, e.g. 2569")
        parser.add_argument("-o", "--output", required=True, help="where to write the .xlsx file")
        parser.add_argument("--office", help="office code (default: TIDTAM_DEFAULT_OFFICE or the first office)")

    def handle(self, *args, **options):
        fiscal_year = command_fiscal_year(command_office(options["office"]), options["fy"])
        projects = Project.objects.filter(fiscal_year=fiscal_year)
        export_plan(fiscal_year, projects).save(options["output"])
        self.stdout.write(_("%(count)s project(s) written to %(path)s") % {
            "count": projects.count(), "path": options["output"]})
