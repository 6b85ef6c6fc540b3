"""Write an empty plan workbook to fill in.

    $ python manage.py export_plan_template -o template.xlsx [--office CODE] [--fy 2569]
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from projects.planbook import build_template
from projects.planbook.cli import command_fiscal_year, command_office


class Command(BaseCommand):
    help = "Write an empty plan workbook (projects and activities) with instructions and drop-down lists."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="where to write the .xlsx file")
        parser.add_argument("--office", help="office code; its groups fill the group drop-down")
        parser.add_argument("--fy", help="Buddhist-era fiscal year whose strategy and indicator codes are listed")

    def handle(self, *args, **options):
        office = command_office(options["office"], required=bool(options["fy"]))
        fiscal_year = command_fiscal_year(office, options["fy"]) if options["fy"] else None
        build_template(office, fiscal_year=fiscal_year).save(options["output"])
        self.stdout.write(_("Template written to %(path)s") % {"path": options["output"]})
