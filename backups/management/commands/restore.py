import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from backups.archive import ArchiveError
from backups.services import restore


class Command(BaseCommand):
    help = ("Restore an archive into an empty database (after migrate) and empty storages, or merge an "
            "office's archive into a deployment that does not have that office. Verified before anything "
            "is touched. An archive from an older version is migrated forward; one from a newer version "
            "is refused.")

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        started = time.monotonic()
        try:
            result = restore(archive)
        except ArchiveError as error:
            raise CommandError(error.both())
        manifest = result["manifest"]
        if result.get("migrated"):
            self.stdout.write(_("The archive was made by an older version: %(count)s migrations were run "
                                "forward after its rows were loaded.") % {"count": result["migrated"]})
        for model, count in sorted(result["counts"].items()):
            self.stdout.write(f"  {model}: {count}")
        self.stdout.write(_("Restored %(path)s (Tidtam %(version)s, made %(when)s): %(rows)s rows and "
                            "%(files)s files, all checked against the manifest, in %(seconds).1f s.")
                          % {"path": archive, "version": manifest.get("version"), "when": manifest.get("created_at"),
                             "rows": sum(result["counts"].values()), "files": result["files"],
                             "seconds": time.monotonic() - started})
