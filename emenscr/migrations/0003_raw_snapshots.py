"""Snapshots taken before they kept raw values held each field's display text. Each such value is kept as
``{"text": …}``: the board compares it with the text of today's value (equal text: not changed, as before) until the
project is keyed again, when the snapshot becomes raw. Raw values are never dicts, so the two cannot be confused."""

from django.db import migrations


def text_values_marked(apps, schema_editor):
    Entry = apps.get_model("emenscr", "Entry")
    for entry in Entry.objects.iterator():
        snapshot = {key: ({"text": value} if isinstance(value, str) else value)
                    for key, value in (entry.snapshot or {}).items()}
        if snapshot != entry.snapshot:
            Entry.objects.filter(pk=entry.pk).update(snapshot=snapshot)


class Migration(migrations.Migration):

    dependencies = [("emenscr", "0002_entry_review")]

    operations = [migrations.RunPython(text_values_marked, migrations.RunPython.noop)]
