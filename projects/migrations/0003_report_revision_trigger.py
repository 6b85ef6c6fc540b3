"""A database trigger records every UPDATE of a quarterly form in ReportRevision.

It catches what model signals miss — ``QuerySet.update()``, bulk updates and raw SQL.
On PostgreSQL the acting user comes from the transaction-local setting ``tidtam.actor_id``
(set by ``projects.workflow``); SQLite (the embedded default) records no actor.
"""

from django.db import migrations

COLUMNS = [
    "state", "timeliness", "first_submitted_at", "submitted_at", "submitted_by_id", "verified_at",
    "verified_by_id", "approved_at", "approved_by_id", "return_reason", "spent_this_quarter", "outputs",
    "outcomes", "problems", "suggestions", "version", "updated_at",
]

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION tidtam_report_revision() RETURNS trigger AS $$
BEGIN
    INSERT INTO projects_reportrevision
        (report_id, changed_at, actor_id, old_state, new_state, old_version, new_version, old_data, new_data)
    VALUES
        (OLD.id, now(), NULLIF(current_setting('tidtam.actor_id', true), '')::bigint,
         OLD.state, NEW.state, OLD.version, NEW.version, to_jsonb(OLD), to_jsonb(NEW));
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER tidtam_report_revision
    AFTER UPDATE ON projects_quarterlyreport
    FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*)
    EXECUTE FUNCTION tidtam_report_revision();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS tidtam_report_revision ON projects_quarterlyreport;
DROP FUNCTION IF EXISTS tidtam_report_revision();
"""


def _json(prefix: str) -> str:
    pairs = ", ".join(f"'{column}', {prefix}.{column}" for column in COLUMNS)
    return f"json_object({pairs})"


SQLITE_UP = f"""
CREATE TRIGGER tidtam_report_revision AFTER UPDATE ON projects_quarterlyreport
BEGIN
    INSERT INTO projects_reportrevision
        (report_id, changed_at, actor_id, old_state, new_state, old_version, new_version, old_data, new_data)
    VALUES
        (OLD.id, strftime('%Y-%m-%d %H:%M:%f', 'now'), NULL, OLD.state, NEW.state, OLD.version, NEW.version,
         {_json('OLD')}, {_json('NEW')});
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS tidtam_report_revision;"


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UP)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DOWN)


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_quarterly_reports")]
    operations = [migrations.RunPython(install, remove)]
