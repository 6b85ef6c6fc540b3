"""Import a filled plan workbook into a fiscal year: all of it, or nothing.

    $ python manage.py import_plan plan.xlsx --fy 2569 [--office CODE] [--dry-run]

Every problem is printed as ``sheet!C5 [code] message`` and the command exits with status 1.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from projects.planbook import import_plan
from projects.planbook.cli import command_fiscal_year, command_office


class Command(BaseCommand):
    help = "Import projects and activities from a plan workbook (.xlsx); nothing is saved if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--fy", required=True, help="Buddhist-era fiscal year, e.g. 2569")
        parser.add_argument("--office", help="office code (default: TIDTAM_DEFAULT_OFFICE or the first office)")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, save nothing")

    def handle(self, *args, **options):
        fiscal_year = command_fiscal_year(command_office(options["office"]), options["fy"])
        try:
            result = import_plan(options["file"], fiscal_year=fiscal_year, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {
                "path": options["file"], "error": error.strerror or error}) from None
        if result.errors:
            for issue in result.errors:
                self.stderr.write(str(issue))
            raise CommandError(_("%(count)s problem(s) found; nothing was saved.") % {"count": len(result.errors)})
        self.stdout.write(result.summary())
