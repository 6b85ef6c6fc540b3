"""Add or update offices from a workbook: all of it, or nothing.

    $ python manage.py import_offices offices.xlsx [--dry-run]
    $ python manage.py import_offices --template offices-template.xlsx

Columns: code, name, kind (สพป., สพม., ภาค, สพฐ.), province, parent office code. Every problem is printed with
its row and column and the command exits with status 1, having saved nothing.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reporting import office_import


class Command(BaseCommand):
    help = "Add or update offices (code, name, kind, province, parent code) from an .xlsx; nothing is saved if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, save nothing")
        parser.add_argument("--template", metavar="OUT", help="write an example workbook to fill in, and stop")

    def handle(self, *args, **options):
        if options["template"]:
            office_import.template().save(options["template"])
            self.stdout.write(_("Template written to %(path)s") % {"path": options["template"]})
            return
        if not options["file"]:
            raise CommandError(_("Give the workbook to import, or --template OUT.xlsx."))
        try:
            result = office_import.import_offices(options["file"], dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {
                "path": options["file"], "error": error.strerror or error}) from None
        if result.problems:
            for problem in result.problems:
                self.stderr.write(str(problem))
            raise CommandError(_("%(count)s problem(s) found; nothing was saved.") % {"count": len(result.problems)})
        self.stdout.write(result.summary())
