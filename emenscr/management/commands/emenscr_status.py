from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from emenscr.fields import Book
from emenscr.stages import current_round, stages_for
from projects.models import Project

from ._common import fiscal_years, stage_of


class Command(BaseCommand):
    help = ("One line per project and stage (its current round): office, project code, stage, round, state, "
            "missing fields.")

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year (B.E.), e.g. 2569")
        parser.add_argument("--stage", default=None, help="only this stage, e.g. M7")
        parser.add_argument("--quarter", "--round", dest="round", type=int, default=None,
                            help="quarter or round; default: each stage's current one")
        parser.add_argument("--office", default=None, help="only this office (code)")

    def handle(self, *args, fy, stage, round, office, **options):
        today = timezone.localdate()
        with translation.override("th"):
            for year in fiscal_years(fy, office):
                stages = stages_for(year)
                if stage:
                    stages = [stage_of(stages, stage)]
                book = Book(year, Project.objects.filter(office=year.office))
                for chosen in stages:
                    number = round if round is not None else current_round(chosen, today)
                    for status in book.statuses(chosen, number):
                        missing = ", ".join(str(f.label) for f in status.missing)
                        self.stdout.write("\t".join([year.office.code, status.project.code, chosen.code, str(number),
                                                     status.state, missing]))
