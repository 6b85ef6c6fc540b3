from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import digest as weekly
from reminders import sweep


class Command(BaseCommand):
    help = ("Run the deadline-reminder sweep for a day (default: today). Running it again for the same day "
            "sends nothing new. --dry-run prints who would get what and sends nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to run for, YYYY-MM-DD (Gregorian)")
        parser.add_argument("--dry-run", action="store_true", help="print, send nothing")
        parser.add_argument("--digest", action="store_true",
                            help="send the weekly digest (for the week of --today) instead of deadline reminders")

    def handle(self, *args, today=None, dry_run=False, digest=False, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today must be a date as YYYY-MM-DD, not {today!r} "
                               f"(วันที่ต้องอยู่ในรูปแบบ ค.ศ. ปปปป-ดด-วว)") from None
        verb = "would send" if dry_run else "queued"
        if digest:
            return self._digest(day, dry_run, verb)
        letters = sweep.plan(day) if dry_run else sweep.sweep(day)
        for letter in letters:
            self.stdout.write(f"{verb} 1 e-mail to {letter.email} ({len(letter.items)} item(s)):")
            for item in letter.items:
                self.stdout.write(f"  {item.line()}")
        total = sum(len(letter.items) for letter in letters)
        self.stdout.write(self.style.SUCCESS(
            f"{day}: {len(letters)} e-mail(s), {total} reminder(s) {verb}" + (" (dry run)" if dry_run else "")))

    def _digest(self, day, dry_run, verb):
        letters = weekly.plan(day) if dry_run else weekly.send(day)
        for letter in letters:
            self.stdout.write(f"{verb} the digest to {letter.recipient.email}: {weekly.summary(letter.context)}")
        self.stdout.write(self.style.SUCCESS(
            f"week {weekly.week_label(day)}: {len(letters)} digest(s) {verb}" + (" (dry run)" if dry_run else "")))
