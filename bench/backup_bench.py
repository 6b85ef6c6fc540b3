"""Backup and restore benchmark: one generated office of N projects (5 activities each, two quarters of
approved forms with progress, indicator results and disbursements) plus evidence files, backed up whole with
``manage.py backup`` and restored with ``manage.py restore`` into a new database and media folder. Prints the
archive size, the time and the peak memory (max RSS) of each command.

    .venv/bin/python bench/backup_bench.py                       # 2,000 projects, 1,000 files of 100 KB
    .venv/bin/python bench/backup_bench.py --projects 300 --files 0

SQLite files under var/bench/ by default. With ``--postgres postgres://user:pw@host:5432/prefix`` the two
deployments are PostgreSQL databases ``prefix_source`` and ``prefix_target`` (made and dropped here; the role
needs CREATEDB; never point it at production). Figures are printed, nothing is asserted.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / "var" / "bench" / "backup"
PEAK = ("import os, resource, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', *sys.argv[1:]]); "
        "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)")


def deployment(name: str, postgres: str | None) -> dict:
    media = SCRATCH / f"media-{name}"
    shutil.rmtree(media, ignore_errors=True)
    media.mkdir(parents=True)
    if postgres:
        parts = urlsplit(postgres)
        database = f"{parts.path.lstrip('/')}_{name}"
        _pg_admin(postgres, f'DROP DATABASE IF EXISTS "{database}"')
        _pg_admin(postgres, f'CREATE DATABASE "{database}"')
        url = urlunsplit(parts._replace(path=f"/{database}"))
    else:
        path = SCRATCH / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    return {"DATABASE_URL": url, "MEDIA_ROOT": str(media), "CELERY_TASK_ALWAYS_EAGER": "True"}


def _pg_admin(url: str, sql: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    db = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                          password=parts.password, dbname="postgres")
    db.autocommit = True
    with db.cursor() as cursor:
        cursor.execute(sql)
    db.close()


def manage(env: dict, *args) -> tuple[float, int]:
    """Run a management command in its own process: (seconds, peak RSS in MB)."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    peak = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB"))
    return seconds, peak // 1024


GENERATE = """
import os, sys
from pathlib import Path
sys.path.insert(0, {bench!r})
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from generate import generate_office, generate_reports
office, fy, planner = generate_office("BACKUP", projects={projects})
generate_reports(fy)
block = os.urandom(1024)
for n in range({files}):
    storages["evidence"].save(f"bench/{{n // 100:03d}}/evidence-{{n:05d}}.pdf", ContentFile(block * 100))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=2000)
    parser.add_argument("--files", type=int, default=1000, help="evidence files of 100 KB")
    parser.add_argument("--postgres", help="postgres://user:pw@host:port/prefix (scratch databases prefix_*)")
    args = parser.parse_args()
    SCRATCH.mkdir(parents=True, exist_ok=True)
    source, target = deployment("source", args.postgres), deployment("target", args.postgres)
    manage(source, "migrate", "-v", "0")
    started = time.perf_counter()
    manage(source, "shell", "-v", "0", "-c",
           GENERATE.format(bench=str(ROOT / "bench"), projects=args.projects, files=args.files))
    print(f"generated {args.projects} projects and {args.files} files in {time.perf_counter() - started:.0f} s")
    archive = SCRATCH / "bench.tar"
    archive.unlink(missing_ok=True)
    backup_s, backup_mb = manage(source, "backup", "-o", str(archive))
    manage(target, "migrate", "-v", "0")
    restore_s, restore_mb = manage(target, "restore", str(archive))
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{engine}, {args.projects} projects, {args.files} files: archive {archive.stat().st_size / 2**20:.1f} MB; "
          f"backup {backup_s:.1f} s (peak {backup_mb} MB); restore {restore_s:.1f} s (peak {restore_mb} MB)")
    if args.postgres:
        for name in ("source", "target"):
            _pg_admin(args.postgres, f'DROP DATABASE IF EXISTS "{urlsplit(args.postgres).path.lstrip("/")}_{name}"')


if __name__ == "__main__":
    main()
