from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from emenscr import exports
from emenscr.fields import Book
from emenscr.stages import current_round, stages_for
from projects.models import Project

from ._common import fiscal_years, stage_of


class Command(BaseCommand):
    help = "Write the ready-to-key sheet of one stage (and quarter or round) of a fiscal year as .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--fy", type=int, required=True, help="fiscal year (B.E.), e.g. 2569")
        parser.add_argument("--stage", required=True, help="stage code, e.g. M1 or M7")
        parser.add_argument("--quarter", "--round", dest="round", type=int, default=None,
                            help="quarter (per-quarter stages) or round; default: the current one")
        parser.add_argument("--office", default=None, help="office code, when several offices have the year")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, fy, stage, round, office, output, **options):
        years = fiscal_years(fy, office)
        if len(years) > 1:
            raise CommandError("Several offices have this fiscal year; name one with --office "
                               + ", ".join(y.office.code for y in years))
        year = years[0]
        with translation.override("th"):
            chosen = stage_of(stages_for(year), stage)
            rounds = [w.round for w in chosen.window_list]
            number = round if round is not None else current_round(chosen, timezone.localdate())
            if number not in rounds:
                raise CommandError(f"Stage {chosen.code} has rounds {rounds}, not {number}.")
            book = Book(year, Project.objects.filter(office=year.office))
            exports.stage_workbook(book, chosen, number).save(output)
        self.stdout.write(f"{output}: {len(book.projects)} project(s), {chosen.code} round {number}, "
                          f"fiscal year {year.year}, {year.office.code}")
