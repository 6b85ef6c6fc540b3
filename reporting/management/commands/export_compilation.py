"""Write one of the dashboard's Excel compilations from the command line.

    $ python manage.py export_compilation --fy 2569 --kind progress --quarter 1 -o progress.xlsx
"""

from django.core.management.base import BaseCommand, CommandError

from projects.planbook.cli import command_fiscal_year, command_office
from reporting import figures
from reporting.excel.compile import EXPORTS


class Command(BaseCommand):
    help = "Export the year's quarterly progress, budget or indicator results (every project) to .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--fy", required=True, help="Buddhist-era fiscal year, e.g. 2569")
        parser.add_argument("--kind", required=True, choices=sorted(EXPORTS))
        parser.add_argument("--quarter", type=int, choices=[1, 2, 3, 4], help="for progress: which quarter")
        parser.add_argument("--basis", default=figures.Basis.SUBMITTED,
                            choices=[figures.Basis.SUBMITTED, figures.Basis.APPROVED])
        parser.add_argument("-o", "--output", required=True)
        parser.add_argument("--office", help="office code (default: TIDTAM_DEFAULT_OFFICE or the first office)")

    def handle(self, *args, **options):
        fiscal_year = command_fiscal_year(command_office(options["office"]), options["fy"])
        year = figures.year(fiscal_year, basis=options["basis"])
        kind = options["kind"]
        workbook = EXPORTS[kind](year, options["quarter"]) if kind == "progress" else EXPORTS[kind](year)
        try:
            workbook.save(options["output"])
        except OSError as error:
            raise CommandError(f"cannot write {options['output']}: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"{options['output']}: {kind}, {len(year.projects)} projects"))
