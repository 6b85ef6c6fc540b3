import getpass
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.archive import ArchiveError
from backups.services import backup


class Command(BaseCommand):
    help = "Write one archive with the database, the private files and a manifest (never over a file)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="the archive to write (must not exist)")
        parser.add_argument("--office", help="only this office's data (its code), to move it elsewhere")

    def handle(self, *args, output, office=None, **options):
        started = time.monotonic()
        try:
            manifest = backup(output, office_code=office, by=getpass.getuser())
        except ArchiveError as error:
            raise CommandError(error.both())
        size = sum(entry["size"] for entry in manifest["files"].values())
        self.stdout.write(_("Wrote %(path)s: %(rows)s rows, %(files)s files, %(size)s bytes in %(seconds).1f s.")
                          % {"path": output, "rows": sum(manifest["counts"].values()),
                             "files": len(manifest["files"]), "size": size,
                             "seconds": time.monotonic() - started})
